from django.conf import settings


def site(request):
    return {"CITY_NAME": settings.SHIYU_CITY_NAME, "SHIYU_DEMO": settings.SHIYU_DEMO}
