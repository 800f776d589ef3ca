"""Configuration of the disputes app: the dispute types (邻里、物业、劳资……) are the city's to edit."""

from django.contrib import admin

from shiyu.accounts.admin import ServiceAdmin
from shiyu.disputes.models import DisputeType


@admin.register(DisputeType)
class DisputeTypeAdmin(ServiceAdmin):
    list_display = ("code", "name", "name_en", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("code", "name", "name_en")

    def has_delete_permission(self, request, obj=None):
        return False  # disputes refer to their type; deactivate one instead
