from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "shiyu.routing"
    label = "routing"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Routing")
