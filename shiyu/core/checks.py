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


@checks.register(checks.Tags.security)
def field_keys(app_configs, **kwargs):
    """Malformed SHIYU_FIELD_KEYS would only fail at the first read of a contact: fail at start."""
    from django.core.exceptions import ImproperlyConfigured

    from shiyu.core import crypto

    try:
        crypto.keyring()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="crypto.E001")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def base_url(app_configs, **kwargs):
    """Without it, a worker's emails carry bare paths no mail client can open."""
    from django.conf import settings

    value = getattr(settings, "SHIYU_BASE_URL", "")
    if not value:
        return [checks.Warning("SHIYU_BASE_URL is not set: links in emails and SMS are bare paths.",
                               hint="SHIYU_BASE_URL=https://your.server", id="core.W002")]
    if not value.startswith(("https://", "http://")):
        return [checks.Error(f"SHIYU_BASE_URL must start with https:// or http:// (got {value!r}).",
                             id="core.E002")]
    return []
