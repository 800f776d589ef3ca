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

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.verb} {self.object_type}:{self.object_id}"
