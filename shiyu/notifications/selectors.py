"""Who hears about a case, and what a user's inbox holds. Reads only."""

from typing import Any

from django.db.models import Q, QuerySet

from shiyu.accounts.models import Membership
from shiyu.notifications.models import Notification

UNIT_ROLES = ("handler", "unithead")


def _ancestor_ids(path: str | None) -> list[int]:
    return [int(p) for p in (path or "").strip("/").split("/") if p]


def unit_staff_ids(*, department_path: str | None, roles: tuple[str, ...] = UNIT_ROLES) -> list[int]:
    """Members of the unit (or of a unit above it, whose scope covers it) in the given roles."""
    ids = _ancestor_ids(department_path)
    if not ids:
        return []
    return sorted(set(Membership.objects.filter(role__code__in=roles, department_id__in=ids,
                                                user__is_active=True).values_list("user_id", flat=True)))


def area_supervisor_ids(*, area_path: str | None, roles: tuple[str, ...] = ("supervisor",)) -> list[int]:
    """Supervisors of the nearest level at or above the area that has any (city-wide ones when
    none is closer): the people whose queue now shows the case."""
    ids = _ancestor_ids(area_path)
    rows = list(Membership.objects.filter(Q(area_id__in=ids) | Q(area__isnull=True),
                                          role__code__in=roles, user__is_active=True)
                .values_list("user_id", "area_id"))
    if not rows:
        return []
    depth = {area_id: i for i, area_id in enumerate(ids)}
    best = max(depth.get(a, -1) if a is not None else -1 for _, a in rows)
    return sorted({u for u, a in rows if (depth.get(a, -1) if a is not None else -1) == best})


def inbox_for_user(*, actor: Any, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient_id=getattr(actor, "pk", None))
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(*, actor: Any) -> int:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).count()
