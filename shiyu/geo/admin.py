import shapely
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from shiyu.core.admin import TreeForm
from shiyu.core.errors import InvalidInput
from shiyu.geo import crs, selectors
from shiyu.geo.models import Area, PlaceName
from shiyu.geo.services import (
    area_save,
    area_set_boundary,
    boundary_parse,
    check_level,
    place_name_add,
    place_name_remove,
)

BOUNDARY_MAX = 20 * 1024 * 1024  # a district with a coastline is a few MB of GeoJSON


class AreaForm(TreeForm):
    """The area, plus its boundary drawn on the map, pasted as GeoJSON or uploaded as a file.
    Invalid polygons are repaired and the repair shown, never kept as they came."""

    boundary_geojson = forms.CharField(
        label=_("Boundary (GeoJSON)"), required=False, widget=forms.Textarea(attrs={
            "rows": 6, "class": "vLargeTextField", "data-boundary-editor": "",
            "data-label-draw": _("Draw"), "data-label-finish": _("Finish"), "data-label-undo": _("Undo"),
            "data-label-help": _("Click the corners of the area on the map, then “Finish”.")}),
        help_text=_("Draw on the map (click the corners, then “Finish”), paste a GeoJSON Polygon, "
                    "MultiPolygon or Feature, or upload a file below. Leave as it is to keep the boundary."))
    boundary_file = forms.FileField(label=_("Boundary file"), required=False,
                                    help_text=_("A .geojson file with one Polygon or MultiPolygon."))
    boundary_crs = forms.ChoiceField(label=_("Coordinate system of the boundary"), choices=[
        (crs.WGS84, _("WGS84 (GPS, GeoJSON)")), (crs.GCJ02, _("GCJ-02 (Chinese web maps)"))])
    clear_boundary = forms.BooleanField(label=_("Remove the boundary"), required=False)

    class Meta:
        model = Area
        fields = ["parent", "level", "code", "name", "name_en"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        system = selectors.map_crs()
        self.fields["boundary_crs"].initial = system
        self.parsed_boundary = None
        if self.instance.pk and self.instance.boundary:
            geometry = crs.transform_geometry(shapely.from_geojson(self.instance.boundary),
                                              source=crs.WGS84, target=system)
            self.initial["boundary_geojson"] = shapely.to_geojson(geometry)

    def clean(self):
        data = super().clean()
        if data.get("level"):
            try:
                check_level(data["level"], data.get("parent"))
            except InvalidInput as exc:
                self.add_error("level", str(exc.message))
        upload = data.get("boundary_file")
        text = data.get("boundary_geojson") or ""
        if upload:
            if upload.size > BOUNDARY_MAX:
                self.add_error("boundary_file", _("The file is larger than 20 MB."))
                return data
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("boundary_file", _("The file is not UTF-8 text."))
                return data
        elif "boundary_geojson" not in self.changed_data:
            return data  # the boundary shown was left as it was
        if data.get("clear_boundary") or not text.strip():
            return data
        try:
            self.parsed_boundary = boundary_parse(text, crs_name=data.get("boundary_crs") or crs.WGS84)
        except InvalidInput as exc:
            self.add_error("boundary_file" if upload else "boundary_geojson", str(exc.message))
        return data


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    form = AreaForm
    list_display = ("code", "name", "name_en", "level", "parent", "has_boundary")
    list_filter = ("level",)
    search_fields = ("code", "name", "name_en")
    readonly_fields = ("path", "boundary_updated_at")
    fieldsets = [
        (None, {"fields": ["parent", "level", "code", "name", "name_en", "path"]}),
        (_("Boundary"), {"fields": ["boundary_geojson", "boundary_file", "boundary_crs", "clear_boundary",
                                    "boundary_updated_at"]}),
    ]

    class Media:
        css = {"all": ["vendor/leaflet/leaflet.css", "geo/boundary_editor.css"]}
        js = ["vendor/leaflet/leaflet.js", "geo/boundary_editor.js"]

    @admin.display(boolean=True, description=_("boundary"))
    def has_boundary(self, obj):
        return bool(obj.boundary)

    def save_model(self, request, obj, form, change):
        area_save(actor=request.user, area=obj, changed_fields=list(form.changed_data))
        if form.cleaned_data.get("clear_boundary"):
            area_set_boundary(actor=request.user, area=obj, boundary=None)
        elif form.parsed_boundary is not None:
            area_set_boundary(actor=request.user, area=obj, boundary=form.parsed_boundary)
            if form.parsed_boundary.repaired:
                self.message_user(request, _("The boundary was not a valid polygon (%(reason)s) and was "
                                             "repaired: check it on the map.")
                                  % {"reason": form.parsed_boundary.repaired}, level="warning")

    def has_delete_permission(self, request, obj=None):
        return False  # cases and memberships refer to areas


class PlaceNameForm(forms.ModelForm):
    class Meta:
        model = PlaceName
        fields = ["name", "area"]


@admin.register(PlaceName)
class PlaceNameAdmin(admin.ModelAdmin):
    """Road, estate and landmark names that place an address in an area (the gazetteer)."""

    form = PlaceNameForm
    list_display = ("name", "area")
    search_fields = ("name", "area__name", "area__code")
    autocomplete_fields = ("area",)

    def save_model(self, request, obj, form, change):
        saved = place_name_add(actor=request.user, area=form.cleaned_data["area"],
                               name=form.cleaned_data["name"])
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        place_name_remove(actor=request.user, place=obj)

    def delete_queryset(self, request, queryset):
        for place in queryset:
            place_name_remove(actor=request.user, place=place)

    def has_change_permission(self, request, obj=None):
        return obj is None  # a wrong name is removed and added again, each through the service
