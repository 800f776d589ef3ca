"""Demo content for early warning and the reports: run what the worker would run after the seed
(the rollups, a fortnight of spike checks, the repeated-complaint check, the due reports)."""

from datetime import timedelta

from django.utils import timezone

from shiyu.core import clock


def seed_alerts_and_reports() -> dict[str, int]:
    from shiyu.alerts.services import detect_repeats, detect_spikes, import_disputes
    from shiyu.insights.services import rollups_refresh_all
    from shiyu.reports.services import reports_due

    rollups_refresh_all()
    today = timezone.localdate(clock.now())
    spikes = sum(len(detect_spikes(day=today - timedelta(days=d))) for d in range(14, 0, -1))
    repeats = len(detect_repeats())
    disputes = len(import_disputes())
    return {"alerts": spikes + repeats + disputes, "reports": len(reports_due())}
