from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    is_system = models.BooleanField(
        verbose_name=_("is system"), default=False, help_text=_("The automatic actor (routing, sweeps).")
    )
    is_demo = models.BooleanField(
        verbose_name=_("is demo"),
        default=False,
        help_text=_("A demo account: it can sign in only while SHIYU_DEMO is on."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class Department(models.Model):
    """A unit that handles cases (承办单位); a tree, e.g. bureau › section, district › office."""

    class Kind(models.TextChoices):
        UNIT = "unit", _("Handling unit")
        # A people's mediation committee (人民调解委员会) at community, street or district level.
        MEDIATION = "mediation", _("Mediation committee")

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(verbose_name=_("code"), max_length=32, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=100)
    name_en = models.CharField(verbose_name=_("English name"), max_length=100, blank=True)
    area = models.ForeignKey(
        "geo.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="departments",
    )
    is_active = models.BooleanField(verbose_name=_("is active"), default=True)
    kind = models.CharField(verbose_name=_("kind"), max_length=16, choices=Kind.choices, default=Kind.UNIT,
                            db_index=True)
    path = models.CharField(verbose_name=_("path"), max_length=255, db_index=True, editable=False, default="")

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

    code = models.CharField(verbose_name=_("code"), max_length=32, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=64)
    name_en = models.CharField(verbose_name=_("English name"), max_length=64, blank=True)
    scope = models.CharField(
        verbose_name=_("scope"), max_length=16, choices=Scope.choices, default=Scope.AREA
    )
    is_staff_role = models.BooleanField(verbose_name=_("is staff role"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return self.name


class RolePermission(models.Model):
    """Which role may take which action: the policy is data, edited by the administrator."""

    role = models.ForeignKey(
        Role, verbose_name=_("role"), on_delete=models.CASCADE, related_name="permissions"
    )
    action = models.CharField(verbose_name=_("action"), max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["role", "action"], name="uniq_role_action")]
        verbose_name = _("role permission")
        verbose_name_plural = _("role permissions")

    def __str__(self) -> str:
        return f"{self.role.code}:{self.action}"


class Membership(models.Model):
    """A user holds a role, scoped to a department and/or an area (empty area: the whole city)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.ForeignKey(
        Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="memberships"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    area = models.ForeignKey(
        "geo.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.role}"


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(verbose_name=_("key hash"), max_length=64, unique=True)
    prefix = models.CharField(verbose_name=_("prefix"), max_length=8)
    created_at = models.DateTimeField(verbose_name=_("created at"))
    last_used_at = models.DateTimeField(verbose_name=_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(verbose_name=_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"
