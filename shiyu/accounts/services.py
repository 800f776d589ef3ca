import hashlib
import secrets

from django.contrib.auth import authenticate
from django.db import transaction

from shiyu.accounts.models import ApiToken, Department, Membership, Role, RolePermission, User
from shiyu.audit.services import audit_record
from shiyu.core import clock
from shiyu.core.errors import InvalidInput, NotFound
from shiyu.core.tree import child_path, repath


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_issue(*, username: str, password: str) -> str:
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        raise NotFound("Unknown user or wrong password.")
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=_hash(raw), prefix=raw[:8], created_at=clock.now())
    audit_record(actor=user, verb="token.issue", obj=user)
    return raw


def token_user(raw: str) -> User | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(raw)).first()
    if token is None or not token.user.is_active:
        return None
    return token.user


@transaction.atomic
def department_create(*, code: str, name: str, name_en: str = "", parent: Department | None = None,
                      area_id: int | None = None) -> Department:
    if Department.objects.filter(code=code).exists():
        raise InvalidInput(f"department {code} exists", field="code")
    dept = Department.objects.create(code=code, name=name, name_en=name_en, parent=parent,
                                     area_id=area_id)
    dept.path = child_path(parent, dept.pk)
    dept.save(update_fields=["path"])
    return dept


@transaction.atomic
def user_create(*, username: str, password: str, display_name: str = "", is_superuser: bool = False,
                is_system: bool = False) -> User:
    user = User(username=username, display_name=display_name, is_superuser=is_superuser,
                is_staff=is_superuser, is_system=is_system)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def membership_grant(*, user: User, role_code: str, department: Department | None = None,
                     area_id: int | None = None) -> Membership:
    role = Role.objects.get(code=role_code)
    membership, _ = Membership.objects.get_or_create(user=user, role=role, department=department,
                                                     area_id=area_id)
    return membership


@transaction.atomic
def role_permission_set(*, role_code: str, action: str, allowed: bool) -> None:
    role = Role.objects.get(code=role_code)
    if allowed:
        RolePermission.objects.get_or_create(role=role, action=action)
    else:
        RolePermission.objects.filter(role=role, action=action).delete()


def system_user() -> User:
    user = User.objects.filter(username="system", is_system=True).first()
    if user is None:
        user = user_create(username="system", password="", display_name="System", is_system=True)
    return user


@transaction.atomic
def config_save(*, actor: User, obj, changed_fields: list[str] | None = None) -> None:
    """Save a configuration row edited in the admin (departments, roles, permissions,
    memberships), keeping tree paths right and auditing the change."""
    is_new = obj.pk is None
    obj.save()
    if isinstance(obj, Department):
        repath(obj)
    audit_record(actor=actor, verb=f"config.{'create' if is_new else 'change'}", obj=obj,
                 data={"fields": changed_fields or []})


@transaction.atomic
def config_delete(*, actor: User, obj) -> None:
    audit_record(actor=actor, verb="config.delete", obj=obj, data={"repr": str(obj)})
    obj.delete()
