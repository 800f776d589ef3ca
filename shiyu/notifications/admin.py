from django.contrib import admin

from shiyu.notifications.models import Notification, Outbox


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    """Read-only: the delivery state of outgoing messages (addresses and texts are not shown)."""

    list_display = ("id", "channel", "status", "attempts", "next_attempt_at", "created_at", "sent_at",
                    "last_error")
    list_filter = ("channel", "status")
    fields = ("key", "channel", "status", "attempts", "next_attempt_at", "created_at", "sent_at",
              "last_error")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "recipient", "kind", "title", "created_at", "read_at")
    list_filter = ("kind",)
    readonly_fields = ("recipient", "key", "kind", "title", "body", "link", "created_at", "read_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
