from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shiyu.core.crypto import EncryptedTextField


class Notification(models.Model):
    """One entry of a staff member's in-app inbox. `key` makes a repeated notice a no-op."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"),
                                  on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(verbose_name=_("dedupe key"), max_length=200)
    kind = models.CharField(verbose_name=_("kind"), max_length=32)
    title = models.CharField(verbose_name=_("title"), max_length=200)
    body = models.TextField(verbose_name=_("body"), blank=True)
    link = models.CharField(verbose_name=_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"))
    read_at = models.DateTimeField(verbose_name=_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="uniq_notification_key")]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Outbox(models.Model):
    """A message for outside (email, SMS), written in the domain transaction and delivered after
    commit by a task; retried with backoff. The unique key makes a repeat write a no-op."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(verbose_name=_("dedupe key"), max_length=200, unique=True)
    channel = models.CharField(verbose_name=_("channel"), max_length=8, choices=Channel.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+")
    # Personal data (a resident's email or phone): encrypted at rest, used only to deliver, never
    # logged or shown, and blanked once the row is sent or given up. The body is encrypted and
    # blanked too: a staff email carries the case title, which a resident may have filled with
    # their own contact details.
    address = EncryptedTextField(verbose_name=_("address"), blank=True)
    subject = models.CharField(verbose_name=_("subject"), max_length=200, blank=True)
    body = EncryptedTextField(verbose_name=_("body"), blank=True)
    status = models.CharField(verbose_name=_("status"), max_length=8, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(verbose_name=_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(verbose_name=_("next attempt at"), db_index=True)
    last_error = models.CharField(verbose_name=_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"))
    sent_at = models.DateTimeField(verbose_name=_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} {self.key}"
