"""The only code that writes reception sessions and bookings. A visit becomes a case through
the intake channel like any other submission (channel=reception)."""

import hashlib
import hmac
import re
import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from shiyu.accounts import policies
from shiyu.accounts.models import Membership
from shiyu.accounts.services import system_user
from shiyu.audit.services import audit_record
from shiyu.cases import services as case_services
from shiyu.cases.models import Case
from shiyu.cases.services import CaseInput
from shiyu.core import clock, errors
from shiyu.core.ids import is_valid_id
from shiyu.core.text import clean
from shiyu.geo.models import Area
from shiyu.intake.services import intake_submit
from shiyu.reception import selectors
from shiyu.reception.models import Booking, ReceptionSession

MAX_CAPACITY = 500
TEXT_MAX = 2000
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = re.compile(r"\D")


def _required(field: str) -> errors.InvalidInput:
    return errors.InvalidInput(_("This field is required: %(field)s") % {"field": field}, field=field)


def _text(value: Any, field: str, *, required: bool = True, limit: int = TEXT_MAX) -> str:
    value = clean(value if isinstance(value, str) else "")
    if required and not value:
        raise _required(field)
    if len(value) > limit:
        raise errors.InvalidInput(_("The text is longer than %(n)d characters.") % {"n": limit}, field=field)
    return value


def normalise_phone(raw: str) -> str:
    digits = _DIGITS.sub("", raw or "")
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not 7 <= len(digits) <= 15:
        raise errors.InvalidInput(_("Enter a valid phone number."), field="phone")
    return digits


