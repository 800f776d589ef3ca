from django.contrib import admin

from shiyu.geo.models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name", "name_en")
    readonly_fields = ("path",)

    def has_add_permission(self, request):
        # Areas are created through geo.services (which keeps the path index right).
        return False

    def has_delete_permission(self, request, obj=None):
        return False
