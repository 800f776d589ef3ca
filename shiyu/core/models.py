from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class CitySetting(models.Model):
    """An administrator's override of a declared setting (see shiyu.core.citysettings)."""

    key = models.CharField(verbose_name=_("key"), max_length=100, unique=True)
    value = models.JSONField(verbose_name=_("value"))
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("city setting")
        verbose_name_plural = _("city settings")

    def __str__(self) -> str:
        return self.key


class CalendarOverride(models.Model):
    """A city's own exception to the official calendar: a typhoon day off, a local holiday, an extra
    working day. Wins over the chinese-calendar data and over the weekday rule."""

    date = models.DateField(verbose_name=_("date"), unique=True)
    is_working = models.BooleanField(verbose_name=_("working day"), default=False)
    reason = models.CharField(verbose_name=_("reason"), max_length=200)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.reason}"


class PeriodicRun(models.Model):
    """One slot of a periodic job (shiyu.core.periodic), claimed by exactly one scheduler: the
    unique (name, slot) row is the claim, so two workers never both start a slot."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    name = models.CharField(verbose_name=_("job"), max_length=100)
    slot = models.DateTimeField(verbose_name=_("slot"))
    attempt = models.PositiveIntegerField(verbose_name=_("attempt"), default=1)
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    worker = models.CharField(verbose_name=_("worker"), max_length=100, blank=True)
    claimed_at = models.DateTimeField(verbose_name=_("claimed at"))
    started_at = models.DateTimeField(verbose_name=_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(verbose_name=_("finished at"), null=True, blank=True)
    error = models.TextField(verbose_name=_("error"), blank=True)

    class Meta:
        ordering = ["-slot", "name"]
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="core_periodicrun_one_per_slot")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot.isoformat()} ({self.status})"
