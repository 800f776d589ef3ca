"""The classifier's page in the admin: stored model versions with their cross-validated metrics,
the active one, "retrain now" (queued as a task) and "activate" for an older version.

Mounted under the routing decisions' admin (see shiyu/routing/admin.py), at
/admin/routing/routingdecision/classifier/.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shiyu.core import errors
from shiyu.routing.classifier import runtime, services, storage


def classifier_urls(model_admin: Any) -> list[URLPattern]:
    site = model_admin.admin_site

    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest) -> HttpResponse:
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            try:
                if request.POST.get("action") == "retrain":
                    services.classifier_retrain_request(actor=request.user)
                    messages.success(
                        request,
                        _(
                            "Retraining has been queued; the new model is activated "
                            "when it is done (refresh this page)."
                        ),
                    )
                elif request.POST.get("action") == "activate":
                    meta = services.classifier_activate(
                        actor=request.user, version=request.POST.get("version", "")
                    )
                    messages.success(
                        request, _("Model %(version)s is now active.") % {"version": meta["version"]}
                    )
                else:
                    messages.error(request, _("Unknown action."))
            except errors.Forbidden as exc:
                raise PermissionDenied(str(exc)) from exc
            except errors.InvalidInput as exc:
                messages.error(request, str(exc))
            return redirect("admin:routing_classifier_models")
        versions = storage.list_versions()
        context = {
            **site.each_context(request),
            "opts": model_admin.model._meta,
            "title": _("Routing classifier models"),
            "versions": versions,
            "active": runtime.active_model_info(),
            "model_dir": storage.model_dir(),
            "can_manage": getattr(request.user, "is_superuser", False),
        }
        return TemplateResponse(request, "routing/admin/classifier.html", context)

    return [path("classifier/", site.admin_view(view), name="routing_classifier_models")]
