"""Background jobs of cases: the deadline sweep (supervision ladder), contact retention."""

from datetime import timedelta

from django_tasks import task

from shiyu.core.periodic import periodic


@periodic(name="cases.deadline_sweep", every=timedelta(minutes=5))
@task()
def deadline_sweep() -> dict:
    """Reminders, urges and escalations now due. Incremental and idempotent: run twice, or after
    a crash halfway, it takes every step exactly once."""
    from shiyu.cases.services.ladder import sweep

    result = sweep()
    return {"checked": result.checked, "changed": result.changed, "events": result.events}


@periodic(name="cases.contact_retention", every=timedelta(days=1))
@task()
def contact_retention() -> dict:
    """Erase residents' contact details from cases that ended longer ago than the retention period
    (city setting cases.contact_retention_months). Idempotent."""
    from shiyu.cases.services.retention import case_contacts_expire

    return {"erased": case_contacts_expire()}
