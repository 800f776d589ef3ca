"""Reads of reception sessions and bookings.

The public schedule shows the session (leader's office, place, time, topics, free slots) and never
a booking. Staff who may run the session see its list, names and phones masked."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from shiyu.accounts import policies
from shiyu.cases.models import Case
from shiyu.core import clock, errors
from shiyu.core.ids import is_valid_id
from shiyu.core.masking import mask_name, mask_phone
from shiyu.reception.models import Booking, ReceptionSession

RESOLVED_STATES = ("replied", "closed")


def target_of(session: ReceptionSession) -> policies.Target:
    return policies.Target(area_path=session.area.path if session.area_id and session.area else None)


def _with_counts(qs: QuerySet[ReceptionSession]) -> QuerySet[ReceptionSession]:
    return qs.annotate(
        booked=Count(
            "bookings", filter=Q(bookings__status=Booking.Status.ACTIVE, bookings__kind=Booking.Kind.BOOKED)
        )
    )


def session_list_public(*, upcoming: bool = True) -> QuerySet[ReceptionSession]:
    qs = ReceptionSession.objects.filter(is_published=True, is_cancelled=False)
    if upcoming:
        qs = qs.filter(ends_at__gte=clock.now())
    return _with_counts(qs).order_by("starts_at", "id")


def session_get_public(*, session_id: int) -> ReceptionSession:
    if not is_valid_id(session_id):
        raise errors.NotFound()
    found = _with_counts(ReceptionSession.objects.filter(is_published=True, pk=session_id)).first()
    if found is None:
        raise errors.NotFound()
    return found


def session_public_dict(s: ReceptionSession) -> dict[str, Any]:
    booked = getattr(s, "booked", 0)
    return {
        "id": s.pk,
        "leader": s.leader_title,
        "place": s.place,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "topics": s.topics,
        "capacity": s.capacity,
        "remaining": max(s.capacity - booked, 0),
        "is_cancelled": s.is_cancelled,
        "open": s.starts_at > clock.now() and not s.is_cancelled,
    }


def session_list_for_staff(*, actor: Any) -> QuerySet[ReceptionSession]:
    """Sessions in the actor's area (a city-wide session: whoever sees the whole city, or leads it)."""
    if not policies.is_staff_user(actor):
        return ReceptionSession.objects.none()
    q = Q(leader=actor)
    for grant in policies.grants(actor):
        if grant.scope != "area":
            continue  # units see the sessions they lead, nothing else
        if grant.area_path is None:
            q = Q()
            break
        q |= Q(area__path__startswith=grant.area_path) | Q(area__isnull=True)
    return (
        _with_counts(ReceptionSession.objects.filter(q))
        .select_related("area", "leader")
        .order_by("-starts_at", "-id")
    )


def staff_can_see(actor: Any, session: ReceptionSession) -> bool:
    """The same rule as session_list_for_staff, for one session already loaded."""
    if not policies.is_staff_user(actor):
        return False
    if session.leader_id == getattr(actor, "pk", None):
        return True
    path = session.area.path if session.area_id and session.area else None
    return any(
        g.scope == "area" and (g.area_path is None or path is None or path.startswith(g.area_path))
        for g in policies.grants(actor)
    )


def session_get_for_staff(*, actor: Any, session_id: int) -> ReceptionSession:
    if not is_valid_id(session_id):
        raise errors.NotFound()
    found = session_list_for_staff(actor=actor).filter(pk=session_id).first()
    if found is None:
        raise errors.NotFound()
    return found


def can(actor: Any, action: str, session: ReceptionSession) -> bool:
    return policies.can(actor, action, target_of(session))


def bookings_for_staff(*, actor: Any, session_id: int) -> list[dict[str, Any]]:
    """The session's list, names and phones masked (the case carries the contact to who needs it)."""
    session = session_get_for_staff(actor=actor, session_id=session_id)
    if not can(actor, "reception_manage", session) and session.leader_id != getattr(actor, "pk", None):
        raise errors.Forbidden()
    rows = (
        Booking.objects.filter(session=session)
        .select_related("case", "case__lead_department")
        .order_by("created_at", "id")
    )
    return [
        {
            "id": b.pk,
            "kind": b.kind,
            "kind_label": str(b.get_kind_display()),
            "status": b.status,
            "status_label": str(b.get_status_display()),
            "name": mask_name(b.name),
            "phone": mask_phone(b.phone) if b.phone else "",
            "topic": b.topic,
            "created_at": b.created_at,
            "case": (
                {
                    "id": b.case.pk,
                    "code": b.case.code,
                    "state": b.case.state,
                    "department": b.case.lead_department.name if b.case.lead_department else None,
                }
                if b.case
                else None
            ),
        }
        for b in rows
    ]


def session_report(*, actor: Any, session_id: int) -> dict[str, Any]:
    """What was raised at the session and what has been resolved since."""
    session = session_get_for_staff(actor=actor, session_id=session_id)
    bookings = Booking.objects.filter(session=session)
    counts = dict(bookings.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    cases = Case.objects.filter(reception_visit__session=session)
    by_state = dict(cases.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    raised = sum(by_state.values())
    resolved = sum(n for state, n in by_state.items() if state in RESOLVED_STATES)
    return {
        "session": session.pk,
        "booked": bookings.filter(kind=Booking.Kind.BOOKED).count(),
        "walk_ins": bookings.filter(kind=Booking.Kind.WALK_IN).count(),
        "cancelled": counts.get(Booking.Status.CANCELLED, 0),
        "visited": counts.get(Booking.Status.VISITED, 0),
        "raised": raised,
        "resolved": resolved,
        "resolution_rate": resolved / raised if raised else None,
        "by_state": by_state,
    }


def booking_by_code(*, code: str) -> Booking:
    code = (code or "").strip().upper()[:16]
    found = Booking.objects.select_related("session").filter(code=code).first() if code else None
    if found is None:
        raise errors.NotFound()
    return found
