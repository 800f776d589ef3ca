import math
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils.translation import gettext as _

from shiyu.accounts import policies
from shiyu.audit.services import audit_record
from shiyu.cases import attachments, taxonomy
from shiyu.cases.attachments import PhotoUpload
from shiyu.cases.models import Attachment, Case, CaseEvent, Category, Publication
from shiyu.cases.services._core import EVENT_TOPIC, check_access
from shiyu.core import clock, errors
from shiyu.core.ids import is_number
from shiyu.core.tasks import announce_on_commit
from shiyu.core.text import clean, token_string
from shiyu.geo.models import Area
from shiyu.geo.selectors import area_for_address, area_for_point, area_lookup

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud on the phone
CODE_LENGTH = 10  # 31^10 ≈ 8e14 codes: not enumerable behind a rate limit
TITLE_MAX = 200
BODY_MAX = 5000


@dataclass
class CaseInput:
    title: str
    body: str
    kind: str = Case.Kind.COMPLAINT
    category: str | int | None = None
    area: str | int | None = None
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""
    urgency: str = Case.Urgency.NORMAL
    channel: str = Case.Channel.WEB
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    external_ref: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # Checked and re-encoded before the transaction (cases.attachments.photos_prepare).
    photos: list[PhotoUpload] = field(default_factory=list)
    # The submitter agrees that the case, once resolved and reviewed, may be published.
    publish_consent: bool = False


def new_code() -> str:
    # No look-up first: 31^10 codes make a clash vanishingly rare, and the unique index refuses one.
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _unknown(label: str, value: object, field_name: str) -> errors.InvalidInput:
    return errors.InvalidInput(_("Unknown %(what)s: %(value)s") % {"what": label, "value": value},
                               field=field_name)


def _category(value: str | int | None) -> Category | None:
    if value is None or value == "":
        return None
    index = taxonomy.categories.get()
    found = None
    if isinstance(value, int) or (isinstance(value, str) and is_number(value)):
        found = index.by_id.get(int(value))
    if found is None and isinstance(value, str):
        found = index.by_code.get(value) or index.by_name.get(value)
    if found is None:
        raise _unknown(_("category"), value, "category")
    return found


def _area(value: str | int | None) -> Area | None:
    if value is None or value == "":
        return None
    found = area_lookup(value)
    if found is None:
        raise _unknown(_("area"), value, "area")
    return found


def located_area(lat: float | None, lon: float | None, address: str) -> Area | None:
    """The area a case's point lies in, or that its address names (None when neither says)."""
    if lat is not None and lon is not None:
        found = area_for_point(lat, lon)
        if found is not None:
            return found
    return area_for_address(address) if address else None