def phone_key(digits: str) -> str:
    """A keyed hash: equal numbers compare equal without the number being stored in the clear."""
    key = hashlib.sha256(b"shiyu-reception-phone:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()


def _lock_session(session_id: int) -> ReceptionSession:
    if not is_valid_id(session_id):
        raise errors.NotFound()
    if connection.features.has_select_for_update:
        # The capacity check below must see every booking committed before it: one booker at a time.
        list(ReceptionSession.objects.select_for_update().filter(pk=session_id).values_list("pk", flat=True))
    found = ReceptionSession.objects.select_related("area").filter(pk=session_id).first()
    if found is None:
        raise errors.NotFound()
    return found


def _require(actor: Any, action: str, session: ReceptionSession) -> None:
    target = selectors.target_of(session)
    if not selectors.staff_can_see(actor, session):
        raise errors.NotFound()
    if not policies.can(actor, action, target):
        raise errors.Forbidden()


@transaction.atomic
def session_create(
    *,
    actor: Any,
    leader_id: int,
    leader_title: str,
    place: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    capacity: int,
    topics: str = "",
    area_id: int | None = None,
    is_published: bool = True,
) -> ReceptionSession:
    area = Area.objects.filter(pk=area_id).first() if area_id else None
    if area_id and area is None:
        raise errors.InvalidInput(_("Choose an area."), field="area")
    target = policies.Target(area_path=area.path if area else None)
    if not policies.can(actor, "reception_manage", target):
        raise errors.Forbidden()
    if not Membership.objects.filter(
        user_id=leader_id if is_valid_id(leader_id) else 0, role__code="leader", user__is_active=True
    ).exists():
        raise errors.InvalidInput(_("Choose a leader."), field="leader")
    if starts_at is None:
        raise _required("starts_at")
    if ends_at is None or ends_at <= starts_at:
        raise errors.InvalidInput(_("The session must end after it starts."), field="ends_at")
    if starts_at <= clock.now():
        raise errors.InvalidInput(_("A session is scheduled in the future."), field="starts_at")
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        raise errors.InvalidInput(
            _("The capacity must be between 1 and %(n)d.") % {"n": MAX_CAPACITY}, field="capacity"
        )
    session = ReceptionSession.objects.create(
        leader_id=leader_id,
        leader_title=_text(leader_title, "leader_title", limit=100),
        place=_text(place, "place", limit=200),
        starts_at=starts_at,
        ends_at=ends_at,
        topics=_text(topics, "topics", required=False),
        capacity=capacity,
        area=area,
        is_published=bool(is_published),
        created_by=actor,
        created_at=clock.now(),
    )
    audit_record(actor=actor, verb="reception.session.create", obj=session, data={"capacity": capacity})
    return session


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def _insert(**fields: Any) -> Booking:
    try:
        with transaction.atomic():
            return Booking.objects.create(code=_new_code(), created_at=clock.now(), **fields)
    except IntegrityError:
        # The partial unique indexes: the same person already holds a slot (a concurrent twin).
        raise errors.Conflict(_("You already have a booking for this session.")) from None


@transaction.atomic
def booking_create(*, actor: Any, session_id: int, topic: str, name: str = "", phone: str = "") -> Booking:
    """A resident books a slot: signed in, or with a name and a phone number. One slot per person
    and session; no more slots than the session's capacity, however many book at once."""
    session = _lock_session(session_id)
    if not session.is_published or session.is_cancelled:
        raise errors.NotFound()
    if session.starts_at <= clock.now():
        raise errors.InvalidInput(_("Booking for this session has closed."), field="session")
    resident = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    if resident is not None and policies.is_staff_user(resident):
        resident = None  # staff book on a resident's behalf with the resident's name and phone
    name = _text(name, "name", required=resident is None, limit=100) or (
        resident.display_name or resident.username if resident else ""
    )
    digits = normalise_phone(phone) if (phone or "").strip() or resident is None else ""
    topic = _text(topic, "topic")
    key = phone_key(digits) if digits else ""
    active = Booking.objects.filter(session=session, status=Booking.Status.ACTIVE)
    if (key and active.filter(phone_key=key).exists()) or (
        resident is not None and active.filter(resident=resident).exists()
    ):
        raise errors.Conflict(_("You already have a booking for this session."))
    if active.filter(kind=Booking.Kind.BOOKED).count() >= session.capacity:
        raise errors.Conflict(_("This session is fully booked."))
    booking = _insert(
        session=session,
        kind=Booking.Kind.BOOKED,
        resident=resident,
        name=name,
        phone=digits,
        phone_key=key,
        topic=topic,
    )
    audit_record(actor=resident, verb="reception.book", obj=booking, data={"session": session.pk})
    return booking


@transaction.atomic
def booking_cancel(*, actor: Any, code: str) -> Booking:
    """Cancel by the booking code (what the resident was given), before the session starts."""
    code = (code or "").strip().upper()[:16]
    booking = Booking.objects.select_related("session").filter(code=code).first() if code else None
    if booking is None:
        raise errors.NotFound()
    if booking.status != Booking.Status.ACTIVE or booking.kind != Booking.Kind.BOOKED:
        raise errors.Conflict(_("This booking can no longer be cancelled."))
    if booking.session.starts_at <= clock.now():
        raise errors.Conflict(_("The session has started: the booking can no longer be cancelled."))
    now = clock.now()
    if not Booking.objects.filter(pk=booking.pk, status=Booking.Status.ACTIVE).update(
        status=Booking.Status.CANCELLED, cancelled_at=now
    ):
        raise errors.Conflict(_("This booking can no longer be cancelled."))
    booking.status, booking.cancelled_at = Booking.Status.CANCELLED, now
    who = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    audit_record(actor=who, verb="reception.cancel", obj=booking, data={"session": booking.session_id})
    return booking


@transaction.atomic
def walk_in_register(*, actor: Any, session_id: int, name: str, phone: str, topic: str) -> Booking:
    """Staff register a resident who came without booking (walk-ins do not take booked slots)."""
    session = _lock_session(session_id)
    _require(actor, "reception_manage", session)
    if session.is_cancelled:
        raise errors.Conflict(_("The session is cancelled."))
    digits = normalise_phone(phone) if (phone or "").strip() else ""
    key = phone_key(digits) if digits else ""
    if key and Booking.objects.filter(session=session, status=Booking.Status.ACTIVE, phone_key=key).exists():
        raise errors.Conflict(_("This resident is already on the list of this session."))
    booking = _insert(
        session=session,
        kind=Booking.Kind.WALK_IN,
        name=_text(name, "name", limit=100),
        phone=digits,
        phone_key=key,
        topic=_text(topic, "topic"),
    )
    audit_record(actor=actor, verb="reception.walk_in", obj=booking, data={"session": session.pk})
    return booking


def _lock_booking(actor: Any, booking_id: int, action: str) -> Booking:
    if not is_valid_id(booking_id):
        raise errors.NotFound()
    session_id = Booking.objects.filter(pk=booking_id).values_list("session_id", flat=True).first()
    if session_id is None:
        raise errors.NotFound()
    session = _lock_session(session_id)
    _require(actor, action, session)
    booking = Booking.objects.select_related("session", "case").get(pk=booking_id)
    return booking


def visit_record(
    *,
    actor: Any,
    booking_id: int,
    title: str,
    body: str,
    category: str | int | None = None,
    kind: str = Case.Kind.COMPLAINT,
    area: str | int | None = None,
) -> Booking:
    """The resident was received: what they raised becomes a case (channel=reception) through
    intake, like every submission, with their contact on it for the handling unit."""
    with transaction.atomic():
        booking = _lock_booking(actor, booking_id, "reception_manage")
        if booking.status != Booking.Status.ACTIVE:
            raise errors.Conflict(_("This visit has already been recorded, or the booking was cancelled."))
        session = booking.session
        data = CaseInput(
            title=_text(title, "title", limit=200),
            body=_text(body, "body", limit=5000),
            kind=kind,
            category=category or None,
            area=area or (session.area_id if session.area_id else None),
            channel=Case.Channel.RECEPTION,
            contact_name=booking.name,
            contact_phone=booking.phone,
            extra={"reception_session": session.pk},
        )
        # A signed-in resident's visit is their own case (they follow it in their account).
        case, _created = intake_submit(actor=booking.resident or actor, data=data)
        now = clock.now()
        Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.VISITED, visited_at=now, case=case)
        booking.status, booking.visited_at, booking.case = Booking.Status.VISITED, now, case
        audit_record(actor=actor, verb="reception.visit", obj=booking, data={"case": case.pk})
    return booking


