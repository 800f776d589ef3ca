"""Dispute cases and people's mediation (矛盾纠纷化解)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shiyu.core.crypto import EncryptedTextField
from shiyu.disputes.workflow import State

STATE_LABELS = {
    State.REGISTERED: _("Registered"),
    State.ASSIGNED: _("Mediator assigned"),
    State.MEDIATING: _("In mediation"),
    State.AGREED: _("Agreement reached"),
    State.PERFORMED: _("Agreement performed"),
    State.UNPERFORMED: _("Agreement not performed"),
    State.REFERRED: _("Referred"),
    State.WITHDRAWN: _("Withdrawn"),
}


class DisputeType(models.Model):
    """Neighbour, property management, labour and wages…: configurable by the administrator."""

    code = models.CharField(verbose_name=_("code"), max_length=32, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=64)
    name_en = models.CharField(verbose_name=_("English name"), max_length=64, blank=True)
    order = models.PositiveSmallIntegerField(verbose_name=_("order"), default=0)
    is_active = models.BooleanField(verbose_name=_("is active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("dispute type")
        verbose_name_plural = _("dispute types")

    def __str__(self) -> str:
        return self.name


class Dispute(models.Model):
    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Referral(models.TextChoices):
        UP = "up", _("Committee one level up")
        ARBITRATION = "arbitration", _("Arbitration")
        LITIGATION = "litigation", _("Litigation")
        OTHER = "other", _("Another channel")

    title = models.CharField(verbose_name=_("title"), max_length=200)
    description = models.TextField(verbose_name=_("description"))
    type = models.ForeignKey(
        DisputeType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="disputes"
    )
    state = models.CharField(
        verbose_name=_("state"),
        max_length=16,
        choices=[(s.value, STATE_LABELS[s]) for s in State],
        default=State.REGISTERED,
        db_index=True,
    )
    area = models.ForeignKey("geo.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("mediation committee"),
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mediator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispute",
    )
    amount = models.DecimalField(
        verbose_name=_("amount at stake"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    risk_level = models.CharField(
        verbose_name=_("risk level"), max_length=8, choices=Risk.choices, default=Risk.LOW, db_index=True
    )
    risk_reasons = models.JSONField(verbose_name=_("risk reasons"), default=list, blank=True)
    risk_assessed_at = models.DateTimeField(verbose_name=_("risk assessed at"))
    referral_target = models.CharField(
        verbose_name=_("referred to"), max_length=16, choices=Referral.choices, blank=True
    )
    referral_reason = models.TextField(verbose_name=_("referral reason"), blank=True)
    referral_count = models.PositiveSmallIntegerField(verbose_name=_("referrals up"), default=0)
    version = models.PositiveIntegerField(verbose_name=_("version"), default=1)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), db_index=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"))
    closed_at = models.DateTimeField(verbose_name=_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"


class Party(models.Model):
    """Only what mediation needs: who, which side, how to reach them (both personal data)."""

    class Side(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        RESPONDENT = "respondent", _("Respondent")
        OTHER = "other", _("Other party")

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="parties"
    )
    side = models.CharField(verbose_name=_("side"), max_length=16, choices=Side.choices)
    name = EncryptedTextField(verbose_name=_("name"))
    contact = EncryptedTextField(verbose_name=_("contact"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return f"{self.dispute_id}:{self.side}"


class MediationSession(models.Model):
    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="sessions"
    )
    held_at = models.DateTimeField(verbose_name=_("held at"))
    place = models.CharField(verbose_name=_("place"), max_length=200, blank=True)
    attendees = models.TextField(verbose_name=_("attendees"), blank=True)
    summary = models.TextField(verbose_name=_("summary"))
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mediator"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["held_at", "id"]
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")

    def __str__(self) -> str:
        return f"{self.dispute_id} @ {self.held_at:%Y-%m-%d}"


class Agreement(models.Model):
    class Performance(models.TextChoices):
        PENDING = "pending", _("Pending")
        PERFORMED = "performed", _("Performed")
        NOT_PERFORMED = "not_performed", _("Not performed")

    dispute = models.OneToOneField(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="agreement"
    )
    terms = models.TextField(verbose_name=_("terms"))
    performance_deadline = models.DateTimeField(verbose_name=_("performance deadline"), db_index=True)
    signed_at = models.DateTimeField(verbose_name=_("signed at"))
    performance = models.CharField(
        verbose_name=_("performance"), max_length=16, choices=Performance.choices, default=Performance.PENDING
    )
    # Set once the deadline reminder went out: the periodic job skips it afterwards.
    reminded_at = models.DateTimeField(verbose_name=_("reminded at"), null=True, blank=True)
    followed_up_at = models.DateTimeField(verbose_name=_("followed up at"), null=True, blank=True)
    follow_up_note = models.TextField(verbose_name=_("follow-up note"), blank=True)

    class Meta:
        verbose_name = _("mediation agreement")
        verbose_name_plural = _("mediation agreements")

    def __str__(self) -> str:
        return f"{self.dispute_id}"


class DisputeEvent(models.Model):
    """Append-only: one row per action on a dispute."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(verbose_name=_("action"), max_length=32)
    from_state = models.CharField(verbose_name=_("from state"), max_length=16, blank=True)
    to_state = models.CharField(verbose_name=_("to state"), max_length=16)
    note = models.TextField(verbose_name=_("note"), blank=True)
    data = models.JSONField(verbose_name=_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("dispute event")
        verbose_name_plural = _("dispute events")

    def __str__(self) -> str:
        return f"{self.dispute_id}:{self.action}"
