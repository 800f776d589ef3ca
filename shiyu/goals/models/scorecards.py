"""Assessment schemes, computed score items, appeals and frozen scorecards."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shiyu.goals.models.projects import StoredFile


class Scheme(models.Model):
    """An assessment scheme (考核方案) for one period: weighted items, assessed units."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (appeals open)")
        PUBLISHED = "published", _("Published")

    name = models.CharField(verbose_name=_("name"), max_length=200)
    start = models.DateField(verbose_name=_("period start"))
    end = models.DateField(verbose_name=_("period end"))
    departments = models.ManyToManyField(
        "accounts.Department", verbose_name=_("assessed units"), related_name="+"
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    computed_at = models.DateTimeField(verbose_name=_("computed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        ordering = ["-start", "pk"]
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")

    def __str__(self) -> str:
        return self.name


class SchemeItem(models.Model):
    """A weighted indicator of a scheme; `key` names what is measured (see scoring.ITEM_KEYS)."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="items"
    )
    key = models.CharField(verbose_name=_("indicator"), max_length=40)
    weight = models.FloatField(verbose_name=_("weight"))

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["scheme", "key"], name="uniq_goals_scheme_item")]
        verbose_name = _("scheme item")
        verbose_name_plural = _("scheme items")

    def __str__(self) -> str:
        return f"{self.key} × {self.weight}"


class ScoreItem(models.Model):
    """One unit's value on one item of a draft scheme. `corrected` is set by an accepted appeal and
    wins over the computed `value` at every later recomputation."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="scores"
    )
    item = models.ForeignKey(
        SchemeItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="scores"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.FloatField(verbose_name=_("computed value"), null=True, blank=True)
    corrected = models.FloatField(verbose_name=_("corrected value"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "department"], name="uniq_goals_score_item")]
        verbose_name = _("score item")
        verbose_name_plural = _("score items")

    def __str__(self) -> str:
        return f"{self.department_id}:{self.item_id}"


class Appeal(models.Model):
    """申诉: a unit contests one item of its score, with evidence; a reviewer decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    score = models.ForeignKey(
        ScoreItem, verbose_name=_("score item"), on_delete=models.CASCADE, related_name="appeals"
    )
    reason = models.TextField(verbose_name=_("reason"))
    evidence = models.TextField(verbose_name=_("evidence"))
    proposed_value = models.FloatField(verbose_name=_("proposed value"), null=True, blank=True)
    status = models.CharField(
        verbose_name=_("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(verbose_name=_("submitted at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(verbose_name=_("reviewed at"), null=True, blank=True)
    decision = models.TextField(verbose_name=_("decision"), blank=True)
    value_before = models.FloatField(verbose_name=_("value before"), null=True, blank=True)
    value_after = models.FloatField(verbose_name=_("value after"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{self.score_id}:{self.status}"


class AppealAttachment(StoredFile):
    """A file backing an appeal (a signed record, a photo, a spreadsheet)."""

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("appeal"), on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta:
        verbose_name = _("appeal attachment")
        verbose_name_plural = _("appeal attachments")


class Scorecard(models.Model):
    """The frozen result of a published scheme: ranking and every unit's breakdown, as JSON."""

    scheme = models.OneToOneField(
        Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="scorecard"
    )
    data = models.JSONField(verbose_name=_("data"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(verbose_name=_("published at"))

    class Meta:
        verbose_name = _("published scorecard")
        verbose_name_plural = _("published scorecards")

    def __str__(self) -> str:
        return f"{self.scheme_id}"
