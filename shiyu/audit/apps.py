from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "shiyu.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"
