"""A GeoReport POST: checked in the spec's order, then a case made through intake."""

import math
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from shiyu.audit.services import audit_record
from shiyu.cases.models import Case
from shiyu.cases.services import CaseInput
from shiyu.core import clock, errors
from shiyu.core.i18n import localized_name
from shiyu.intake.services import intake_submit
from shiyu.open311.models import (
    Application,
    Attribute,
    Jurisdiction,
    RequestAttribute,
    RequestRecord,
    Service,
)
from shiyu.open311.services.catalog import catalog
from shiyu.open311.services.keys import FIELD_MAX, application_for_key

TITLE_CHARS = 60


@dataclass
class PostedRequest:
    """A GeoReport POST as received (the interface only splits the form into these fields)."""

    api_key: str = ""
    jurisdiction_id: str = ""
    service_code: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    description: str = ""
    media_url: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)


class Open311Error(errors.DomainError):
    """An error the GeoReport interface answers with the spec's error list and this status."""

    def __init__(self, status: int, message: object, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.status = status


def jurisdiction_resolve(code: str) -> Jurisdiction | None:
    """The jurisdiction a call is for; None when the deployment declares none (whole city)."""
    cat = catalog.get()
    code = (code or "").strip()
    if code:
        found = cat.jurisdictions.get(code)
        if found is None:
            raise Open311Error(404, _("Unknown jurisdiction_id: %(id)s") % {"id": code[:64]},
                               field="jurisdiction_id")
        return found
    if cat.default_jurisdiction is None and len(cat.jurisdictions) > 1:
        raise Open311Error(400, _("jurisdiction_id is required: this server serves several."),
                           field="jurisdiction_id")
    return cat.default_jurisdiction or next(iter(cat.jurisdictions.values()), None)


def service_for(code: str, jurisdiction: Jurisdiction | None) -> Service | None:
    service = catalog.get().services.get((code or "").strip())
    if service is None or (service.jurisdiction_id and jurisdiction is not None
                           and service.jurisdiction_id != jurisdiction.pk):
        return None
    return service


def _number(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


def _check_answers(service: Service, given: dict[str, list[str]]) -> list[tuple[Attribute, list[str]]]:
    cat = catalog.get()
    answers: list[tuple[Attribute, list[str]]] = []
    known = {a.code: a for a in cat.attributes.get(service.pk, []) if a.variable}
    for code in given:
        if code not in known:
            raise Open311Error(400, _("Unknown attribute %(code)s for this service.") % {"code": code[:64]},
                               field=f"attribute[{code[:64]}]")
    for attr in known.values():
        values = [v.strip() for v in given.get(attr.code, []) if v.strip()]
        name = f"attribute[{attr.code}]"
        if not values:
            if attr.required:
                raise Open311Error(400, _("%(field)s is required: %(description)s") % {
                    "field": name, "description": attr.description}, field=name)
            continue
        if attr.datatype != Attribute.Datatype.MULTIVALUELIST and len(values) > 1:
            raise Open311Error(400, _("%(field)s takes one value.") % {"field": name}, field=name)
        if attr.datatype in (Attribute.Datatype.SINGLEVALUELIST, Attribute.Datatype.MULTIVALUELIST):
            keys = {v.key for v in cat.values.get(attr.pk, [])}
            bad = [v for v in values if v not in keys]
            if bad:
                raise Open311Error(400, _("%(field)s: %(value)s is not one of the listed values.") % {
                    "field": name, "value": bad[0][:64]}, field=name)
        elif attr.datatype == Attribute.Datatype.NUMBER and not _number(values[0]):
            raise Open311Error(400, _("%(field)s must be a number.") % {"field": name}, field=name)
        elif attr.datatype == Attribute.Datatype.DATETIME and parse_w3c(values[0]) is None:
            raise Open311Error(400, _("%(field)s must be a date and time such as 2024-05-01T08:30:00+08:00.")
                               % {"field": name}, field=name)
        elif len(values[0]) > (2000 if attr.datatype == Attribute.Datatype.TEXT else 300):
            raise Open311Error(400, _("%(field)s is too long.") % {"field": name}, field=name)
        answers.append((attr, values))
    return answers


def parse_w3c(text: str) -> datetime | None:
    """A W3C datetime (2010-01-01T00:00:00Z, with an offset, or a bare date: the city's midnight)."""
    from django.utils import timezone

    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = parse_datetime(text.replace(" ", "+") if text.count("T") == 1 else text)
        if moment is None and len(text) == 10:
            moment = parse_datetime(text + "T00:00:00")
    except ValueError:
        return None
    if moment is None:
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _coordinate(text: str, low: float, high: float, name: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        raise Open311Error(400, _("%(field)s is not a valid coordinate.") % {"field": name}, field=name)
    return value


def _body(posted: PostedRequest, service: Service, answers: list[tuple[Attribute, list[str]]]) -> str:
    cat = catalog.get()
    lines = [posted.description.strip()] if posted.description.strip() else []
    for attr, values in answers:
        names = {v.key: v.name for v in cat.values.get(attr.pk, [])}
        lines.append(f"{attr.description}: {', '.join(names.get(v, v) for v in values)}")
    return "\n".join(lines) or localized_name(cat.categories.get(service.category_id))


def _title(posted: PostedRequest, service: Service) -> str:
    first = posted.description.strip().splitlines()[0].strip() if posted.description.strip() else ""
    if not first:
        return service.service_name or localized_name(catalog.get().categories.get(service.category_id))
    return first if len(first) <= TITLE_CHARS else first[:TITLE_CHARS - 1] + "…"


def request_submit(*, posted: PostedRequest) -> tuple[Case, RequestRecord]:
    """Check a GeoReport POST in the spec's order (key, jurisdiction, service, location, attributes),
    then make the case through intake. Bad input raises Open311Error and writes nothing."""
    app = application_for_key(posted.api_key.strip())
    if app is None:
        raise Open311Error(403, _("A valid api_key is required to submit a request."), field="api_key")
    jurisdiction = jurisdiction_resolve(posted.jurisdiction_id)
    if not posted.service_code.strip():
        raise Open311Error(400, _("service_code is required."), field="service_code")
    service = service_for(posted.service_code, jurisdiction)
    if service is None:
        raise Open311Error(404, _("Unknown service_code: %(code)s") % {"code": posted.service_code[:64]},
                           field="service_code")
    lat = lon = None
    if posted.lat.strip() or posted.long.strip():
        lat = _coordinate(posted.lat.strip(), -90, 90, "lat")
        lon = _coordinate(posted.long.strip(), -180, 180, "long")
    address, address_id = posted.address_string.strip(), posted.address_id.strip()[:FIELD_MAX]
    if lat is None and not address and not address_id:
        raise Open311Error(400, _("A location is required: lat and long, address_string or address_id."),
                           field="lat")
    media_url = posted.media_url.strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise Open311Error(400, _("media_url is not a valid http(s) URL."), field="media_url") from None
        if len(media_url) > 500:
            raise Open311Error(400, _("media_url is too long."), field="media_url")
    for name in ("device_id", "account_id", "first_name", "last_name"):
        if len(getattr(posted, name)) > FIELD_MAX:
            raise Open311Error(400, _("%(field)s is too long.") % {"field": name}, field=name)
    answers = _check_answers(service, posted.attributes)
    if not address and address_id:
        address = f"address_id {address_id}"
    data = CaseInput(
        title=_title(posted, service), body=_body(posted, service, answers), kind=service.kind,
        category=service.category_id,
        area=(jurisdiction.area_id if jurisdiction is not None and jurisdiction.area_id else None),
        latitude=lat, longitude=lon, address=address, channel=Case.Channel.OPEN311,
        contact_name=" ".join(p for p in (posted.first_name.strip(), posted.last_name.strip()) if p),
        contact_phone=posted.phone.strip(), contact_email=posted.email.strip())
    try:
        with transaction.atomic():
            case, _created = intake_submit(actor=None, data=data)
            now = clock.now()
            record = RequestRecord.objects.create(
                case=case, token=secrets.token_urlsafe(16), application=app, jurisdiction=jurisdiction,
                service=service, address_id=address_id, media_url=media_url,
                device_id=posted.device_id.strip(), account_id=posted.account_id.strip(), created_at=now)
            RequestAttribute.objects.bulk_create(
                [RequestAttribute(record=record, code=attr.code, value=value)
                 for attr, values in answers for value in values])
            Application.objects.filter(pk=app.pk).update(last_used_at=now)
            audit_record(actor=None, verb="open311.request.create", obj=case,
                         data={"application": app.pk, "service": service.service_code})
    except errors.InvalidInput as exc:
        # Intake's own checks (phone, email, lengths) in GeoReport's field names.
        field_name = {"contact.phone": "phone", "contact.email": "email", "contact.name": "first_name",
                      "title": "description", "body": "description"}.get(exc.field or "", exc.field)
        raise Open311Error(400, exc.message, field=field_name) from None
    return case, record
