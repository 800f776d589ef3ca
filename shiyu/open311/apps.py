from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "shiyu.open311"
    label = "open311"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Open311")
