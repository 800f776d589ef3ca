"""Dispatch catalog (派单目录), each case's routing decision, dispatchers' corrections and the
duplicate-detection index. Only shiyu.routing.services writes these."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DispatchRule(models.Model):
    """Category (any level, or none) + area (any level, or none) → the responsible units.

    Precedence (see catalog.py): a deeper category beats a deeper area; within the same category
    depth the deeper area wins. Two active rules on the same (category, area) cell conflict.
    """

    category = models.ForeignKey(
        "cases.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: any category."),
    )
    area = models.ForeignKey(
        "geo.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: anywhere."),
    )
    lead_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("lead department"), on_delete=models.PROTECT, related_name="+"
    )
    assisting_departments = models.ManyToManyField(
        "accounts.Department", verbose_name=_("assisting departments"), blank=True, related_name="+"
    )
    ack_hours = models.PositiveIntegerField(
        verbose_name=_("acknowledge limit (working hours)"),
        null=True,
        blank=True,
        help_text=_("Empty: taken from a less specific rule, else the category."),
    )
    complete_days = models.PositiveIntegerField(
        verbose_name=_("completion limit (working days)"),
        null=True,
        blank=True,
        help_text=_("Empty: taken from a less specific rule, else the category."),
    )
    urgent_ack_hours = models.PositiveIntegerField(
        verbose_name=_("acknowledge limit when urgent (working hours)"),
        null=True,
        blank=True,
        help_text=_("Urgency override: used for urgent and critical cases instead of the limit above."),
    )
    urgent_complete_days = models.PositiveIntegerField(
        verbose_name=_("completion limit when urgent (working days)"),
        null=True,
        blank=True,
        help_text=_("Urgency override: used for urgent and critical cases instead of the limit above."),
    )
    note = models.CharField(
        verbose_name=_("note"),
        max_length=300,
        blank=True,
        help_text=_("The power or duty this rule comes from (权责清单)."),
    )
    is_active = models.BooleanField(verbose_name=_("is active"), default=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"))

    class Meta:
        ordering = ["category__path", "area__path", "id"]
        verbose_name = _("dispatch rule")
        verbose_name_plural = _("dispatch catalog")
        indexes = [models.Index(fields=["category", "area"])]

    def __str__(self) -> str:
        return f"{self.category or '*'} × {self.area or '*'} → {self.lead_department}"


class DispatchRuleRevision(models.Model):
    """One row per change of a rule (create, change, delete, import), with the rule as it became."""

    rule_id_ref = models.BigIntegerField(verbose_name=_("rule id"), db_index=True)
    action = models.CharField(verbose_name=_("action"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data = models.JSONField(verbose_name=_("data"), default=dict)
    changed = models.JSONField(verbose_name=_("changed fields"), default=list)
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("dispatch rule revision")
        verbose_name_plural = _("dispatch rule revisions")

    def __str__(self) -> str:
        return f"{self.rule_id_ref} {self.action}"


class RoutingDecision(models.Model):
    """Why a case went (or was suggested to go) where it did."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    rule = models.ForeignKey(
        DispatchRule,
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(verbose_name=_("source"), max_length=16)  # rule | category | none
    matched_category = models.ForeignKey(
        "cases.Category",
        verbose_name=_("matched category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    matched_area = models.ForeignKey(
        "geo.Area",
        verbose_name=_("matched area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("suggested department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assisting = models.JSONField(verbose_name=_("assisting departments"), default=list)
    ack_limit_hours = models.PositiveIntegerField(verbose_name=_("acknowledge limit"), null=True)
    reply_limit_days = models.PositiveIntegerField(verbose_name=_("completion limit"), null=True)
    conflict = models.BooleanField(verbose_name=_("conflict"), default=False)
    suggestions = models.JSONField(verbose_name=_("classifier suggestions"), default=list)
    model_version = models.CharField(verbose_name=_("model version"), max_length=64, blank=True)
    threshold = models.FloatField(verbose_name=_("threshold"), null=True)
    auto_routed = models.BooleanField(verbose_name=_("auto-routed"), default=False)
    outcome = models.CharField(verbose_name=_("outcome"), max_length=32, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        verbose_name = _("routing decision")
        verbose_name_plural = _("routing decisions")

    def __str__(self) -> str:
        return f"{self.case_id} {self.source}"


class RoutingCorrection(models.Model):
    """A dispatcher disagreed with the suggestion: a training signal (predicted vs final)."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(verbose_name=_("kind"), max_length=16)  # category | department
    predicted = models.CharField(verbose_name=_("predicted"), max_length=64, blank=True)
    final = models.CharField(verbose_name=_("final"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("routing correction")
        verbose_name_plural = _("routing corrections")
        constraints = [models.UniqueConstraint(fields=["case", "kind", "final"], name="uniq_correction")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}: {self.predicted} → {self.final}"


class CaseSignature(models.Model):
    """What the duplicate check queries: where, what, when, and the text's shingles. One row per
    case; the indexes serve the two look-ups (nearby cells; same area and category) in a window."""

    case_id = models.BigIntegerField(verbose_name=_("case"), primary_key=True)
    cell = models.BigIntegerField(verbose_name=_("h3 cell"), null=True)
    area_id = models.BigIntegerField(verbose_name=_("area"), null=True)
    category_id = models.BigIntegerField(verbose_name=_("category"), null=True)
    submitted_at = models.DateTimeField(verbose_name=_("submitted at"))
    shingles = models.TextField(verbose_name=_("shingles"))

    class Meta:
        verbose_name = _("case signature")
        verbose_name_plural = _("case signatures")
        indexes = [
            models.Index(fields=["cell", "submitted_at"], name="routing_sig_cell"),
            models.Index(fields=["area_id", "category_id", "submitted_at"], name="routing_sig_area_cat"),
        ]

    def __str__(self) -> str:
        return str(self.case_id)


class DuplicateCandidate(models.Model):
    """A recent case that may report the same matter, found at intake; resolved by a merge or a
    dismissal."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(
        "cases.Case", verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(verbose_name=_("similarity"))
    distance_m = models.FloatField(verbose_name=_("distance (m)"), null=True)
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        ordering = ["-score"]
        verbose_name = _("duplicate candidate")
        verbose_name_plural = _("duplicate candidates")
        constraints = [models.UniqueConstraint(fields=["case", "candidate"], name="uniq_duplicate_pair")]

    def __str__(self) -> str:
        return f"{self.case_id} ~ {self.candidate_id}"
