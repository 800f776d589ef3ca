"""Background jobs of the portal: the daily open-data files."""

from datetime import timedelta

from django_tasks import task

from shiyu.core.periodic import periodic


@periodic(name="portal.opendata", every=timedelta(days=1))
@task()
def opendata_generate() -> dict:
    """Rewrite /opendata/cases.csv and .json from the current cases. Idempotent: it rewrites the
    whole files atomically, so a second run (or a retry) only replaces them again."""
    from shiyu.portal import opendata

    meta = opendata.generate()
    return {"rows": meta["rows"], "suppressed_rows": meta["suppressed_rows"]}
