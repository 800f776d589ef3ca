from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key and the case its first request made: a retry gets that case."""

    key = models.CharField(verbose_name=_("key"), max_length=128)
    scope = models.CharField(
        verbose_name=_("scope"), max_length=64, help_text=_("Who sent it: user id, or 'anon'.")
    )
    fingerprint = models.CharField(verbose_name=_("fingerprint"), max_length=64)
    case_id = models.BigIntegerField(verbose_name=_("case id"))
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="uniq_idempotency_key")]
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")

    def __str__(self) -> str:
        return self.key
