from django.conf import settings


def site(request):
    return {"CITY_NAME": settings.SHIYU_CITY_NAME, "SHIYU_DEMO": settings.SHIYU_DEMO}


def workcal_notice(request):
    """Administrators see at the top of every page when the holiday calendar of this year or next
    is unknown (deadlines then count weekdays only; see shiyu.core.workcal)."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_superuser", False):
        return {}
    from shiyu.core.workcal import coverage_warning

    return {"WORKCAL_WARNING": coverage_warning()}
