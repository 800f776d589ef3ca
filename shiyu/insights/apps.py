from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "shiyu.insights"
    label = "insights"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from shiyu.cases.services._core import EVENT_TOPIC
        from shiyu.core.tasks import follow
        from shiyu.insights.tasks import rollups_refresh

        follow(EVENT_TOPIC, rollups_refresh)
