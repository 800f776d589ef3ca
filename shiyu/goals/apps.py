from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "shiyu.goals"
    label = "goals"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Goals and scorecards")
