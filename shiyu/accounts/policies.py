"""Who may do what, to which cases. The rules are data (Role, RolePermission, Membership);
this module only interprets them. Domain apps describe their object as a `Target`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q

from shiyu.core.errors import Forbidden

SUPER = "admin"


@dataclass(frozen=True)
class Grant:
    role: str
    scope: str  # area | department | own
    actions: frozenset[str]
    area_path: str | None
    department_path: str | None


@dataclass
class Target:
    """What a policy needs to know about an object to decide.

    The assisting units' paths cost a query; give `load_department_paths` instead of
    `department_paths` and they are read only if a department-scoped grant needs them.
    """

    area_path: str | None = None
    lead_department_path: str | None = None
    department_paths: tuple[str, ...] | None = ()
    owner_id: int | None = None
    load_department_paths: Callable[[], tuple[str, ...]] | None = field(default=None, repr=False)

    def assisting_paths(self) -> tuple[str, ...]:
        if self.department_paths is None or (not self.department_paths and self.load_department_paths):
            self.department_paths = self.load_department_paths() if self.load_department_paths else ()
            self.load_department_paths = None
        return self.department_paths


def grants(user) -> list[Grant]:
    """The user's grants, loaded once per user object (one request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_shiyu_grants", None)
    if cached is not None:
        return cached
    from shiyu.accounts.models import Membership, RolePermission

    # In the order they were granted: a reader that picks one grant (insights' unit scope) must
    # pick the same one on every database, and unordered rows come back in any order on PostgreSQL.
    memberships = list(Membership.objects.filter(user=user).select_related("role", "area", "department")
                       .order_by("pk"))
    role_ids = {m.role_id for m in memberships}
    actions: dict[int, set[str]] = {rid: set() for rid in role_ids}
    for role_id, action in RolePermission.objects.filter(role_id__in=role_ids).values_list(
            "role_id", "action"):
        actions[role_id].add(action)
    result = [
        Grant(role=m.role.code, scope=m.role.scope, actions=frozenset(actions[m.role_id]),
              area_path=m.area.path if m.area else None,
              department_path=m.department.path if m.department else None)
        for m in memberships
    ]
    if user.is_superuser and not any(g.role == SUPER for g in result):
        result.append(Grant(SUPER, "area", frozenset({"*"}), None, None))
    user._shiyu_grants = result
    return result


def forget(user) -> None:
    if hasattr(user, "_shiyu_grants"):
        del user._shiyu_grants


def roles(user) -> set[str]:
    return {g.role for g in grants(user)}


def is_staff_user(user) -> bool:
    return any(g.scope != "own" for g in grants(user))


def _in_scope(grant: Grant, target: Target, user, *, acting: bool) -> bool:
    if grant.scope == "own":
        return target.owner_id is not None and target.owner_id == user.pk
    if grant.scope == "department":
        if grant.department_path is None:
            return False
        if target.lead_department_path and target.lead_department_path.startswith(grant.department_path):
            return True
        if acting:
            return False  # only the lead unit acts on a case; assisting units see it and comment
        return any(p.startswith(grant.department_path) for p in target.assisting_paths())
    if grant.area_path is None:
        return True
    return bool(target.area_path and target.area_path.startswith(grant.area_path))


def can(user, action: str, target: Target) -> bool:
    for grant in grants(user):
        if ("*" in grant.actions or action in grant.actions) and _in_scope(
                grant, target, user, acting=action != "comment"):
            return True
    return False


def require(user, action: str, target: Target) -> None:
    if not can(user, action, target):
        raise Forbidden()


def can_see(user, target: Target) -> bool:
    return any(_in_scope(g, target, user, acting=False) for g in grants(user))


def roles_allowed(user, action: str) -> bool:
    """Whether any of the user's roles carries the action, whatever the object."""
    return any("*" in g.actions or action in g.actions for g in grants(user))


def visible_q(user, *, area_field: str, lead_field: str, owner_field: str,
              assisting_q: Callable[[str], Q]) -> Q:
    """A filter for the objects the user may see. No grant: nothing."""
    q = Q(pk__in=[])
    for grant in grants(user):
        if grant.scope == "own":
            q |= Q(**{owner_field: user.pk})
        elif grant.scope == "department":
            if grant.department_path:
                q |= Q(**{f"{lead_field}__startswith": grant.department_path})
                q |= assisting_q(grant.department_path)
        elif grant.area_path is None:
            return Q()
        else:
            q |= Q(**{f"{area_field}__startswith": grant.area_path})
    return q
