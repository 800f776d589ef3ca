"""Anonymised open data of every case (成果共享): `/opendata/cases.csv` and `/opendata/cases.json`.

What makes it safe to publish:
- no contact field, no submitter, no tracking code, no address, and no free text except the text
  staff reviewed and published (`cases.Publication`);
- places are generalised: the area at one level (street by default) and an h3 cell at a coarse
  resolution instead of the point;
- k-anonymity over area × category × day: a row whose cell holds fewer than k cases is left out
  (it could single out one household's complaint); among the rows kept, an h3 cell shared by
  fewer than k cases of that category that day is blanked.
The files are written daily by the worker (`portal.tasks.opendata_generate`) under
SHIYU_OPENDATA_DIR (VAR_DIR/opendata) and served from there; the first request generates them
if they are missing.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import h3
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shiyu.cases import selectors as case_selectors
from shiyu.cases import transparency
from shiyu.core import citysettings
from shiyu.geo import selectors as geo_selectors

K = citysettings.declare("opendata.k", 5, _("Open data: fewest cases in an area × category × day cell "
                                            "before it is published (k-anonymity)"), minimum=1, maximum=1000)
H3_RESOLUTION = citysettings.declare("opendata.h3_resolution", 7, _("Open data: h3 resolution of "
                                                                    "locations (7 ≈ 5 km²)"),
                                     minimum=0, maximum=9)
AREA_LEVEL = citysettings.declare("opendata.area_level", "street", _("Open data: area level published "
                                                                     "(district, street or community)"))
CATEGORY_LEVEL = citysettings.declare("opendata.category_level", 2, _("Open data: category level "
                                                                      "published (1 = top level)"),
                                      minimum=1, maximum=5)

FILES = {"csv": "cases.csv", "json": "cases.json"}

# (column, description): the column page renders these; CSV and JSON use the same names.
COLUMNS: list[tuple[str, Any]] = [
    ("record_id", _("A number for the row, stable between daily files. Not the tracking code.")),
    ("submitted_date", _("Day the request was received (local time, YYYY-MM-DD).")),
    ("kind", _("complaint, help, inquiry, suggestion, report or praise.")),
    ("channel", _("How it arrived: web, api, open311, hotline, import or reception.")),
    ("category_code", _("Topic, generalised to the published category level.")),
    ("category_name", _("Name of that topic.")),
    ("area_code", _("Administrative area at the published level (street by default).")),
    ("area_name", _("Name of that area.")),
    ("h3_cell", _("Hexagon (h3) containing the location, at a coarse resolution; empty when no "
                  "location was given or too few cases share the cell.")),
    ("state", _("Current state: submitted, accepted, dispatched, in_progress, replied, closed, "
                "reopened, rejected or merged.")),
    ("department", _("Lead department handling it.")),
    ("acknowledged_on_time", _("true/false: signed for by the department within its deadline; empty "
                               "while it is not due.")),
    ("replied_on_time", _("true/false: replied within the deadline; empty while it is not due.")),
    ("closed_date", _("Day it was closed, if it is.")),
    ("satisfaction", _("The resident's rating at follow-up: satisfied, unsatisfied or unreachable.")),
    ("first_contact", _("true when answered on first contact.")),
    ("reopen_count", _("Times it was reopened.")),
    ("published_title", _("Title reviewed by staff, only for cases whose submitter agreed to "
                          "publish; otherwise empty.")),
    ("published_text", _("Description reviewed by staff (same condition).")),
    ("published_reply", _("Reply reviewed by staff (same condition).")),
]
COLUMN_NAMES = [name for name, _doc in COLUMNS]


@dataclass(frozen=True)
class Options:
    k: int
    resolution: int
    area_level: str
    category_level: int

    @classmethod
    def current(cls) -> Options:
        return cls(k=int(K.get()), resolution=int(H3_RESOLUTION.get()), area_level=str(AREA_LEVEL.get()),
                   category_level=int(CATEGORY_LEVEL.get()))


def _area_map(level: str) -> dict[int, tuple[str, str]]:
    """area id → (code, name) of its ancestor at `level` (itself when it is above that level)."""
    areas = list(geo_selectors.area_list())
    out = {}
    for area in areas:
        chain = geo_selectors.area_ancestry(area)
        chosen = next((a for a in chain if a.level == level), chain[-1] if chain else area)
        out[area.pk] = (chosen.code, chosen.name)
    return out


def _category_map(level: int) -> dict[int, tuple[str, str]]:
    categories = {c.pk: c for c in case_selectors.category_list()}
    out = {}
    for pk, category in categories.items():
        chosen = category
        while chosen.level > level and chosen.parent_id in categories:
            chosen = categories[chosen.parent_id]
        out[pk] = (chosen.code, chosen.name)
    return out


def _day(value: datetime | None) -> str:
    return timezone.localdate(value).isoformat() if value else ""


def _on_time(done: datetime | None, due: datetime | None, now: datetime) -> bool | None:
    if due is None:
        return None
    if done is not None:
        return done <= due
    return False if now > due else None


def _cell(lat: float | None, lon: float | None, resolution: int) -> str:
    if lat is None or lon is None:
        return ""
    try:
        return h3.latlng_to_cell(lat, lon, resolution)
    except (ValueError, h3.H3BaseException):
        return ""


def anonymise(raw: Iterable[dict[str, Any]], *, options: Options, areas: dict[int, tuple[str, str]],
              categories: dict[int, tuple[str, str]], now: datetime) -> tuple[list[dict[str, Any]], int]:
    """Raw case rows (cases.transparency.open_data_rows) → (published rows, rows suppressed)."""
    rows = []
    for r in raw:
        area_code, area_name = areas.get(r["area_id"], ("", "")) if r["area_id"] else ("", "")
        cat_code, cat_name = categories.get(r["category_id"], ("", "")) if r["category_id"] else ("", "")
        published = r.get("publication__status") == "published"
        rows.append({
            "record_id": r["pk"],
            "submitted_date": _day(r["submitted_at"]),
            "kind": r["kind"],
            "channel": r["channel"],
            "category_code": cat_code,
            "category_name": cat_name,
            "area_code": area_code,
            "area_name": area_name,
            "h3_cell": _cell(r["latitude"], r["longitude"], options.resolution),
            "state": r["state"],
            "department": r["lead_department__name"] or "",
            "acknowledged_on_time": _on_time(r["acknowledged_at"], r["ack_due_at"], now),
            "replied_on_time": _on_time(r["replied_at"], r["reply_due_at"], now),
            "closed_date": _day(r["closed_at"]),
            "satisfaction": r["satisfaction"] or "",
            "first_contact": bool(r["first_contact"]),
            "reopen_count": r["reopen_count"],
            "published_title": r["publication__title"] if published else "",
            "published_text": r["publication__body"] if published else "",
            "published_reply": r["publication__reply"] if published else "",
        })
    k = max(options.k, 1)
    cells = Counter((r["area_code"], r["category_code"], r["submitted_date"]) for r in rows)
    kept = [r for r in rows if cells[(r["area_code"], r["category_code"], r["submitted_date"])] >= k]
    hexes = Counter((r["h3_cell"], r["category_code"], r["submitted_date"]) for r in kept if r["h3_cell"])
    for r in kept:
        if r["h3_cell"] and hexes[(r["h3_cell"], r["category_code"], r["submitted_date"])] < k:
            r["h3_cell"] = ""
    return kept, len(rows) - len(kept)


def directory() -> Path:
    return Path(settings.SHIYU_OPENDATA_DIR)


def _write_atomic(path: Path, write) -> None:
    """Readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            write(out)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # a spreadsheet must not run a formula someone typed
    return value


