"""Rollups: the read model every dashboard figure comes from (see metrics.py for the meanings).

`DailyRollup` holds sums per leaf key (local day × area × category × lead department × kind ×
channel), with 0 for "none" so the unique key has no NULLs. The same sums are also kept at a few
coarser grains (metrics.GRAINS: day × unit, day × area, day × category, and pairs of those) in the
same table, the dimensions a grain drops set to 0/"": at ten million cases the leaf rows are nearly
as many as the cases (grids × categories × units × kinds × channels is sparse), so a city-wide or
per-unit figure reads the small grain that has exactly its dimensions. Subtrees of the area and category
trees are summed at query time through their materialised paths (geo.Area.path,
cases.Category.path: one indexed prefix range gives the leaf ids). `CaseFact` remembers what each
case last contributed, so recomputing a case applies only the difference: applying the same
event twice, or out of order, changes nothing. `OpenCase` is the point-in-time side (backlog and
overdue), kept by the same refresh. `RollupCursor` is the refresh task's watermark.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shiyu.insights.metrics import HIST


class DailyRollup(models.Model):
    grain = models.SmallIntegerField(verbose_name=_("grain"), default=0)  # metrics.GRAINS; 0 = leaf
    day = models.DateField(verbose_name=_("day"))
    area_id = models.IntegerField(verbose_name=_("area"), default=0)
    category_id = models.IntegerField(verbose_name=_("category"), default=0)
    department_id = models.IntegerField(verbose_name=_("lead department"), default=0)
    kind = models.CharField(verbose_name=_("kind"), max_length=16)
    channel = models.CharField(verbose_name=_("channel"), max_length=16)
    intake = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    acknowledged = models.IntegerField(default=0)
    ack_on_time = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    completed_on_time = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    redone = models.IntegerField(default=0)
    first_contact = models.IntegerField(default=0)
    close_hours = models.FloatField(default=0)
    locals().update({name: models.IntegerField(default=0) for name in HIST})

    class Meta:
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        constraints = [
            models.UniqueConstraint(fields=["grain", "day", "area_id", "category_id", "department_id", "kind",
                                            "channel"], name="insights_rollup_leaf"),
        ]
        # The unique index serves a grain's range of days; these one subtree or unit in it.
        indexes = [
            models.Index(fields=["grain", "area_id", "day"], name="insights_rollup_area_day"),
            models.Index(fields=["grain", "category_id", "day"], name="insights_rollup_cat_day"),
            models.Index(fields=["grain", "department_id", "day"], name="insights_rollup_dept_day"),
        ]

    def __str__(self) -> str:
        return f"{self.grain}:{self.day} a{self.area_id} c{self.category_id} d{self.department_id}"


class CaseFact(models.Model):
    """The contribution a case last made to the rollups: [[day, area, category, dept, kind,
    channel, {column: amount}], …]."""

    case_id = models.BigIntegerField(verbose_name=_("case"), primary_key=True)
    entries = models.JSONField(verbose_name=_("entries"), default=list)

    class Meta:
        verbose_name = _("case fact")
        verbose_name_plural = _("case facts")

    def __str__(self) -> str:
        return f"case {self.case_id}"


class OpenCase(models.Model):
    """One row per open case, with the instant it becomes overdue (metrics.overdue_at).

    Backlog and overdue are states at an instant, not events in a day, and passing a deadline
    is no event; but the instant a case WILL be overdue is fixed by its row until its next event.
    So "overdue now" is `overdue_at < now` over this narrow table, exact at any moment, where the
    case table would be read row by row among millions. The refresh rewrites a case's row whenever
    the case has an event, as it does its rollup contribution."""

    case_id = models.BigIntegerField(verbose_name=_("case"), primary_key=True)
    area_id = models.IntegerField(verbose_name=_("area"), default=0)
    category_id = models.IntegerField(verbose_name=_("category"), default=0)
    department_id = models.IntegerField(verbose_name=_("lead department"), default=0)
    kind = models.CharField(verbose_name=_("kind"), max_length=16)
    channel = models.CharField(verbose_name=_("channel"), max_length=16)
    overdue_at = models.DateTimeField(verbose_name=_("overdue from"), null=True)

    class Meta:
        verbose_name = _("open case")
        verbose_name_plural = _("open cases")
        # Each serves a count (or a count per unit, area or category) of one subtree, with the
        # overdue test read from the index itself.
        indexes = [
            models.Index(fields=["overdue_at"], name="insights_open_overdue"),
            models.Index(fields=["department_id", "overdue_at"], name="insights_open_dept"),
            models.Index(fields=["area_id", "overdue_at"], name="insights_open_area"),
            models.Index(fields=["category_id", "overdue_at"], name="insights_open_cat"),
        ]

    def __str__(self) -> str:
        return f"open case {self.case_id}"


class RollupCursor(models.Model):
    """Where the refresh stands in the case event log.

    Event ids come from a sequence taken at INSERT, but transactions commit in any order: after
    reading up to id N, an id below N may still commit. So `gaps` lists the ids below the
    watermark that were missing when read ({id: first seen missing, ISO time}); each refresh looks
    them up again and forgets one after GAP_TTL (a rolled-back insert never appears)."""

    name = models.CharField(verbose_name=_("name"), max_length=32, primary_key=True)
    watermark = models.BigIntegerField(verbose_name=_("watermark"), default=0)
    gaps = models.JSONField(verbose_name=_("gaps"), default=dict)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), null=True)

    class Meta:
        verbose_name = _("rollup cursor")
        verbose_name_plural = _("rollup cursors")

    def __str__(self) -> str:
        return f"{self.name}@{self.watermark}"
