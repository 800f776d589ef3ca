"""Selectors for what leaves the case app towards residents and the public: photos (for the case's
own submitter and staff), published cases and the rows behind the open data.

Nothing here returns a contact field. Callers that show a case's photos to staff first scope the
case with `selectors.case_get_for_user`; the tracking code is the resident's capability.
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from shiyu.accounts import policies
from shiyu.cases import selectors
from shiyu.cases.models import Attachment, Case, Publication
from shiyu.core import errors
from shiyu.core.i18n import localized_name
from shiyu.core.ids import is_valid_id

Published = Publication.Status.PUBLISHED


def attachment_list(*, case_id: int) -> list[Attachment]:
    """The photos of a case the caller has already scoped (staff page, tracking page)."""
    return list(Attachment.objects.filter(case_id=case_id).order_by("id"))


def attachment_for_user(*, actor: Any, attachment_id: int) -> Attachment:
    if not is_valid_id(attachment_id):
        raise errors.NotFound()
    found = Attachment.objects.filter(pk=attachment_id).values_list("case_id", flat=True).first()
    if found is None:
        raise errors.NotFound()
    selectors.case_get_for_user(actor=actor, case_id=found)  # NotFound when not visible
    return Attachment.objects.get(pk=attachment_id)


def attachment_by_code(*, code: str, attachment_id: int) -> Attachment:
    """A photo of the case this tracking code opens (the code is the capability)."""
    case = selectors.case_by_code(code)
    found = Attachment.objects.filter(case=case, pk=attachment_id).first() if is_valid_id(
        attachment_id) else None
    if found is None:
        raise errors.NotFound()
    return found


def _public(publication: Publication) -> dict[str, Any]:
    case = publication.case
    return {
        "id": publication.pk,
        "title": publication.title,
        "body": publication.body,
        "reply": publication.reply,
        "kind": case.get_kind_display(),
        "category": localized_name(case.category) if case.category_id else "",
        "department": localized_name(case.lead_department) if case.lead_department_id else "",
        "submitted_on": timezone.localdate(case.submitted_at),
        "closed_on": timezone.localdate(case.closed_at) if case.closed_at else None,
        "satisfaction": case.satisfaction,
        "published_at": publication.published_at,
        "photo_ids": [a.pk for a in case.attachments.all() if a.is_public],
    }


def _published() -> QuerySet[Publication]:
    return Publication.objects.filter(status=Published).select_related(
        "case", "case__category", "case__lead_department").prefetch_related("case__attachments")


def publication_list_public(*, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Published cases, newest first, as public dicts (reviewed text only, no personal data)."""
    rows = _published().order_by("-published_at", "-id")[offset:offset + limit]
    return [_public(p) for p in rows]


def publication_count_public() -> int:
    return Publication.objects.filter(status=Published).count()


def publication_public(*, publication_id: int) -> dict[str, Any]:
    found = _published().filter(pk=publication_id).first() if is_valid_id(publication_id) else None
    if found is None:
        raise errors.NotFound()
    return _public(found)


def attachment_public(*, publication_id: int, attachment_id: int) -> Attachment:
    """A photo staff chose to show with a published case; anything else is not found."""
    if not (is_valid_id(publication_id) and is_valid_id(attachment_id)):
        raise errors.NotFound()
    found = Attachment.objects.filter(
        pk=attachment_id, is_public=True, case__publication__pk=publication_id,
        case__publication__status=Published).first()
    if found is None:
        raise errors.NotFound()
    return found


def publication_queue_for_user(*, actor: Any, limit: int = 100) -> list[dict[str, Any]]:
    """Resolved cases whose submitters agreed to publish, that this user may review."""
    if not policies.roles_allowed(actor, "publish"):
        return []
    cases = (selectors.case_list_for_user(actor=actor)
             .filter(publication__isnull=False, state__in=("closed",))
             .select_related("publication").order_by("-closed_at", "-id"))
    out: list[dict[str, Any]] = []
    for case in cases[:limit * 2]:
        if len(out) >= limit:
            break
        if policies.can(actor, "publish", selectors.target_of(case)):
            out.append({"case": case, "publication": case.publication})
    return out


def publication_for_user(*, actor: Any, case_id: int) -> tuple[Case, Publication]:
    """A consented case for the review page; NotFound when not visible or never consented."""
    case = selectors.case_get_for_user(actor=actor, case_id=case_id)
    publication = Publication.objects.filter(case=case).first()
    if publication is None:
        raise errors.NotFound()
    return case, publication


def open_data_rows() -> Iterator[dict[str, Any]]:
    """Every case as the raw material of the open data: no contact field, no submitter, no code,
    no free text except a published case's reviewed text. Anonymisation is the exporter's."""
    fields = ("pk", "submitted_at", "kind", "channel", "category_id", "area_id", "latitude", "longitude",
              "state", "lead_department_id", "lead_department__name", "acknowledged_at", "ack_due_at",
              "replied_at", "reply_due_at", "closed_at", "satisfaction", "first_contact",
              "reopen_count", "publication__status", "publication__title", "publication__body",
              "publication__reply")
    yield from Case.objects.order_by("pk").values(*fields).iterator(chunk_size=2000)
