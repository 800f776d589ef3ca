"""Resident-facing forms. They check shape only; the intake and case services decide what is valid."""

import json
import uuid

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shiyu.cases import attachments
from shiyu.cases import selectors as case_selectors
from shiyu.cases.services import CaseInput
from shiyu.core.i18n import localized_name
from shiyu.geo import selectors as geo_selectors

# Same limits as the intake service; repeated here so the browser can check them first.
TITLE_MAX = 200
BODY_MAX = 5000
ADDRESS_MAX = 300
NOTE_MAX = 5000
CODE_MAX = 16


# Service error field names that differ from the form's field names.
SERVICE_FIELDS = {"contact.name": "contact_name", "contact.phone": "contact_phone",
                  "contact.email": "contact_email"}




def category_choices() -> list:
    """Leaf categories in <optgroup>s named by their ancestors ("Environment › Noise")."""
    categories = list(case_selectors.category_list())
    by_id = {c.pk: c for c in categories}
    parents = {c.parent_id for c in categories if c.parent_id}
    groups: dict[str, list[tuple[str, str]]] = {}
    top_level: list[tuple[str, str]] = []
    for category in categories:  # ordered by path, so groups come out in tree order
        if category.pk in parents:
            continue
        trail = []
        parent = by_id.get(category.parent_id)
        while parent is not None:
            trail.append(localized_name(parent))
            parent = by_id.get(parent.parent_id)
        option = (str(category.pk), localized_name(category))
        if trail:
            groups.setdefault(" › ".join(reversed(trail)), []).append(option)
        else:
            top_level.append(option)
    choices: list = [("", _("Not sure — staff will choose"))]
    choices.extend(top_level)
    choices.extend((label, options) for label, options in groups.items())
    return choices


def area_choices() -> list:
    """Every area in tree order, indented by depth so the select reads like the tree."""
    choices: list = [("", _("Not sure"))]
    for area in geo_selectors.area_list():
        depth = max(area.path.strip("/").count("/"), 0)
        choices.append((str(area.pk), "\u00a0\u00a0\u00a0" * depth + geo_selectors.area_label(area)))
    return choices


class PhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def photo_help() -> str:
    return str(_("Up to %(n)d photos, at most %(mb)s MB each. Location and camera data are removed "
                 "from the photos.") % {"n": attachments.MAX_COUNT.get(),
                                        "mb": f"{float(attachments.MAX_MB.get()):g}"})


class SubmitForm(forms.Form):
    kind = forms.ChoiceField(label=_("What kind of request is it?"), choices=case_selectors.kind_choices,
                             initial="complaint")
    category = forms.ChoiceField(label=_("Topic"), required=False)
    area = forms.ChoiceField(label=_("Where is it?"), required=False)
    address = forms.CharField(label=_("Address or landmark"), required=False, max_length=ADDRESS_MAX,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    title = forms.CharField(label=_("Short title"), max_length=TITLE_MAX,
                            widget=forms.TextInput(attrs={"data-counter": ""}))
    body = forms.CharField(label=_("Describe the matter"), max_length=BODY_MAX,
                           widget=forms.Textarea(attrs={"rows": 8, "data-counter": ""}),
                           help_text=_("What happened, where and since when. Please do not include "
                                       "other people's personal data."))
    contact_name = forms.CharField(label=_("Your name"), required=False, max_length=100,
                                   widget=forms.TextInput(attrs={"autocomplete": "name"}))
    contact_phone = forms.CharField(label=_("Phone"), required=False, max_length=40,
                                    widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel",
                                                                  "inputmode": "tel"}))
    contact_email = forms.EmailField(label=_("Email"), required=False, max_length=254,
                                     widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    # The point picked on the map, in the map's coordinate system (converted to WGS84 below).
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    # One token per rendered form: a double-clicked or retried submit returns the first case.
    token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # Rendered here, read by the view (request.FILES): cases.attachments checks and re-encodes.
    photos = forms.FileField(label=_("Photos"), required=False, widget=PhotoInput(
        attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}))
    publish_consent = forms.BooleanField(
        label=_("Once resolved, my request may be published on the city's transparency pages"),
        required=False,
        help_text=_("Staff remove your name, phone number and other personal details before "
                    "anything is published. Your contact details are never published."))

    contact_fields = ("contact_name", "contact_phone", "contact_email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        self.fields["area"].choices = area_choices()
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4().hex)
        self.fields["photos"].help_text = photo_help()
        self.fields["photos"].widget.attrs.update({
            "data-max-mb": f"{float(attachments.MAX_MB.get()):g}",
            "data-too-big": str(_("Too large: it will be refused."))})

    def case_input(self, photos: list | None = None) -> CaseInput:
        d = self.cleaned_data
        lat, lon = d.get("latitude"), d.get("longitude")
        if lat is not None and lon is not None:
            lat, lon = geo_selectors.point_to_wgs84(lat, lon)
        return CaseInput(title=d["title"], body=d["body"], kind=d["kind"], category=d["category"] or None,
                         area=d["area"] or None, address=d["address"], channel="web",
                         latitude=lat, longitude=lon,
                         contact_name=d["contact_name"], contact_phone=d["contact_phone"],
                         contact_email=d["contact_email"], photos=list(photos or []),
                         publish_consent=bool(d.get("publish_consent")))

    def add_service_error(self, field: str | None, message) -> None:
        name = SERVICE_FIELDS.get(field or "", field)
        self.add_error(name if name in self.fields else None, str(message))

    def renew_token(self) -> None:
        """Give the re-rendered form a fresh token (the old one is bound to another submission)."""
        data = self.data.copy()
        data["token"] = uuid.uuid4().hex
        self.data = data

    @property
    def map_config_json(self) -> str:
        return json.dumps(self.map_config, ensure_ascii=False)

    @property
    def map_config(self) -> dict:
        """What the location picker's script needs (read from a JSON block: the CSP allows no
        inline script). No tile server by default: the boundaries are the map."""
        extent = geo_selectors.boundary_extent()
        system = geo_selectors.map_crs()
        bounds = None
        if extent is not None:
            south_west = geo_selectors.point_from_wgs84(extent[1], extent[0], system)
            north_east = geo_selectors.point_from_wgs84(extent[3], extent[2], system)
            bounds = [list(south_west), list(north_east)]
        return {"crs": system, "tiles": settings.SHIYU_MAP_TILES,
                "attribution": settings.SHIYU_MAP_ATTRIBUTION, "bounds": bounds,
                "boundaries_url": reverse("api:area-boundaries"), "lookup_url": reverse("api:area-lookup"),
                "strings": {"outside": str(_("This point is outside the city's areas.")),
                            "denied": str(_("Your location is not available. Click on the map instead.")),
                            "picked": str(_("Location set"))}}

    @property
    def main_fields(self):
        return [self[name] for name in ("kind", "category", "area", "address", "title", "body")]

    @property
    def contact_bound_fields(self):
        return [self[name] for name in self.contact_fields]


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=CODE_MAX, widget=forms.TextInput(
        attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}))

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).upper()


class FeedbackForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("Are you satisfied with the reply?"), widget=forms.RadioSelect,
                                     choices=[("satisfied", _("Satisfied")),
                                              ("unsatisfied", _("Not satisfied"))])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=NOTE_MAX,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why is the problem not solved?"), max_length=NOTE_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}))
