"""Address text → area, for cases that come with an address but no point.

The gazetteer holds every area's names (Chinese and English) and the place names administrators add
(roads, estates, landmarks → area). An address is scanned once for the longest names it contains;
each name found proposes its area(s). A name several areas share ("东苑社区" in two streets,
"第1网格" everywhere) is trusted only when an ancestor of one of them is named too; otherwise the
deepest area that the other names agree with wins. Nothing found, nothing assigned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shiyu.core.refcache import RefCache
from shiyu.geo.models import Area, PlaceName

MIN_NAME = 2  # one character matches everything in Chinese text


@dataclass(frozen=True)
class Gazetteer:
    pattern: re.Pattern | None
    areas_by_name: dict[str, tuple[tuple[int, str], ...]]  # name → ((area id, path), …)


def _load() -> Gazetteer:
    names: dict[str, set[tuple[int, str]]] = {}
    for pk, path, name, name_en in Area.objects.values_list("id", "path", "name", "name_en"):
        for value in (name, name_en):
            value = (value or "").strip().casefold()
            if len(value) >= MIN_NAME:
                names.setdefault(value, set()).add((pk, path))
    for name, pk, path in PlaceName.objects.values_list("name", "area_id", "area__path"):
        value = name.strip().casefold()
        if len(value) >= MIN_NAME:
            names.setdefault(value, set()).add((pk, path))
    if not names:
        return Gazetteer(None, {})
    # Longest first: at each position the regex engine takes the first alternative that matches.
    ordered = sorted(names, key=lambda n: (-len(n), n))
    pattern = re.compile("|".join(re.escape(n) for n in ordered))
    return Gazetteer(pattern, {n: tuple(sorted(v)) for n, v in names.items()})


gazetteer = RefCache(_load)


def match(text: str) -> int | None:
    """The area an address names, or None."""
    g = gazetteer.get()
    text = (text or "").casefold()
    if g.pattern is None or not text:
        return None
    found = [(m.group(0), g.areas_by_name[m.group(0)]) for m in g.pattern.finditer(text)]
    if not found:
        return None
    best: tuple | None = None
    for i, (name, areas) in enumerate(found):
        for pk, path in areas:
            support = sum(1 for j, (_n, others) in enumerate(found)
                          if j != i and any(path.startswith(p) and p != path for _pk, p in others))
            if len(areas) > 1 and support == 0:
                continue  # an ambiguous name alone says nothing
            key = (support, path.count("/"), len(name), -pk)
            if best is None or key > best[0]:
                best = (key, pk)
    return best[1] if best else None


def invalidate() -> None:
    gazetteer.invalidate()

