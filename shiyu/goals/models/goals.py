"""Goals, their indicators and hand-entered values; the long-standing problems list."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    INCREASE = "increase", _("Higher is better")
    DECREASE = "decrease", _("Lower is better")


class Goal(models.Model):
    """A quantified aim of the city for a year (e.g. fewer noise complaints in a district)."""

    title = models.CharField(verbose_name=_("title"), max_length=200)
    description = models.TextField(verbose_name=_("description"), blank=True)
    year = models.PositiveIntegerField(verbose_name=_("year"))
    owner_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("owner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="goals",
    )
    is_public = models.BooleanField(verbose_name=_("is public"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    """A measure of a goal: computed from live cases (an insights metric over filters) or entered
    by hand with evidence. Attainment compares the current value with baseline and target."""

    class Source(models.TextChoices):
        COMPUTED = "computed", _("Computed from cases")
        MANUAL = "manual", _("Entered by hand")

    class Step(models.TextChoices):
        MONTH = "month", _("Month")
        WEEK = "week", _("Week")

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(verbose_name=_("name"), max_length=200)
    source = models.CharField(verbose_name=_("source"), max_length=16, choices=Source.choices)
    metric = models.CharField(verbose_name=_("metric"), max_length=40, blank=True)
    area = models.ForeignKey(
        "geo.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        "cases.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=16, blank=True)
    start = models.DateField(verbose_name=_("period start"))
    end = models.DateField(verbose_name=_("period end"))
    step = models.CharField(verbose_name=_("step"), max_length=8, choices=Step.choices, default=Step.MONTH)
    baseline = models.FloatField(verbose_name=_("baseline"))
    target = models.FloatField(verbose_name=_("target"))
    direction = models.CharField(verbose_name=_("direction"), max_length=8, choices=Direction.choices)
    unit = models.CharField(verbose_name=_("unit"), max_length=20, blank=True)

    class Meta:
        ordering = ["goal_id", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class IndicatorEntry(models.Model):
    """A value entered by hand for a manual indicator, with its evidence."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="entries"
    )
    on = models.DateField(verbose_name=_("as of"))
    value = models.FloatField(verbose_name=_("value"))
    evidence = models.TextField(verbose_name=_("evidence"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.on}"


class LongStandingProblem(models.Model):
    """老大难: an item of the year's list, tied to the categories, areas and keywords of the cases
    it is about, so that its decline is measured from incoming cases."""

    class Status(models.TextChoices):
        OPEN = "open", _("Being solved")
        SOLVED = "solved", _("Solved")

    year = models.PositiveIntegerField(verbose_name=_("year"))
    title = models.CharField(verbose_name=_("title"), max_length=200)
    description = models.TextField(verbose_name=_("description"), blank=True)
    categories = models.ManyToManyField(
        "cases.Category", verbose_name=_("categories"), blank=True, related_name="+"
    )
    areas = models.ManyToManyField("geo.Area", verbose_name=_("areas"), blank=True, related_name="+")
    keywords = models.CharField(
        verbose_name=_("keywords"),
        max_length=200,
        blank=True,
        help_text=_("Separated by spaces; a case matches when it contains any."),
    )
    owner_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("owner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    is_public = models.BooleanField(verbose_name=_("is public"), default=True)
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("long-standing problem")
        verbose_name_plural = _("long-standing problems")

    def __str__(self) -> str:
        return self.title
