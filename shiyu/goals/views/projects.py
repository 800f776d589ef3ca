"""Staff pages of key projects: the tree, milestones, updates with attachments, import."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from shiyu.cases.forms import area_choices, category_choices
from shiyu.cases.views import staff_view
from shiyu.core import errors
from shiyu.goals import presenters, selectors, services
from shiyu.goals.models import AppealAttachment, Project, ProjectAttachment
from shiyu.goals.services import _common as perms
from shiyu.goals.views._common import _act, _capabilities, _float, _int, _required_date, read_uploads

# --- projects ------------------------------------------------------------------------------


@staff_view
@require_safe
def project(request: HttpRequest, project_id: int) -> HttpResponse:
    obj = selectors.project_get_for_user(actor=request.user, project_id=project_id)
    data = presenters.project_dict(obj, progress=selectors.progress_map(), staff=True, detail=True)
    return render(
        request,
        "goals/project.html",
        {
            "project": obj,
            "data": data,
            "tree": selectors.project_tree(project=obj),
            "updates": obj.updates.prefetch_related("attachments")[:50],
            "can_update": perms.can_update_project(request.user, obj.owner_department),
            "statuses": Project.Status.choices,
            "category_choices": category_choices,
            "area_choices": area_choices,
            **_capabilities(request.user),
        },
    )


@staff_view
@require_POST
def project_update(request: HttpRequest, project_id: int) -> HttpResponse:
    selectors.project_get_for_user(actor=request.user, project_id=project_id)
    back = reverse("goals:project", kwargs={"project_id": project_id})
    uploads = read_uploads(request)

    def run() -> None:
        progress = _float(request.POST.get("progress", ""))
        services.project_update_post(
            actor=request.user,
            project_id=project_id,
            text=request.POST.get("text", ""),
            progress=progress / 100 if progress is not None else None,
            status=request.POST.get("status", ""),
            uploads=uploads,
        )

    return _act(request, run, back=back, done=back, message=_("Update posted."))


@staff_view
@require_POST
def milestone_create(request: HttpRequest, project_id: int) -> HttpResponse:
    selectors.project_get_for_user(actor=request.user, project_id=project_id)
    back = reverse("goals:project", kwargs={"project_id": project_id})

    def run() -> None:
        weight = _float(request.POST.get("weight", ""))
        services.milestone_create(
            actor=request.user,
            project_id=project_id,
            title=request.POST.get("title", ""),
            due=_required_date(request.POST.get("due", "")),
            weight=weight if weight is not None else 1.0,
        )

    return _act(request, run, back=back, done=back, message=_("Milestone added."))


@staff_view
@require_POST
def milestone_complete(request: HttpRequest, milestone_id: int) -> HttpResponse:
    from shiyu.goals.models import Milestone

    milestone = Milestone.objects.filter(pk=perms.key(milestone_id)).only("project_id").first()
    if milestone is None:
        raise Http404
    back = reverse("goals:project", kwargs={"project_id": milestone.project_id})
    return _act(
        request,
        lambda: services.milestone_complete(actor=request.user, milestone_id=milestone_id),
        back=back,
        done=back,
        message=_("Milestone done."),
    )


@staff_view
@require_POST
def project_link_case(request: HttpRequest, project_id: int) -> HttpResponse:
    selectors.project_get_for_user(actor=request.user, project_id=project_id)
    back = reverse("goals:project", kwargs={"project_id": project_id})
    return _act(
        request,
        lambda: services.project_link_case(
            actor=request.user, project_id=project_id, case_id=_int(request.POST.get("case", "")) or 0
        ),
        back=back,
        done=back,
        message=_("Case linked."),
    )


@staff_view
@require_POST
def project_add_cluster(request: HttpRequest, project_id: int) -> HttpResponse:
    selectors.project_get_for_user(actor=request.user, project_id=project_id)
    back = reverse("goals:project", kwargs={"project_id": project_id})
    p = request.POST
    return _act(
        request,
        lambda: services.project_add_cluster(
            actor=request.user,
            project_id=project_id,
            category_id=_int(p.get("category", "")),
            area_id=_int(p.get("area", "")),
            keywords=p.get("keywords", ""),
        ),
        back=back,
        done=back,
        message=_("Complaint cluster added."),
    )


@staff_view
def project_import(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        upload = request.FILES.get("file")
        back = reverse("goals:project-import")
        content = upload.read(5 * 1024 * 1024 + 1) if upload else b""

        def run() -> None:
            if len(content) > 5 * 1024 * 1024:
                raise errors.InvalidInput(_("The file is larger than 5 MB."))
            services.projects_import_xlsx(actor=request.user, content=content)

        return _act(request, run, back=back, done=reverse("goals:index"), message=_("Projects imported."))
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    return render(request, "goals/import.html", _capabilities(request.user))


@staff_view
@require_safe
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    selectors.goal_list_for_user(actor=request.user)  # staff only
    return _download(ProjectAttachment.objects.filter(pk=perms.key(attachment_id)).first())


@staff_view
@require_safe
def appeal_attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    try:
        found = selectors.appeal_attachment_get_for_user(actor=request.user, attachment_id=attachment_id)
    except errors.NotFound:
        raise Http404 from None
    return _download(found)


def _download(found: ProjectAttachment | AppealAttachment | None) -> HttpResponse:
    if found is None or not default_storage.exists(found.file):
        raise Http404
    with default_storage.open(found.file, "rb") as handle:  # small (size-capped) files: read whole
        response = HttpResponse(handle.read(), content_type=found.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=found.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
