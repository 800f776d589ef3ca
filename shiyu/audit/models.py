from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Append-only: who read or changed what. Written in the same transaction as the change."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verb = models.CharField(verbose_name=_("verb"), max_length=64, db_index=True)
    object_type = models.CharField(verbose_name=_("object type"), max_length=64)
    object_id = models.CharField(verbose_name=_("object id"), max_length=64, db_index=True)
    data = models.JSONField(verbose_name=_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), db_index=True)
    # The hash chain (shiyu/audit/chain.py): empty until the row is sealed just after its commit.
    seq = models.BigIntegerField(verbose_name=_("chain position"), null=True, blank=True, unique=True)
    prev_hash = models.CharField(verbose_name=_("previous hash"), max_length=64, blank=True, default="")
    hash = models.CharField(verbose_name=_("hash"), max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed")]

    def __str__(self) -> str:
        return f"{self.verb} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """One row: the position and hash of the last sealed audit row. Sealers lock it to take turns,
    and `shiyu audit verify` checks that the chain still ends where the head says."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return f"{self.seq} {self.hash[:12]}"
