from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key and the case its first request made: a retry gets that case."""

    key = models.CharField(max_length=128)
    scope = models.CharField(max_length=64, help_text=_("Who sent it: user id, or 'anon'."))
    fingerprint = models.CharField(max_length=64)
    case_id = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="uniq_idempotency_key")]
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")

    def __str__(self) -> str:
        return self.key
