"""The insights app's JSON API (mounted under /api/v1/): metrics scoped by the caller."""

from datetime import date

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.security import django_auth

from shiyu.accounts.auth import bearer
from shiyu.core.errors import InvalidInput
from shiyu.insights import selectors
from shiyu.insights.filters import metric_filter

router = Router(tags=["insights"])
# Session too: the leaders' dashboard calls these from the browser.
STAFF_AUTH = [bearer, django_auth]


class MetricQuery(Schema):
    start: str = ""
    end: str = ""
    area: str = ""
    category: str = ""
    department: str = ""
    kind: str = ""
    channel: str = ""


def _filter(query: MetricQuery) -> selectors.MetricFilter:
    return metric_filter(query.dict())


def _row(figures: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in figures.items()}


@router.get("/insights/metrics", auth=STAFF_AUTH, url_name="insights-metrics")
def insights_metrics(request, query: Query[MetricQuery]):
    """The metrics (keys and definitions: shiyu/insights/metrics.py) for a period and a cut,
    within what the caller may see; an area or unit outside it is 404."""
    f = _filter(query)
    figures = selectors.metrics_for_user(actor=request.auth, f=f)
    return {"start": f.start.isoformat(), "end": f.end.isoformat(), "metrics": figures}


@router.get("/insights/breakdown", auth=STAFF_AUTH, url_name="insights-breakdown")
def insights_breakdown(request, query: Query[MetricQuery], dimension: str = "department"):
    """The metrics per department | area | category | day."""
    if dimension not in selectors.DIMENSIONS:
        raise InvalidInput(_("Unknown dimension: use department, area, category or day."), field="dimension")
    f = _filter(query)
    rows = selectors.metrics_by(actor=request.auth, f=f, dimension=dimension)
    return {"start": f.start.isoformat(), "end": f.end.isoformat(), "dimension": dimension,
            "rows": [_row(r) for r in rows]}
