"""The early-warning job: hourly, idempotent (dedupe keys), so a missed or repeated run is harmless."""

from datetime import timedelta

from django_tasks import task

from shiyu.core.periodic import periodic


@periodic(name="alerts.detect", every=timedelta(hours=1))
@task()
def detect_alerts() -> dict[str, int]:
    from shiyu.alerts.services import alerts_detect

    return alerts_detect()
