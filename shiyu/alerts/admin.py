"""Read-only admin for alerts: they change through the staff pages and the API (services)."""

from django.contrib import admin

from shiyu.alerts.models import Alert


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "title", "day", "observed", "expected", "department",
                    "created_at")
    list_filter = ("kind", "status")
    search_fields = ("title", "dedupe_key")
    date_hierarchy = "day"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