def generate(target: Path | None = None) -> dict[str, Any]:
    """Write both files now; returns the metadata (also the head of the JSON file)."""
    target = target or directory()
    options = Options.current()
    now = timezone.now()
    rows, suppressed = anonymise(transparency.open_data_rows(), options=options,
                                 areas=_area_map(options.area_level),
                                 categories=_category_map(options.category_level), now=now)
    meta = {"generated_at": now.isoformat(timespec="seconds"), "rows": len(rows),
            "suppressed_rows": suppressed, "k": options.k, "h3_resolution": options.resolution,
            "area_level": options.area_level, "category_level": options.category_level,
            "columns": COLUMN_NAMES}

    def write_csv(out) -> None:
        out.write("\ufeff")  # Excel opens UTF-8 Chinese correctly only with a BOM
        writer = csv.writer(out)
        writer.writerow(COLUMN_NAMES)
        for row in rows:
            writer.writerow([_csv_value(row[c]) for c in COLUMN_NAMES])

    def write_json(out) -> None:
        json.dump({**meta, "records": rows}, out, ensure_ascii=False, separators=(",", ":"))

    _write_atomic(target / FILES["csv"], write_csv)
    _write_atomic(target / FILES["json"], write_json)
    _write_atomic(target / "meta.json", lambda out: json.dump(meta, out, ensure_ascii=False))
    return meta


def path_for(fmt: str) -> Path:
    """The file to serve, generated first if no worker has written it yet."""
    path = directory() / FILES[fmt]
    if not path.exists():
        generate()
    return path


def meta() -> dict[str, Any] | None:
    try:
        return json.loads((directory() / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
