"""Leaders' reception days (领导干部接访日): sessions, bookings and walk-ins, each visit a case."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shiyu.core.crypto import EncryptedTextField


class ReceptionSession(models.Model):
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="+"
    )
    # What the public page shows about the leader: a public office, never the account.
    leader_title = models.CharField(verbose_name=_("leader and office"), max_length=100)
    place = models.CharField(verbose_name=_("place"), max_length=200)
    starts_at = models.DateTimeField(verbose_name=_("starts at"), db_index=True)
    ends_at = models.DateTimeField(verbose_name=_("ends at"))
    topics = models.TextField(verbose_name=_("topics"), blank=True)
    capacity = models.PositiveSmallIntegerField(verbose_name=_("capacity"))
    area = models.ForeignKey(
        "geo.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_published = models.BooleanField(verbose_name=_("is published"), default=True)
    is_cancelled = models.BooleanField(verbose_name=_("is cancelled"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("reception session")
        verbose_name_plural = _("reception sessions")

    def __str__(self) -> str:
        return f"{self.leader_title} {self.starts_at:%Y-%m-%d %H:%M}"


class Booking(models.Model):
    """A resident's slot, or a walk-in registered by staff. A visit becomes a case."""

    class Kind(models.TextChoices):
        BOOKED = "booked", _("Booked")
        WALK_IN = "walk_in", _("Walk-in")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        VISITED = "visited", _("Visited")

    session = models.ForeignKey(
        ReceptionSession, verbose_name=_("session"), on_delete=models.PROTECT, related_name="bookings"
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=8, choices=Kind.choices, default=Kind.BOOKED)
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = EncryptedTextField(verbose_name=_("name"))
    phone = EncryptedTextField(verbose_name=_("phone"), blank=True)
    # A keyed hash of the normalised phone number: the encrypted column cannot be compared, and
    # one person must not hold two slots of one session.
    phone_key = models.CharField(verbose_name=_("phone key"), max_length=64, blank=True, editable=False)
    topic = models.TextField(verbose_name=_("what the resident wants to raise"))
    code = models.CharField(verbose_name=_("booking code"), max_length=16, unique=True)
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reception_visit",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))
    cancelled_at = models.DateTimeField(verbose_name=_("cancelled at"), null=True, blank=True)
    visited_at = models.DateTimeField(verbose_name=_("visited at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("reception booking")
        verbose_name_plural = _("reception bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "phone_key"],
                name="reception_one_slot_per_phone",
                condition=Q(status="active") & ~Q(phone_key=""),
            ),
            models.UniqueConstraint(
                fields=["session", "resident"],
                name="reception_one_slot_per_resident",
                condition=Q(status="active") & Q(resident__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.code
