from django.contrib import admin

from shiyu.cases.models import Case, CaseEvent, Category
from shiyu.cases.services.taxonomy import category_save
from shiyu.core.admin import ReadOnlyAdmin, TreeForm


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = TreeForm
    list_display = ("code", "name", "name_en", "level", "default_department", "ack_hours", "complete_days",
                    "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name", "name_en")
    readonly_fields = ("path", "level")

    def save_model(self, request, obj, form, change):
        category_save(actor=request.user, category=obj, changed_fields=list(form.changed_data))

    def has_delete_permission(self, request, obj=None):
        return False  # cases refer to categories; deactivate instead


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "state", "kind", "channel", "category", "lead_department",
                    "submitted_at")
    list_filter = ("state", "kind", "channel", "is_problem")
    search_fields = ("code", "title")
    exclude = ("contact_name", "contact_phone", "contact_email", "search_tokens")


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("case", "action", "from_state", "to_state", "actor", "created_at")
    list_filter = ("action",)
