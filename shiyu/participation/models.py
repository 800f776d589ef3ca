"""Residents' proposals for their community (群众自治) and the support others give them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Proposal(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        OPEN = "open", _("Collecting support")
        HIDDEN = "hidden", _("Hidden by moderation")
        FORWARDED = "forwarded", _("With the responsible unit")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Not adopted")
        EXPIRED = "expired", _("Support period ended")

    area = models.ForeignKey("geo.Area", verbose_name=_("community"), on_delete=models.PROTECT,
                             related_name="+")
    # Never shown publicly: pages show a masked display name at most.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(verbose_name=_("title"), max_length=120)
    body = models.TextField(verbose_name=_("description"), max_length=5000)
    status = models.CharField(verbose_name=_("status"), max_length=16, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    support_count = models.PositiveIntegerField(verbose_name=_("supporters"), default=0)
    # Support counts until then; past the threshold before it, the proposal is forwarded.
    support_until = models.DateTimeField(verbose_name=_("support until"), null=True, blank=True)
    department = models.ForeignKey("accounts.Department", verbose_name=_("responsible unit"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    forwarded_at = models.DateTimeField(verbose_name=_("forwarded at"), null=True, blank=True)
    moderation_reason = models.TextField(verbose_name=_("moderation reason"), blank=True, default="")
    response = models.TextField(verbose_name=_("official response"), blank=True, default="")
    responded_at = models.DateTimeField(verbose_name=_("responded at"), null=True, blank=True)
    project_ref = models.CharField(verbose_name=_("project"), max_length=64, blank=True, default="")
    created_at = models.DateTimeField(verbose_name=_("created at"), db_index=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"))
    version = models.PositiveIntegerField(verbose_name=_("version"), default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return self.title

    @property
    def source_ref(self) -> str:
        return f"proposal:{self.pk}"


class Support(models.Model):
    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE,
                                 related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="+")
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        # One support per person, whatever races the requests run.
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="uniq_support_per_person")]
        verbose_name = _("support")
        verbose_name_plural = _("supports")

    def __str__(self) -> str:
        return f"{self.proposal_id}:{self.user_id}"
