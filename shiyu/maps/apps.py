from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    name = "shiyu.maps"
    label = "maps"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Maps")
