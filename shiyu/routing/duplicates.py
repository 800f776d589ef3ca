"""Near-duplicate detection: which recent cases may report the same matter.

Candidates come from the CaseSignature index by two indexed look-ups inside a time window:
the same h3 cell or its neighbours (when a location is given), and the same area and category.
They are ranked by text similarity: Jaccard over character bigrams (and single CJK-free words),
title and body weighted (a paraphrase keeps the place names and the key nouns, which bigrams catch
without a dictionary). The window, the cell resolution, the neighbour ring and the threshold are
city settings.
"""

from __future__ import annotations

import math
import operator
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

import h3
from django.utils.translation import gettext_lazy as _

from shiyu.core import citysettings

WINDOW_DAYS = citysettings.declare(
    "routing.duplicate_window_days", 30, _("Duplicates: look back this many days"), minimum=1, maximum=365
)
THRESHOLD = citysettings.declare(
    "routing.duplicate_threshold",
    0.35,
    _("Duplicates: minimum text similarity (0–1)"),
    minimum=0.0,
    maximum=1.0,
)
H3_RESOLUTION = citysettings.declare(
    "routing.duplicate_h3_resolution",
    9,
    _("Duplicates: h3 resolution of the location cells"),
    minimum=5,
    maximum=12,
)
RING = citysettings.declare(
    "routing.duplicate_ring", 1, _("Duplicates: rings of neighbouring cells searched"), minimum=0, maximum=3
)

MAX_SCAN = 200  # newest candidates read per look-up: bounds the work whatever the density
SHINGLE_TEXT = 160  # characters of the body that count: the matter is said at the start
TITLE_WEIGHT = 0.4
MAX_NEAR = 40  # best plain matches weighed again; the rest cannot win
PREFILTER = 0.6  # plain Jaccard below this share of the threshold is not worth weighting
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _PUNCT.sub("", text)


def shingle_set(text: str) -> frozenset[str]:
    return _bigrams(normalise(text))


def _bigrams(text: str) -> frozenset[str]:
    if len(text) < 2:
        return frozenset({text}) if text else frozenset()
    return frozenset(map(operator.add, text, text[1:]))  # C-level pairing: this runs ~1000× a check


def shingles(title: str, body: str) -> str:
    """What is stored: the normalised title, a tab, the normalised start of the body."""
    return normalise(title)[:200] + "\t" + normalise(body)[:SHINGLE_TEXT]


@dataclass(frozen=True)
class Query:
    title: frozenset[str]
    text: frozenset[str]
    raw: str = ""

    @cached_property
    def places(self) -> frozenset[str]:
        return anchors(self.raw)

    @classmethod
    def of(cls, title: str, body: str) -> Query:
        return cls.from_stored(shingles(title, body))

    @classmethod
    def from_stored(cls, stored: str) -> Query:
        title, _, body = stored.partition("\t")
        t = _bigrams(title)  # stored text is normalised already
        return cls(t, t | _bigrams(body), stored)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def similarity(a: Query, b: Query) -> float:
    return TITLE_WEIGHT * jaccard(a.title, b.title) + (1 - TITLE_WEIGHT) * jaccard(a.text, b.text)


def cell_of(lat: float | None, lon: float | None, resolution: int | None = None) -> int | None:
    if lat is None or lon is None:
        return None
    try:
        return h3.str_to_int(h3.latlng_to_cell(lat, lon, resolution or H3_RESOLUTION.get()))
    except (ValueError, h3.H3BaseException):
        return None


def nearby_cells(cell: int, ring: int | None = None) -> list[int]:
    return [h3.str_to_int(c) for c in h3.grid_disk(h3.int_to_str(cell), RING.get() if ring is None else ring)]


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Match:
    case_id: int
    score: float


def _fetch(*, since: datetime, now: datetime, cell: int | None, area_id: int | None,
           category_id: int | None) -> dict[int, str]:
    """The newest signatures near the place and in the same area × category, in the window.
    Raw SQL on purpose: at intake's rate the ORM's query building cost more than the index scans."""
    from django.db import connection

    from shiyu.routing.models import CaseSignature

    table = connection.ops.quote_name(CaseSignature._meta.db_table)
    window = [connection.ops.adapt_datetimefield_value(since), connection.ops.adapt_datetimefield_value(now)]
    ids: list[int] = []
    # Ids first, from the indexes alone (cell or area × category, then time, then the key):
    # sorting whole rows would read every signature of a busy cell in the window from the table.
    with connection.cursor() as cursor:
        if cell is not None:
            cells = nearby_cells(cell)
            marks = ", ".join(["%s"] * len(cells))
            cursor.execute(
                f"SELECT case_id FROM {table} WHERE cell IN ({marks}) AND submitted_at >= %s "  # noqa: S608
                f"AND submitted_at <= %s ORDER BY submitted_at DESC LIMIT {MAX_SCAN}",
                [*cells, *window],
            )
            ids.extend(r[0] for r in cursor.fetchall())
        if area_id is not None and category_id is not None:
            cursor.execute(
                f"SELECT case_id FROM {table} WHERE area_id = %s AND category_id = %s "  # noqa: S608
                f"AND submitted_at >= %s AND submitted_at <= %s ORDER BY submitted_at DESC LIMIT {MAX_SCAN}",
                [area_id, category_id, *window],
            )
            ids.extend(r[0] for r in cursor.fetchall())
        if not ids:
            return {}
        unique = sorted(set(ids))
        marks = ", ".join(["%s"] * len(unique))
        cursor.execute(f"SELECT case_id, shingles FROM {table} WHERE case_id IN ({marks})", unique)  # noqa: S608
        rows: dict[int, str] = dict(cursor.fetchall())
    return rows


