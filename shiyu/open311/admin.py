from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from shiyu.core.admin import ReadOnlyAdmin
from shiyu.open311 import services
from shiyu.open311.models import (
    Application,
    Attribute,
    AttributeValue,
    Jurisdiction,
    RequestAttribute,
    RequestRecord,
    Service,
)

KEY_SHOWN_ONCE = _("The key of %(name)s is %(key)s — copy it now, it is not shown again.")


class ServiceAdminMixin:
    """Admin edits go through open311.services: audited, and every process's catalog refreshed."""

    def save_model(self, request, obj, form, change):
        services.config_save(actor=request.user, obj=obj, changed_fields=list(form.changed_data))

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            services.config_save(actor=request.user, obj=obj)
        for obj in formset.deleted_objects:
            services.config_delete(actor=request.user, obj=obj)

    def delete_model(self, request, obj):
        services.config_delete(actor=request.user, obj=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.config_delete(actor=request.user, obj=obj)


@admin.register(Jurisdiction)
class JurisdictionAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "area", "is_default")


class AttributeInline(admin.StackedInline):
    model = Attribute
    extra = 0
    show_change_link = True


@admin.register(Service)
class ServiceAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("service_code", "service_name", "category", "jurisdiction", "type", "is_active", "order")
    list_filter = ("is_active", "type", "jurisdiction")
    list_editable = ("is_active", "order")
    search_fields = ("service_code", "service_name", "category__name", "category__code")
    autocomplete_fields = ("category",)
    inlines = [AttributeInline]


class AttributeValueInline(admin.TabularInline):
    model = AttributeValue
    extra = 1


@admin.register(Attribute)
class AttributeAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("service", "code", "datatype", "required", "variable", "order")
    list_filter = ("datatype",)
    inlines = [AttributeValueInline]


@admin.register(Application)
class ApplicationAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Keys are made and rotated by the service; the key is shown once, in the message."""

    list_display = ("name", "prefix", "is_active", "created_at", "last_used_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    fields = ("name", "contact", "is_active", "prefix", "created_at", "last_used_at")
    actions = ["rotate_key"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        app, raw = services.application_create(name=obj.name, contact=obj.contact, actor=request.user)
        obj.pk = app.pk
        messages.warning(request, KEY_SHOWN_ONCE % {"name": app.name, "key": raw})

    @admin.action(description=_("Issue a new key (the old one stops working)"))
    def rotate_key(self, request, queryset):
        for app in queryset:
            raw = services.application_rotate_key(application_id=app.pk, actor=request.user)
            messages.warning(request, KEY_SHOWN_ONCE % {"name": app.name, "key": raw})


class RequestAttributeInline(admin.TabularInline):
    model = RequestAttribute
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RequestRecord)
class RequestRecordAdmin(ReadOnlyAdmin):
    list_display = ("case", "service", "application", "jurisdiction", "created_at")
    list_filter = ("application", "jurisdiction")
    exclude = ("device_id", "account_id", "token")
    inlines = [RequestAttributeInline]
