"""The reception app's JSON API (mounted under /api/v1/). The schedule is public; booking is open
to residents (signed in, or with a name and phone); the list and report are for the staff."""

from datetime import datetime
from typing import Any

from ninja import Router, Schema
from ninja.responses import Status

from shiyu.accounts.auth import optional_bearer
from shiyu.reception import selectors, services

router = Router(tags=["reception"])


class SessionOut(Schema):
    id: int
    leader: str
    place: str
    starts_at: datetime
    ends_at: datetime
    topics: str
    capacity: int
    remaining: int
    is_cancelled: bool
    open: bool


class BookingIn(Schema):
    topic: str
    name: str = ""
    phone: str = ""


class BookingOut(Schema):
    code: str
    session: int
    status: str


class StaffBookingOut(Schema):
    id: int
    kind: str
    status: str
    name: str
    phone: str
    topic: str
    created_at: datetime
    case: dict[str, Any] | None


class ReportOut(Schema):
    session: int
    booked: int
    walk_ins: int
    cancelled: int
    visited: int
    raised: int
    resolved: int
    resolution_rate: float | None
    by_state: dict[str, int]


@router.get(
    "/reception-sessions", response=list[SessionOut], auth=optional_bearer, url_name="reception-sessions"
)
def session_list(request):
    return [selectors.session_public_dict(s) for s in selectors.session_list_public()]


@router.get(
    "/reception-sessions/{session_id}",
    response=SessionOut,
    auth=optional_bearer,
    url_name="reception-session",
)
def session_detail(request, session_id: int):
    return selectors.session_public_dict(selectors.session_get_public(session_id=session_id))


@router.post(
    "/reception-sessions/{session_id}/bookings",
    response={201: BookingOut},
    auth=optional_bearer,
    url_name="reception-book",
)
def book(request, session_id: int, payload: BookingIn):
    booking = services.booking_create(
        actor=request.auth, session_id=session_id, topic=payload.topic, name=payload.name, phone=payload.phone
    )
    return Status(201, {"code": booking.code, "session": booking.session_id, "status": booking.status})


@router.post(
    "/reception-bookings/{code}/cancel",
    response=BookingOut,
    auth=optional_bearer,
    url_name="reception-cancel",
)
def cancel(request, code: str):
    booking = services.booking_cancel(actor=request.auth, code=code)
    return {"code": booking.code, "session": booking.session_id, "status": booking.status}


@router.get(
    "/reception-sessions/{session_id}/bookings", response=list[StaffBookingOut], url_name="reception-bookings"
)
def bookings(request, session_id: int):
    return selectors.bookings_for_staff(actor=request.auth, session_id=session_id)


@router.get("/reception-sessions/{session_id}/report", response=ReportOut, url_name="reception-report")
def report(request, session_id: int):
    return selectors.session_report(actor=request.auth, session_id=session_id)
