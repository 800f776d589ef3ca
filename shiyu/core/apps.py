from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "shiyu.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Core")

    def ready(self) -> None:
        from shiyu.core import checks  # noqa: F401  (registers the system checks)
