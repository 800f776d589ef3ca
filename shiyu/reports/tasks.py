"""The scheduled reports: checked hourly, each period's report made once (idempotent)."""

from datetime import timedelta

from django_tasks import task

from shiyu.core.periodic import periodic


@periodic(name="reports.generate_due", every=timedelta(hours=1))
@task()
def generate_due_reports() -> int:
    from shiyu.reports.services import reports_due

    return len(reports_due())
