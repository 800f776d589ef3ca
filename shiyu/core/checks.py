"""System checks of the core app (run by `shiyu check`, `migrate`, `runserver`, …)."""

from django.core import checks
from django.db import DatabaseError


@checks.register()
def workcal_coverage(app_configs, **kwargs):
    """A warning, never an error: a year beyond the package's data still works (weekdays and the
    overrides), but its deadlines ignore the official holidays until someone acts."""
    from shiyu.core import workcal

    try:
        warning = workcal.coverage_warning()
    except DatabaseError:  # no tables yet (before the first migrate): judge by the package alone
        warning = workcal.warning_text([y for y in workcal.this_and_next_year()
                                        if y not in workcal.covered_years()])
    if warning is None:
        return []
    return [checks.Warning(warning, hint="shiyu workcal info; /admin/core/calendaroverride/",
                           id="workcal.W001")]
