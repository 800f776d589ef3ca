import base64
import binascii

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja.responses import Status

from shiyu.accounts.auth import optional_bearer
from shiyu.cases import attachments
from shiyu.cases.api import router  # the one /cases path: GET lists (cases), POST submits (here)
from shiyu.cases.schemas import CaseCreatedOut, CaseIn
from shiyu.cases.services import CaseInput
from shiyu.core import errors, ratelimit
from shiyu.core.api import actor_of
from shiyu.intake import services


def case_input_from(payload: CaseIn, channel: str) -> CaseInput:
    contact = payload.contact
    return CaseInput(
        title=payload.title, body=payload.body, kind=payload.kind, category=payload.category,
        area=payload.area, latitude=payload.location.lat if payload.location else None,
        longitude=payload.location.lon if payload.location else None, address=payload.address,
        urgency=payload.urgency, channel=channel,
        contact_name=contact.name if contact else "", contact_phone=contact.phone if contact else "",
        contact_email=contact.email if contact else "",
        photos=attachments.photos_prepare([(f"photo {i}", _base64(raw)) for i, raw in enumerate(
            payload.photos, start=1)]) if payload.photos else [],
        publish_consent=payload.publish_consent)


def _base64(text: str) -> bytes:
    try:
        return base64.b64decode(text.split(",", 1)[-1] if text.startswith("data:") else text, validate=True)
    except (binascii.Error, ValueError):
        raise errors.InvalidInput(_("A photo is not valid base64."), field="photos") from None


@router.post("/cases", response={200: CaseCreatedOut, 201: CaseCreatedOut}, auth=optional_bearer,
             url_name="case-create", tags=["intake"])
def case_create(request, payload: CaseIn):
    """Submit a case. Send an `Idempotency-Key` header: a retried request never makes a second case."""
    actor = actor_of(request)
    if actor is None:
        ratelimit.check(request, "submit")
    case, created = services.intake_submit(
        actor=actor, data=case_input_from(payload, "api"),
        idempotency_key=request.headers.get("Idempotency-Key", ""))
    body = {"id": case.pk, "code": case.code, "state": case.state, "title": case.title,
            "kind": case.kind, "submitted_at": case.submitted_at,
            "track_url": reverse("portal:track-detail", args=[case.code])}
    return Status(201 if created else 200, body)
