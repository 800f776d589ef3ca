from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    """An administrative area: city › district › street › community › grid."""

    class Level(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        STREET = "street", _("Street")
        COMMUNITY = "community", _("Community")
        GRID = "grid", _("Grid")

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.CharField(verbose_name=_("level"), max_length=16, choices=Level.choices)
    code = models.CharField(verbose_name=_("code"), max_length=32, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=100)
    name_en = models.CharField(verbose_name=_("English name"), max_length=100, blank=True)
    # Materialised path of ids ("/1/4/19/") so a subtree is one indexed prefix match.
    path = models.CharField(verbose_name=_("path"), max_length=255, db_index=True, editable=False, default="")

    class Meta:
        ordering = ["path"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return self.name