# Where a matter is, as residents write it: a name ending in a road, street, estate or landmark
# word (解放路, 幸福小区, 公交站). Two reports that both name places, none of them the same, are
# about two places.
_PLACE_WORD = re.compile(r"大道|小区|花园|家园|公寓|广场|公园|市场|学校|小学|中学|医院|商场|"
                         r"大厦|园区|社区|胡同|[东南西北]门|路|街|巷|站|桥|村")
_NOT_NAME = frozenset("的与在及旁边对面附近里外前后上是了我你他她它这那有个口从到往")
DIFFERENT_PLACE = 0.5  # score factor when both name places and share none


def anchors(text: str) -> frozenset[str]:
    out = set()
    prev = 0
    for m in _PLACE_WORD.finditer(text):
        i = m.start()
        lo = max(prev, i - 4)
        while i > lo and text[i - 1] not in _NOT_NAME and "\u4e00" <= text[i - 1] <= "\u9fff":
            i -= 1
        if i < m.start():  # a bare 路 or 小区 names no particular place
            out.add(text[i:m.end()])
        prev = m.end()
    return frozenset(out)


def _weighted(query: frozenset[str], other: frozenset[str], inside: dict[str, float],
              outside: dict[str, float]) -> float:
    """Weighted Jaccard of `query` and `other`, each bigram weighted by its rarity among the
    neighbours other than `other`."""
    shared = sum(inside[g] for g in query & other)
    total = sum(inside[g] for g in other) + sum(outside[g] for g in query - other)
    return shared / total if total else 0.0


def rank(query: Query, candidates: list[tuple[int, Query]], threshold: float) -> list[Match]:
    """Score candidates against the query, best first, keeping those at or above `threshold`.

    Plain bigram Jaccard first (cheap, C set operations) to drop the clearly different; then the
    few left are scored again with each bigram weighted by how rare it is among all the
    candidates: in one neighbourhood everyone writes 路灯不亮 or 噪音扰民, so those bigrams say
    little, while a street or landmark name says much.
    """
    plain = [(similarity(query, q), cid, q) for cid, q in candidates]
    near = [(cid, q) for score, cid, q in sorted(plain, key=lambda x: -x[0])[:MAX_NEAR]
            if score >= threshold * PREFILTER]
    if not near:
        return []
    focus = query.text.union(*(q.text for _, q in near))
    df: Counter[str] = Counter()
    for _cid, q in candidates:
        df.update(q.text & focus)
    others = len(candidates) - 1
    # Rarity among the *other* neighbours (a candidate does not count for itself): with none,
    # every bigram weighs the same. `inside[g]` is g's weight seen from a candidate holding it.
    outside = {g: math.log(2 + others / (1 + df[g])) for g in focus}
    inside = {g: math.log(2 + others / max(1, df[g])) for g in focus}
    out = []
    for cid, q in near:
        score = TITLE_WEIGHT * _weighted(query.title, q.title, inside, outside) + (
            1 - TITLE_WEIGHT) * _weighted(query.text, q.text, inside, outside)
        if query.places and q.places and not query.places & q.places:
            score *= DIFFERENT_PLACE
        if score >= threshold:
            out.append(Match(cid, score))
    out.sort(key=lambda m: (-m.score, -m.case_id))
    return out


def find(*, title: str, body: str, now: datetime, cell: int | None, area_id: int | None,
         category_id: int | None, exclude: int | None = None, limit: int = 5,
         threshold: float | None = None) -> list[Match]:
    """Recent cases that may report the same matter, best first (reads CaseSignature only)."""
    threshold = THRESHOLD.get() if threshold is None else threshold
    rows = _fetch(since=now - timedelta(days=WINDOW_DAYS.get()), now=now, cell=cell, area_id=area_id,
                  category_id=category_id)
    rows.pop(exclude, None)  # type: ignore[arg-type]
    if not rows:
        return []
    candidates = [(case_id, Query.from_stored(stored)) for case_id, stored in rows.items()]
    return rank(Query.of(title, body), candidates, threshold)[:limit]