def validate(data: CaseInput) -> dict[str, Any]:
    """Check and normalise a submission; raises InvalidInput naming the first bad field."""
    title, body = clean(data.title), clean(data.body)
    if not title:
        raise errors.InvalidInput(_("Please give a short title."), field="title")
    if len(title) > TITLE_MAX:
        raise errors.InvalidInput(_("The title is longer than %(n)d characters.") % {"n": TITLE_MAX},
                                  field="title")
    if not body:
        raise errors.InvalidInput(_("Please describe the matter."), field="body")
    if len(body) > BODY_MAX:
        raise errors.InvalidInput(_("The description is longer than %(n)d characters.") % {"n": BODY_MAX},
                                  field="body")
    if data.kind not in Case.Kind.values:
        raise errors.InvalidInput(_("Unknown kind of request."), field="kind")
    if data.urgency not in Case.Urgency.values:
        raise errors.InvalidInput(_("Unknown urgency."), field="urgency")
    if data.channel not in Case.Channel.values:
        raise errors.InvalidInput(_("Unknown channel."), field="channel")
    lat, lon = data.latitude, data.longitude
    if (lat is None) != (lon is None):
        raise errors.InvalidInput(_("A location needs both latitude and longitude."), field="location")
    if lat is not None and lon is not None and not (
            math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise errors.InvalidInput(_("The location is not a valid coordinate."), field="location")
    address = clean(data.address)
    if len(address) > 300:
        raise errors.InvalidInput(_("The address is too long."), field="address")
    name, phone, email = clean(data.contact_name), clean(data.contact_phone), clean(data.contact_email)
    if len(name) > 100:
        raise errors.InvalidInput(_("The name is too long."), field="contact.name")
    if phone and (len(phone) > 40 or not all(ch in "0123456789" or ch in "+-() " for ch in phone)):
        raise errors.InvalidInput(_("The phone number is not valid."), field="contact.phone")
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            raise errors.InvalidInput(_("The email address is not valid."), field="contact.email") from None
    category = _category(data.category)
    area = _area(data.area)
    if area is None:
        # No area given: the point decides (deepest boundary covering it), else the address text.
        area = located_area(lat, lon, address)
    elif lat is not None and lon is not None:
        # A district chosen from a list, a point inside one of its grids: the grid is what routes.
        deeper = area_for_point(lat, lon)
        if deeper is not None and deeper.path.startswith(area.path):
            area = deeper
    return {"title": title, "body": body, "kind": data.kind, "category": category, "area": area,
            "latitude": lat, "longitude": lon, "address": address, "urgency": data.urgency,
            "channel": data.channel, "contact_name": name, "contact_phone": phone,
            "contact_email": email, "external_ref": clean(data.external_ref)[:64]}


def suggested_department_id(category: Category | None) -> int | None:
    """The category's unit, or its nearest ancestor's (the full catalog is the routing app's)."""
    if category is None:
        return None
    return taxonomy.categories.get().department_of.get(category.pk)


def prepare(data: CaseInput) -> dict[str, Any]:
    """Everything a submission needs that does not write: checked fields, search tokens and the
    suggested unit. Done before the transaction, so SQLite's write lock is held only for inserts."""
    fields = validate(data)
    fields["search_tokens"] = token_string(fields["title"], fields["body"], fields["address"])
    fields["suggested_department_id"] = suggested_department_id(fields["category"])
    return fields


def case_submit(*, actor: Any, data: CaseInput, prepared: dict[str, Any] | None = None) -> Case:
    """Make a case from a submission. Inside a caller's transaction the inserts add no savepoint
    (intake's transaction is the unit of work)."""
    fields = prepared if prepared is not None else prepare(data)
    signed_in = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    # Staff typing in a caller's matter (hotline, reception) act for the resident: the case is
    # not theirs. The event and audit row still name who entered it.
    submitter = None if signed_in is None or policies.is_staff_user(signed_in) else signed_in
    with transaction.atomic(savepoint=False):
        now = clock.now()
        case = Case.objects.create(code=new_code(), submitter=submitter, submitted_at=now, updated_at=now,
                                   **fields)
        CaseEvent.objects.create(case=case, actor=signed_in, action="submit", from_state="",
                                 to_state=case.state, data={"channel": case.channel}, created_at=now)
        _attach(case, data, now)
        audit_record(actor=signed_in, verb="case.submit", obj=case, data={"channel": case.channel})
        announce_on_commit(EVENT_TOPIC)
    return case


def _attach(case: Case, data: CaseInput, now: Any) -> None:
    """Photos and the publication consent commit with the case, or not at all. The files are
    named by content, so one left behind by a rolled-back attempt is simply reused."""
    if data.photos:
        Attachment.objects.bulk_create([
            Attachment(case=case, file=attachments.write(photo), content_type=photo.content_type,
                       size=photo.size, width=photo.width, height=photo.height, sha256=photo.sha256,
                       created_at=now)
            for photo in data.photos])
    if data.publish_consent:
        Publication.objects.create(case=case, consented_at=now)


@transaction.atomic
def case_contact_reveal(*, actor: Any, case_id: int) -> dict[str, str]:
    """The submitter's contact details for staff who need them; every reveal is audited."""
    case = Case.objects.select_related("area", "lead_department").filter(pk=case_id).first()
    if case is None:
        raise errors.NotFound()
    check_access(actor, "view_contact", case)
    audit_record(actor=actor, verb="case.contact.view", obj=case)
    return {"name": case.contact_name, "phone": case.contact_phone, "email": case.contact_email}
