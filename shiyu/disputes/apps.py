from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "shiyu.disputes"
    label = "disputes"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Disputes")
