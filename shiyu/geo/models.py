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
    # The boundary as GeoJSON geometry text in WGS84 (Polygon or MultiPolygon): no spatial database
    # is needed, shapely does the geometry. The bounding box and a point inside are kept in plain
    # columns so maps and imports need not parse every boundary.
    boundary = models.TextField(verbose_name=_("boundary"), blank=True, default="")
    min_lon = models.FloatField(verbose_name=_("west"), null=True, blank=True, editable=False)
    min_lat = models.FloatField(verbose_name=_("south"), null=True, blank=True, editable=False)
    max_lon = models.FloatField(verbose_name=_("east"), null=True, blank=True, editable=False)
    max_lat = models.FloatField(verbose_name=_("north"), null=True, blank=True, editable=False)
    label_lat = models.FloatField(verbose_name=_("label latitude"), null=True, blank=True, editable=False)
    label_lon = models.FloatField(verbose_name=_("label longitude"), null=True, blank=True, editable=False)
    # Each process compares the newest of these with its index's stamp to know when to rebuild.
    boundary_updated_at = models.DateTimeField(verbose_name=_("boundary updated"), null=True, blank=True,
                                               editable=False, db_index=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return self.name


class PlaceName(models.Model):
    """A gazetteer entry: a road, estate or landmark name that places an address in an area.

    Area names themselves are always in the gazetteer; these add the names residents actually
    write ("解放路", "滨江花园") when a case comes with an address but no point."""

    name = models.CharField(verbose_name=_("name"), max_length=100)
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.CASCADE,
                             related_name="place_names")

    class Meta:
        ordering = ["name"]
        verbose_name = _("place name")
        verbose_name_plural = _("place names")
        constraints = [models.UniqueConstraint(fields=["name", "area"], name="geo_placename_unique")]

    def __str__(self) -> str:
        return self.name
