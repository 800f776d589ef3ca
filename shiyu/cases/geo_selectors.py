"""Reads of case locations for maps, scoped like the case list (the maps app reads only these).

Staff get points of the cases they may see, with what a marker needs and nothing more (no
contact, no body). The public gets bare coordinates and categories of cases that may be shown at
all, for the maps app to snap to hexagons: never a code, title or address.
"""

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from shiyu.cases.models import Case
from shiyu.cases.selectors import CaseFilters, case_list_for_user

# Not on public maps: refused and merged cases are not matters the city works on, and a report
# (举报) can point at the person who made it.
PUBLIC_EXCLUDED_STATES = ("rejected", "merged")
PUBLIC_EXCLUDED_KINDS = ("report",)
MARKER_FIELDS = ("id", "code", "title", "state", "kind", "category_id", "area_id", "latitude",
                 "longitude", "submitted_at", "is_problem")


def _period(qs: QuerySet[Case], since: datetime | None, until: datetime | None) -> QuerySet[Case]:
    if since is not None:
        qs = qs.filter(submitted_at__gte=since)
    if until is not None:
        qs = qs.filter(submitted_at__lt=until)
    return qs


def case_points_for_user(*, actor: Any, filters: CaseFilters | None = None, since: datetime | None = None,
                         until: datetime | None = None, limit: int = 5000) -> tuple[list[dict], int]:
    """Markers of the located cases this user may see (newest first, at most `limit`) and how many
    matched in all, so a map can say when it shows only part."""
    qs = _period(case_list_for_user(actor=actor, filters=filters), since, until).filter(
        latitude__isnull=False, longitude__isnull=False)
    total = qs.count()
    rows = list(qs.values(*MARKER_FIELDS)[:limit])
    return rows, total


def case_coordinates_for_user(*, actor: Any, filters: CaseFilters | None = None,
                              since: datetime | None = None,
                              until: datetime | None = None) -> list[tuple[float, float, int | None]]:
    """(lat, lon, category id) of every located case the user may see (heat maps)."""
    qs = _period(case_list_for_user(actor=actor, filters=filters), since, until).filter(
        latitude__isnull=False, longitude__isnull=False)
    return _coordinates(qs)


def _coordinates(qs: QuerySet[Case]) -> list[tuple[float, float, int | None]]:
    # The queryset filters out missing coordinates; the type checker cannot know that.
    return [(float(lat), float(lon), category) for lat, lon, category in  # type: ignore[arg-type]
            qs.order_by().values_list("latitude", "longitude", "category_id")]


def case_coordinates_public(*, category_path: str = "", since: datetime | None = None,
                            until: datetime | None = None) -> list[tuple[float, float, int | None]]:
    """(lat, lon, category id) of the located cases a public map may count; the caller must snap
    them to cells before anything leaves the server."""
    qs = _period(Case.objects.all(), since, until).filter(
        latitude__isnull=False, longitude__isnull=False).exclude(
        state__in=PUBLIC_EXCLUDED_STATES).exclude(kind__in=PUBLIC_EXCLUDED_KINDS)
    if category_path:
        qs = qs.filter(category__path__startswith=category_path)
    return _coordinates(qs)
