import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shiyu.accounts import policies
from shiyu.accounts.models import ApiToken, Department, Membership, Role, RolePermission, User
from shiyu.audit.services import audit_record
from shiyu.core import clock
from shiyu.core.errors import InvalidInput, NotFound, RateLimited
from shiyu.core.refcache import invalidate_all
from shiyu.core.tree import child_path, repath


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def demo_allowed(user: User) -> bool:
    """Demo accounts (known password) work only while the site runs as a demo."""
    return not user.is_demo or bool(getattr(settings, "SHIYU_DEMO", False))


@transaction.atomic
def token_issue(*, username: str, password: str, request=None) -> str:
    user = authenticate(request, username=username, password=password)
    if request is not None and getattr(request, "shiyu_rate_limited", False):
        raise RateLimited()
    if user is None or not user.is_active:
        raise NotFound("Unknown user or wrong password.")
    raw = secrets.token_urlsafe(32)
    now = clock.now()
    ApiToken.objects.create(user=user, key_hash=_hash(raw), prefix=raw[:8], created_at=now,
                            expires_at=now + timedelta(days=settings.SHIYU_TOKEN_DAYS))
    audit_record(actor=user, verb="token.issue", obj=user)
    return raw


def token_user(raw: str) -> User | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(raw)).first()
    if token is None or not token.user.is_active or not demo_allowed(token.user):
        return None
    expires = token.expires_at or token.created_at + timedelta(days=settings.SHIYU_TOKEN_DAYS)
    if expires <= timezone.now():
        return None
    return token.user


@transaction.atomic
def department_create(*, code: str, name: str, name_en: str = "", parent: Department | None = None,
                      area_id: int | None = None, actor: User | None = None,
                      kind: str = Department.Kind.UNIT) -> Department:
    if Department.objects.filter(code=code).exists():
        raise InvalidInput(_("A department with code %(code)s exists.") % {"code": code}, field="code")
    dept = Department.objects.create(code=code, name=name, name_en=name_en, parent=parent,
                                     area_id=area_id, kind=kind)
    dept.path = child_path(parent, dept.pk)
    dept.save(update_fields=["path"])
    audit_record(actor=actor, verb="department.create", obj=dept, data={"code": code})
    return dept


@transaction.atomic
def user_create(*, username: str, password: str, display_name: str = "", is_superuser: bool = False,
                is_system: bool = False, is_demo: bool = False, actor: User | None = None) -> User:
    user = User(username=username, display_name=display_name, is_superuser=is_superuser,
                is_staff=is_superuser, is_system=is_system, is_demo=is_demo)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(actor=actor, verb="user.create", obj=user,
                 data={"username": username, "superuser": is_superuser, "demo": is_demo})
    return user


@transaction.atomic
def membership_grant(*, user: User, role_code: str, department: Department | None = None,
                     area_id: int | None = None, actor: User | None = None) -> Membership:
    role = Role.objects.get(code=role_code)
    membership, created = Membership.objects.get_or_create(user=user, role=role, department=department,
                                                           area_id=area_id)
    if created:
        audit_record(actor=actor, verb="membership.grant", obj=membership,
                     data={"user": user.pk, "role": role_code,
                           "department": department.pk if department else None, "area": area_id})
    return membership


@transaction.atomic
def role_permission_set(*, role_code: str, action: str, allowed: bool, actor: User | None = None) -> None:
    role = Role.objects.get(code=role_code)
    if allowed:
        RolePermission.objects.get_or_create(role=role, action=action)
    else:
        RolePermission.objects.filter(role=role, action=action).delete()
    audit_record(actor=actor, verb="role.permission", obj=role, data={"action": action, "allowed": allowed})


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
    # Per-process indexes (categories carry their unit; city settings) must see the change.
    invalidate_all()
    transaction.on_commit(invalidate_all)
    audit_record(actor=actor, verb=f"config.{'create' if is_new else 'change'}", obj=obj,
                 data={"fields": changed_fields or []})


@transaction.atomic
def user_save(*, actor: User, user: User, changed_fields: list[str] | None = None) -> User:
    """An administrator's edit of an account (password hashes never reach the audit row)."""
    is_new = user.pk is None
    user.save()
    policies.forget(user)
    audit_record(actor=actor, verb=f"user.{'create' if is_new else 'change'}", obj=user,
                 data={"fields": [f for f in (changed_fields or []) if "password" not in f],
                       "superuser": user.is_superuser, "active": user.is_active})
    return user


@transaction.atomic
def config_delete(*, actor: User, obj) -> None:
    audit_record(actor=actor, verb="config.delete", obj=obj, data={"repr": str(obj)})
    obj.delete()
    invalidate_all()
    transaction.on_commit(invalidate_all)


@transaction.atomic
def resident_sign_in_by_email(*, email: str, issued_at: float) -> User:
    """The resident account of an e-mail address its owner just proved (by a link sent there),
    made on first use. A link is spent by the sign-in it makes: one issued before the account's
    last sign-in is refused, so it works once and a newer sign-in voids older links."""
    address = (email or "").strip().lower()
    user = (User.objects.select_for_update().filter(email__iexact=address, is_system=False)
            .order_by("pk").first()) if address else None
    if user is not None:
        if user.is_superuser or policies.is_staff_user(user) or not user.is_active:
            raise NotFound()  # staff sign in with their password, never with an e-mailed link
        if user.last_login and user.last_login.timestamp() >= issued_at:
            raise InvalidInput(_("This link was already used or a newer one was sent. Ask for a new link."),
                               field="token")
    elif address:
        user = user_create(username=f"r_{secrets.token_hex(8)}", password="")
        user.email = address
        user.save(update_fields=["email"])
        membership_grant(user=user, role_code="resident")
    else:
        raise InvalidInput(_("Enter your e-mail address."), field="email")
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    audit_record(actor=user, verb="resident.sign_in", obj=user, data={"via": "email_link"})
    return user
