from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "shiyu.participation"
    label = "participation"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Participation")
