"""What every goals service shares: permissions, validation helpers."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from shiyu.accounts import policies
from shiyu.accounts.models import Department
from shiyu.core.errors import Forbidden, InvalidInput, NotFound
from shiyu.core.ids import is_valid_id

# The default policy of the goals app (seeded into accounts.RolePermission by migration 0002 of
# goals, editable by the administrator like every other permission).
DEFAULT_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "goal_manage": ("leader", "supervisor"),  # goals, indicators, projects, problems, schemes
    "appeal_review": ("leader", "supervisor"),
    "appeal_submit": ("unithead",),  # for the unit's own score
    "project_update": ("unithead",),  # the unit's own projects
}


def key(pk: Any) -> int:
    """An id safe to look up (an out-of-range number finds nothing instead of failing)."""
    return pk if is_valid_id(pk) else 0


def require_staff(actor: Any) -> None:
    if not policies.is_staff_user(actor):
        raise NotFound()


def require(actor: Any, action: str, *, department: Department | None = None) -> None:
    require_staff(actor)
    target = policies.Target(lead_department_path=department.path if department else None)
    policies.require(actor, action, target)


def can(actor: Any, action: str, *, department: Department | None = None) -> bool:
    target = policies.Target(lead_department_path=department.path if department else None)
    return policies.can(actor, action, target)


def can_update_project(actor: Any, department: Department) -> bool:
    return can(actor, "goal_manage") or can(actor, "project_update", department=department)


def text(value: Any, *, field: str, max_length: int, required: bool = True) -> str:
    cleaned = str(value or "").strip()
    if "\x00" in cleaned:
        raise InvalidInput(_("The input is not valid."), field=field)
    if required and not cleaned:
        raise InvalidInput(_("This field is required."), field=field)
    if len(cleaned) > max_length:
        raise InvalidInput(_("At most %(n)d characters.") % {"n": max_length}, field=field)
    return cleaned


def number(value: Any, *, field: str, minimum: float | None = None, maximum: float | None = None) -> float:
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("Enter a number."), field=field) from None
    if result != result or result in (float("inf"), float("-inf")):
        raise InvalidInput(_("Enter a number."), field=field)
    if minimum is not None and result < minimum:
        raise InvalidInput(_("At least %(n)s.") % {"n": minimum}, field=field)
    if maximum is not None and result > maximum:
        raise InvalidInput(_("At most %(n)s.") % {"n": maximum}, field=field)
    return result


def period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput(_("The end date is before the start date."), field="end")
    if (end - start).days > 3660:
        raise InvalidInput(_("The period is too long."), field="end")


def ref(model: Any, pk: Any, *, field: str, required: bool = False) -> Any:
    """A row of a reference table (area, category) by id, or a localised error."""
    if pk in (None, ""):
        if required:
            raise InvalidInput(_("This field is required."), field=field)
        return None
    try:
        key = int(pk)
    except (TypeError, ValueError, OverflowError):
        key = 0
    found = model.objects.filter(pk=key).first() if is_valid_id(key) else None
    if found is None:
        raise InvalidInput(_("Unknown value."), field=field)
    return found


def department(pk: Any, *, field: str = "owner_department", required: bool = True) -> Department | None:
    if pk in (None, ""):
        if required:
            raise InvalidInput(_("This field is required."), field=field)
        return None
    found = None
    try:
        key = int(pk)
    except (TypeError, ValueError, OverflowError):
        key = 0
    if is_valid_id(key):
        found = Department.objects.filter(pk=key, is_active=True).first()
    if found is None:
        raise InvalidInput(_("Unknown unit."), field=field)
    return found


def forbid() -> None:
    raise Forbidden()
