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
event twice, or out of order, changes nothing. `RollupCursor` is the refresh task's watermark.
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
