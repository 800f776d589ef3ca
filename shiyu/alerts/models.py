"""Early-warning alerts (spikes and repeated complaints) and their lifecycle."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Alert(models.Model):
    """One warning: a series that departs from its baseline, a place that keeps complaining about
    the same matter, or an open high-risk dispute. Never holds personal data: case ids and
    counts only."""

    class Kind(models.TextChoices):
        SPIKE = "spike", _("Spike")
        REPEAT = "repeat", _("Repeated complaints")
        DISPUTE = "dispute", _("High-risk dispute")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")
        FALSE_ALARM = "false_alarm", _("False alarm")

    kind = models.CharField(verbose_name=_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(verbose_name=_("status"), max_length=16, choices=Status.choices,
                              default=Status.OPEN, db_index=True)
    # Re-running detection finds the same key and changes nothing: one alert per finding.
    dedupe_key = models.CharField(verbose_name=_("dedupe key"), max_length=200, unique=True)
    title = models.CharField(verbose_name=_("title"), max_length=200)
    area = models.ForeignKey("geo.Area", verbose_name=_("area"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey("cases.Category", verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(verbose_name=_("day"))
    observed = models.PositiveIntegerField(verbose_name=_("observed"), default=0)
    expected = models.FloatField(verbose_name=_("expected"), null=True, blank=True)
    p_value = models.FloatField(verbose_name=_("p-value"), null=True, blank=True)
    detail = models.JSONField(verbose_name=_("detail"), default=dict, blank=True)
    note = models.TextField(verbose_name=_("acknowledgement note"), blank=True)
    resolution = models.TextField(verbose_name=_("resolution note"), blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), db_index=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"))
    acknowledged_at = models.DateTimeField(verbose_name=_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("acknowledged by"),
                                        null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(verbose_name=_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"),
                                  null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.RESOLVED, self.Status.FALSE_ALARM)
