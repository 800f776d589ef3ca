from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "shiyu.insights"
    label = "insights"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Insights")
