from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "shiyu.reception"
    label = "reception"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Reception days")
