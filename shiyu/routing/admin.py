"""The dispatch catalog in the admin: rules edited through routing.services (audited, with a
per-rule history), the consistency check, and XLSX/CSV import and export."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiyu.accounts.models import Department
from shiyu.cases.models import Category
from shiyu.core import errors
from shiyu.core.admin import ReadOnlyAdmin
from shiyu.core.ids import is_number
from shiyu.geo.models import Area
from shiyu.routing import catalog, selectors, services
from shiyu.routing.models import DispatchRule, RoutingCorrection, RoutingDecision

UPLOAD_MAX = 10 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Catalog file (.xlsx or .csv)"))
    replace = forms.BooleanField(
        label=gettext_lazy("The file is the whole catalog: deactivate rules it does not list"), required=False
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Check only, change nothing"), required=False, initial=True
    )


@admin.register(DispatchRule)
class DispatchRuleAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "category",
        "area",
        "lead_department",
        "ack_hours",
        "complete_days",
        "urgent_ack_hours",
        "urgent_complete_days",
        "is_active",
        "updated_at",
    )
    list_filter = ("is_active",)
    search_fields = (
        "category__code",
        "category__name",
        "area__code",
        "area__name",
        "lead_department__code",
        "lead_department__name",
        "note",
    )
    autocomplete_fields = ("category", "area", "lead_department")
    filter_horizontal = ("assisting_departments",)
    readonly_fields = ("updated_at",)
    change_list_template = "routing/admin/change_list.html"

    def save_model(self, request, obj, form, change):
        # The assisting units are saved with the rule (save_related below must not redo it).
        try:
            services.rule_save(
                actor=request.user,
                rule=obj,
                assisting=list(form.cleaned_data.get("assisting_departments") or []),
            )
        except errors.Forbidden:
            raise PermissionDenied from None

    def save_related(self, request, form, formsets, change):
        pass

    def delete_model(self, request, obj):
        services.rule_delete(actor=request.user, rule=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.rule_delete(actor=request.user, rule=obj)

    def history_view(self, request, object_id, extra_context=None):
        rule = selectors.rule_get(int(object_id)) if is_number(object_id) else None
        if rule is None or not self.has_view_permission(request, rule):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "rule": rule,
            "revisions": selectors.rule_revisions(rule.pk),
            "title": _("History of rule #%(id)s") % {"id": rule.pk},
        }
        return TemplateResponse(request, "routing/admin/history.html", context)

    def get_urls(self):
        own = [
            path("check/", self.admin_site.admin_view(self.check_view), name="routing_dispatchrule_check"),
            path("import/", self.admin_site.admin_view(self.import_view), name="routing_dispatchrule_import"),
            path(
                "export/<str:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name="routing_dispatchrule_export",
            ),
        ]
        return own + super().get_urls()

    def check_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = catalog.check()
        names = {
            "category": dict(Category.objects.values_list("pk", "code")),
            "area": dict(Area.objects.values_list("pk", "code")),
            "department": dict(Department.objects.values_list("pk", "code")),
        }
        conflicts = [
            {
                **c,
                "category": names["category"].get(c["category_id"], "*"),
                "area": names["area"].get(c["area_id"], "*"),
                "departments": [names["department"].get(d, d) for d in c["departments"]],
            }
            for c in report.conflicts
        ]
        gaps = [
            {
                "category": names["category"].get(g["category_id"]),
                "area": names["area"].get(g["area_id"], "*"),
            }
            for g in report.gaps
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "report": report,
            "conflicts": conflicts,
            "gaps": gaps,
            "title": _("Dispatch catalog check"),
        }
        return TemplateResponse(request, "routing/admin/check.html", context)

    def import_view(self, request):
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        report = None
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > UPLOAD_MAX:
                form.add_error("file", _("The file is larger than 10 MB."))
            else:
                try:
                    report = services.catalog_import(
                        actor=request.user,
                        data=upload.read(),
                        name=upload.name,
                        dry_run=form.cleaned_data["dry_run"],
                        replace=form.cleaned_data["replace"],
                    )
                except errors.Forbidden:
                    raise PermissionDenied from None
                if report.ok and not report.dry_run:
                    messages.success(
                        request,
                        _("Catalog imported: %(c)d created, %(u)d changed, %(d)d deactivated.")
                        % {"c": report.created, "u": report.updated, "d": report.deactivated},
                    )
                    return redirect(reverse("admin:routing_dispatchrule_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "title": _("Import the dispatch catalog"),
        }
        return TemplateResponse(
            request, "routing/admin/import.html", context, status=422 if report and not report.ok else 200
        )

    def export_view(self, request, fmt):
        if not self.has_view_permission(request) or fmt not in ("xlsx", "csv"):
            raise PermissionDenied
        name = f"dispatch-catalog.{fmt}"
        content_type = (
            "text/csv; charset=utf-8"
            if fmt == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response = HttpResponse(services.catalog_export(name=name), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


@admin.register(RoutingDecision)
class RoutingDecisionAdmin(ReadOnlyAdmin):
    list_display = (
        "case",
        "source",
        "rule",
        "department",
        "auto_routed",
        "outcome",
        "model_version",
        "created_at",
    )
    list_filter = ("source", "auto_routed", "outcome")
    change_list_template = "routing/admin/decision_change_list.html"

    def get_urls(self):
        # The classifier's models page (versions, metrics, retrain, activate) lives beside the
        # decisions it produces; its views are the classifier package's.
        from shiyu.routing.classifier.admin_views import classifier_urls

        return classifier_urls(self) + super().get_urls()


@admin.register(RoutingCorrection)
class RoutingCorrectionAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "predicted", "final", "actor", "created_at")
    list_filter = ("kind",)
