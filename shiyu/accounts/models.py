from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    is_system = models.BooleanField(default=False, help_text=_("The automatic actor (routing, sweeps)."))
    is_demo = models.BooleanField(
        default=False, help_text=_("A demo account: it can sign in only while SHIYU_DEMO is on."))

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class Department(models.Model):
    """A unit that handles cases (承办单位); a tree, e.g. bureau › section, district › office."""

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100, blank=True)
    area = models.ForeignKey("geo.Area", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="departments")
    is_active = models.BooleanField(default=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        ordering = ["path"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    class Scope(models.TextChoices):
        AREA = "area", _("Cases in the member's areas")
        DEPARTMENT = "department", _("Cases of the member's departments")
        OWN = "own", _("The member's own submissions")

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=64, blank=True)
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.AREA)
    is_staff_role = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return self.name


class RolePermission(models.Model):
    """Which role may take which action: the policy is data, edited by the administrator."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="permissions")
    action = models.CharField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["role", "action"], name="uniq_role_action")]
        verbose_name = _("role permission")
        verbose_name_plural = _("role permissions")

    def __str__(self) -> str:
        return f"{self.role.code}:{self.action}"


class Membership(models.Model):
    """A user holds a role, scoped to a department and/or an area (empty area: the whole city)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="memberships")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="memberships")
    area = models.ForeignKey("geo.Area", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="memberships")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.role}"


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"
