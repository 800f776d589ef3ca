from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "shiyu.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Cases")
