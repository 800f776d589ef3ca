from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "shiyu.geo"
    label = "geo"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Areas")
