"""Thresholds and limits an administrator tunes in the admin, declared next to the code that uses them.

A module declares its settings once at import time:

    DUE_SOON = citysettings.declare("deadlines.due_soon_hours", 4.0, _("Due soon, working hours"))

and reads them with `DUE_SOON.get()` (or `citysettings.get("deadlines.due_soon_hours")`). Only
overrides are stored (`core.CitySetting`); an undeclared or unparsable stored value is ignored and
the default used, so a bad row can never stop intake or a sweep. Values are read through a
RefCache: a change made in the admin is seen by this process at once and by others within
SHIYU_REFCACHE_SECONDS.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from shiyu.core.refcache import RefCache

log = logging.getLogger(__name__)

KINDS = (bool, int, float, str, list, dict)


@dataclass(frozen=True)
class Declared:
    key: str
    default: Any
    label: str | Promise
    help: str | Promise = ""
    minimum: float | None = None
    maximum: float | None = None

    @property
    def kind(self) -> type:
        return type(self.default)

    def parse(self, raw: Any) -> Any:
        """A stored or typed value as this setting's type; ValueError when it is not one."""
        if isinstance(raw, str) and self.kind is not str:
            raw = json.loads(raw) if raw.strip() else self.default
        if self.kind is bool:
            if not isinstance(raw, bool):
                raise ValueError("expected true or false")
            return raw
        if self.kind in (int, float):
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                raise ValueError("expected a number")
            value = self.kind(raw)
            if self.kind is int and value != raw:
                raise ValueError("expected a whole number")
            if self.minimum is not None and value < self.minimum:
                raise ValueError(f"at least {self.minimum}")
            if self.maximum is not None and value > self.maximum:
                raise ValueError(f"at most {self.maximum}")
            return value
        if not isinstance(raw, self.kind):
            raise ValueError(f"expected {self.kind.__name__}")
        return raw

    def get(self) -> Any:
        return get(self.key)


_REGISTRY: dict[str, Declared] = {}


def declare(key: str, default: Any, label: str | Promise, help: str | Promise = "", *,  # noqa: A002
            minimum: float | None = None, maximum: float | None = None) -> Declared:
    if type(default) not in KINDS:
        raise TypeError(f"{key}: unsupported setting type {type(default).__name__}")
    item = Declared(key, default, label, help, minimum, maximum)
    existing = _REGISTRY.get(key)
    if existing is not None and existing != item:
        raise ValueError(f"setting {key} declared twice with different defaults")
    _REGISTRY[key] = item
    return item


def declared() -> dict[str, Declared]:
    return dict(sorted(_REGISTRY.items()))


def _load() -> dict[str, Any]:
    from shiyu.core.models import CitySetting

    return dict(CitySetting.objects.values_list("key", "value"))


_stored: RefCache[dict[str, Any]] = RefCache(_load)


def get(key: str) -> Any:
    item = _REGISTRY[key]
    stored = _stored.get()
    if key not in stored:
        return item.default
    try:
        return item.parse(stored[key])
    except (ValueError, TypeError):
        log.warning("city setting %s holds an unusable value; using the default", key)
        return item.default


def invalidate() -> None:
    _stored.invalidate()
