"""Map pages: the staff case map (markers, heat map, boundaries) and the public hotspot map.

The pages are shells: the data comes from the GeoJSON endpoints of shiyu/maps/api.py and the
boundaries endpoint of the geo API, fetched by static scripts (the CSP allows no inline script).
"""

import json

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from shiyu.cases.forms import FilterForm
from shiyu.cases.selectors import category_list
from shiyu.cases.views import staff_view
from shiyu.core.i18n import localized_name
from shiyu.maps import layers

DAY_CHOICES = [(7, "7"), (30, "30"), (90, "90"), (365, "365")]


def _config(**extra) -> str:
    config = layers.map_config()
    config.update({
        "boundaries_url": reverse("api:area-boundaries"),
        "strings": {"no_data": _("Nothing to show for these filters."),
                    "shown": _("%(shown)s of %(total)s located cases shown"),
                    "cases": _("cases"), "open": _("Open case"), "top": _("Most frequent")},
    }, **extra)
    return json.dumps(config, ensure_ascii=False)


@require_safe
@staff_view
def staff_map(request):
    form = FilterForm(request.GET)
    form.is_valid()
    return render(request, "maps/staff.html", {
        "form": form, "days": request.GET.get("days", "30"), "day_choices": DAY_CHOICES,
        "map_config_json": _config(cases_url=reverse("api:map-cases"), heat_url=reverse("api:map-heat"),
                              lookup_url=reverse("api:area-lookup")),
    })


@require_safe
def public_map(request):
    categories = [(c.pk, localized_name(c)) for c in category_list() if c.parent_id is None]
    return render(request, "maps/public.html", {
        "categories": categories, "day_choices": [c for c in DAY_CHOICES if c[0] <= 365],
        "map_config_json": _config(public_url=reverse("api:map-public")),
    })
