from django.contrib import admin

from shiyu.audit.models import AuditEvent
from shiyu.core.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Append-only: nobody edits or deletes audit rows, the administrator included."""

    list_display = ("seq", "created_at", "actor", "verb", "object_type", "object_id")
    list_filter = ("verb", "object_type")
    search_fields = ("object_id", "verb")
