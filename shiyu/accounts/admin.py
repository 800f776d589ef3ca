import json

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from shiyu.accounts.models import ApiToken, Department, Membership, Role, RolePermission, User
from shiyu.accounts.services import config_delete, config_save, user_save
from shiyu.core import citysettings
from shiyu.core.admin import TreeForm
from shiyu.core.models import CalendarOverride, CitySetting


class ServiceAdmin(admin.ModelAdmin):
    """Admin edits go through accounts.services so they keep paths right and are audited."""

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            config_save(actor=request.user, obj=obj)
        for obj in formset.deleted_objects:
            config_delete(actor=request.user, obj=obj)

    def save_model(self, request, obj, form, change):
        config_save(actor=request.user, obj=obj, changed_fields=list(form.changed_data))

    def delete_model(self, request, obj):
        config_delete(actor=request.user, obj=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            config_delete(actor=request.user, obj=obj)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("department",)


@admin.register(User)
class UserAdmin(ServiceAdmin, BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Shiyu", {"fields": ("display_name", "is_demo")}))
    list_display = ("username", "display_name", "is_active", "is_superuser", "is_demo")
    readonly_fields = ("is_demo", "last_login", "date_joined")
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        user_save(actor=request.user, user=obj, changed_fields=list(form.changed_data))


@admin.register(Department)
class DepartmentAdmin(ServiceAdmin):
    form = TreeForm

    def has_delete_permission(self, request, obj=None):
        return False  # cases and categories refer to units; deactivate one instead
    list_display = ("code", "name", "name_en", "parent", "area", "kind", "is_active")
    search_fields = ("code", "name", "name_en")
    list_filter = ("is_active", "kind")
    readonly_fields = ("path",)


class RolePermissionInline(admin.TabularInline):
    model = RolePermission
    extra = 1


@admin.register(Role)
class RoleAdmin(ServiceAdmin):
    list_display = ("code", "name", "name_en", "scope")
    inlines = [RolePermissionInline]


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    list_display = ("user", "role", "department", "area")
    list_filter = ("role",)
    search_fields = ("user__username", "user__display_name")


@admin.register(ApiToken)
class ApiTokenAdmin(ServiceAdmin):
    """Tokens are issued by signing in; here they are only looked at and revoked (deleted)."""

    list_display = ("user", "prefix", "created_at", "expires_at")
    search_fields = ("user__username", "prefix")
    readonly_fields = ("user", "prefix", "key_hash", "created_at", "last_used_at", "expires_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CitySettingForm(forms.ModelForm):
    """Only declared settings, each checked against its type and bounds."""

    key = forms.ChoiceField(label=_("Setting"), choices=())
    value = forms.CharField(label=_("Value"), help_text=_("JSON: a number, true/false, or \"text\"."))

    class Meta:
        model = CitySetting
        fields = ("key", "value")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(key, f"{key} — {item.label}")
                                      for key, item in citysettings.declared().items()]
        if self.instance.pk:
            self.initial["value"] = json.dumps(self.instance.value, ensure_ascii=False)

    def clean(self):
        data = super().clean()
        item = citysettings.declared().get(data.get("key", ""))
        if item is not None and "value" in data:
            try:
                raw = data["value"] if item.kind is str else json.loads(data["value"])
                data["value"] = item.parse(raw)
            except (ValueError, TypeError) as exc:
                self.add_error("value", _("Not a valid value for this setting: %(why)s") % {"why": exc})
        return data


@admin.register(CitySetting)
class CitySettingAdmin(ServiceAdmin):
    form = CitySettingForm
    list_display = ("key", "value", "label", "updated_at")

    @admin.display(description=_("Setting"))
    def label(self, obj):
        item = citysettings.declared().get(obj.key)
        return item.label if item else _("(no longer used)")

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "declared": citysettings.declared()}
        return super().changelist_view(request, extra_context)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ServiceAdmin):
    """A typhoon day, a local holiday, an extra working day; config_save drops the calendar cache."""

    list_display = ("date", "is_working", "reason", "updated_at")
    list_filter = ("is_working",)
    search_fields = ("reason",)
    date_hierarchy = "date"

    def changelist_view(self, request, extra_context=None):
        from django.contrib import messages

        from shiyu.core.workcal import coverage_warning

        warning = coverage_warning()
        if warning and request.method == "GET":
            messages.warning(request, warning)
        return super().changelist_view(request, extra_context)
