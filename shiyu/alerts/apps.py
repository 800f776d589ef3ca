from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "shiyu.alerts"
    label = "alerts"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Early warning")
