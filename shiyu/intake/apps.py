from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "shiyu.intake"
    label = "intake"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Intake")
