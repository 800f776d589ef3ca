from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "shiyu.portal"
    label = "portal"
    default_auto_field = "django.db.models.BigAutoField"