@transaction.atomic
def visit_assign(*, actor: Any, booking_id: int, lead_department_id: int, note: str = "") -> Case:
    """The receiving leader hands the visit's case to a unit personally (领导批办): accepted and
    dispatched (or transferred) at once, the leader named on the case's timeline."""
    booking = _lock_booking(actor, booking_id, "reception_assign")
    if booking.case_id is None:
        raise errors.InvalidInput(_("Record the visit first."), field="booking")
    note = _text(note, "note", required=False) or _("Assigned by %(who)s at the reception day.") % {
        "who": actor
    }
    system = system_user()
    case = Case.objects.get(pk=booking.case_id)
    if case.state == "submitted":
        case = case_services.case_accept(actor=system, case_id=case.pk, note=note)
    if case.state in ("accepted", "reopened"):
        case = case_services.case_dispatch(
            actor=system, case_id=case.pk, lead_department=lead_department_id, note=note
        )
    elif case.state in ("dispatched", "in_progress") and case.lead_department_id != lead_department_id:
        case = case_services.case_transfer(
            actor=system, case_id=case.pk, lead_department=lead_department_id, note=note
        )
    elif case.lead_department_id != lead_department_id:
        raise errors.IllegalTransition(_("This case can no longer be assigned."))
    audit_record(
        actor=actor,
        verb="reception.assign",
        obj=booking,
        data={"case": case.pk, "department": lead_department_id},
    )
    return case
