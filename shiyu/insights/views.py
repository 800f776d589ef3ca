"""The leaders' dashboard (/staff/insights/): a page rendered from the rollups; the charts and the
map are drawn by static scripts from the JSON block the page carries (no inline script)."""

import json
from datetime import date

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from shiyu.cases.forms import FilterForm
from shiyu.cases.views import staff_view
from shiyu.core import errors
from shiyu.geo import selectors as geo
from shiyu.insights import dashboard, metrics
from shiyu.insights.filters import metric_filter


def _map_config(days: int, f) -> dict:
    system = geo.map_crs()
    extent = geo.boundary_extent()
    bounds = None
    if extent is not None:
        west, south, east, north = extent
        (s, w), (n, e) = geo.point_from_wgs84(south, west, system), geo.point_from_wgs84(north, east, system)
        bounds = [[s, w], [n, e]]
    return {"crs": system, "tiles": getattr(settings, "SHIYU_MAP_TILES", ""),
            "attribution": getattr(settings, "SHIYU_MAP_ATTRIBUTION", ""), "bounds": bounds,
            "boundaries_url": reverse("api:area-boundaries"), "heat_url": reverse("api:map-heat"),
            # The heat endpoint scopes by the viewer itself; it counts the last `days` days.
            "heat_params": {k: str(v) for k, v in (("area", f.area_id), ("category", f.category_id),
                                                   ("department", f.department_id), ("kind", f.kind),
                                                   ("channel", f.channel), ("days", days)) if v},
            "strings": {"cases": _("cases"), "top": _("Most frequent"),
                                      "no_data": _("Nothing to show for these filters.")}}


@require_safe
@staff_view
def insights_dashboard(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET)
    form.is_valid()
    error = ""
    try:
        f = metric_filter(request.GET)
        data = dashboard.dashboard_data(actor=request.user, f=f,
                                        rank_by=request.GET.get("rank", "on_time_completion_rate"))
    except errors.InvalidInput as exc:
        error = str(exc.message)
        f = metric_filter({})
        data = dashboard.dashboard_data(actor=request.user, f=f)
    days = (date.fromisoformat(data["end"]) - date.fromisoformat(data["start"])).days + 1
    rank_label = str(metrics.LABELS[data["rank_by"]])
    charts = {
        "trend": data["trend"], "departments": data["departments"][:20], "rank_by": data["rank_by"],
        "strings": {"intake": str(metrics.LABELS["intake"]), "last_year": _("Same period last year"),
                    "completed": _("Completed"), "rank_label": rank_label},
    }
    return render(request, "insights/dashboard.html", {
        "form": form, "data": data, "error": error,
        "rank_choices": [(k, metrics.LABELS[k]) for k in dashboard.RANK_KEYS],
        "charts_json": json.dumps(charts, cls=DjangoJSONEncoder, ensure_ascii=False),
        "map_config_json": json.dumps(_map_config(days, f), ensure_ascii=False),
    })
