from django.contrib import admin

from shiyu.core.admin import TreeForm
from shiyu.core.errors import InvalidInput
from shiyu.geo.models import Area
from shiyu.geo.services import area_save, check_level


class AreaForm(TreeForm):
    def clean(self):
        data = super().clean()
        if data.get("level"):
            try:
                check_level(data["level"], data.get("parent"))
            except InvalidInput as exc:
                self.add_error("level", str(exc.message))
        return data


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    form = AreaForm
    list_display = ("code", "name", "name_en", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name", "name_en")
    readonly_fields = ("path",)

    def save_model(self, request, obj, form, change):
        area_save(actor=request.user, area=obj, changed_fields=list(form.changed_data))

    def has_delete_permission(self, request, obj=None):
        return False  # cases and memberships refer to areas
