from django.db.models import QuerySet

from shiyu.accounts import policies
from shiyu.accounts.models import Department, Membership, User
from shiyu.core.i18n import localized_name
from shiyu.core.ids import is_number, is_valid_id, valid_ids


def department_list(*, active_only: bool = True) -> QuerySet[Department]:
    qs = Department.objects.all().order_by("path")
    return qs.filter(is_active=True) if active_only else qs


def department_get(*, pk: int) -> Department | None:
    if not is_valid_id(pk):
        return None
    return Department.objects.filter(pk=pk, is_active=True).first()


def department_find(value: str) -> Department | None:
    value = (value or "").strip()
    if not value:
        return None
    found = Department.objects.filter(code=value).first()
    if found is None and is_number(value) and is_valid_id(int(value)):
        found = Department.objects.filter(pk=int(value)).first()
    return found or Department.objects.filter(name=value).first()


def department_list_by_pks(*, pks: list[int]) -> list[Department]:
    found = {d.pk: d for d in Department.objects.filter(pk__in=valid_ids(pks), is_active=True)}
    return [found[pk] for pk in pks if pk in found]


def department_label(dept: Department | None) -> str:
    return localized_name(dept)


def user_get_by_username(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def user_profile(user: User) -> dict:
    memberships = Membership.objects.filter(user=user).select_related("role", "department", "area")
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name or user.username,
        "roles": sorted(policies.roles(user)),
        "departments": [{"id": m.department.pk, "code": m.department.code, "name": m.department.name}
                        for m in memberships if m.department],
        "areas": [{"id": m.area.pk, "code": m.area.code, "name": m.area.name}
                  for m in memberships if m.area],
    }
