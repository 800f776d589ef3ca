"""Suggestions at intake time: the active model, loaded once per process and swapped on change.

Intake calls `suggest()` on every submission, so it must cost microseconds when nothing changed,
never raise, and never make a request wait while another thread loads a model: a thread that
finds the loader busy answers with the model it already has (or nothing). Whether the active
model changed is seen from the ACTIVE pointer and the model file's stat, checked at most every
SHIYU_ROUTING_MODEL_CHECK_SECONDS (1 s by default) so a retrain or `shiyu routing activate` in
another process is picked up without a restart.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from shiyu.routing.classifier import storage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Suggestion:
    label: str
    confidence: float


@dataclass
class _Loaded:
    key: tuple | None = None  # identity of what is loaded (or failed to load)
    model: Any = None
    info: dict | None = None
    checked_at: float = float("-inf")


_state = _Loaded()
_load_lock = threading.Lock()
_logged: set[tuple] = set()


def _check_seconds() -> float:
    return float(getattr(settings, "SHIYU_ROUTING_MODEL_CHECK_SECONDS", 1.0))


def _log_once(key: tuple, message: str, *args: Any) -> None:
    # A broken model would otherwise log on every submission; once per broken file is enough.
    if key not in _logged:
        _logged.add(key)
        log.warning(message, *args)


def _active_key() -> tuple | None:
    """What should be loaded: (directory, version, file identity), None when nothing is active."""
    directory = storage.model_dir()
    version = storage.active_version(directory)
    if version is None:
        return None
    path = storage.model_path(version, directory)
    try:
        st = os.stat(path)
    except OSError:
        return (str(directory), version, None)
    # ctime and mode too: a chmod that makes the file untrusted must be noticed.
    return (str(directory), version, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_mode)


def _current() -> Any:
    state = _state
    now = time.monotonic()
    if now - state.checked_at < _check_seconds():
        return state.model
    key = _active_key()
    if key == state.key:
        state.checked_at = now
        return state.model
    # Another thread is loading: answer with what we have rather than wait.
    if not _load_lock.acquire(blocking=False):
        return state.model
    try:
        if key == _state.key:  # loaded by another thread meanwhile
            return _state.model
        model, info = None, None
        if key is None:
            _log_once(
                ("none", str(storage.model_dir())),
                "routing classifier: no active model in %s; suggestions are off",
                storage.model_dir(),
            )
        else:
            version = key[1]
            try:
                model, info = storage.load_version(version, storage.model_dir())
            except Exception as exc:
                _log_once(
                    key, "routing classifier: model %s cannot be used (%s); suggestions are off", version, exc
                )
        _state.model, _state.info, _state.key, _state.checked_at = model, info, key, time.monotonic()
        return model
    finally:
        _load_lock.release()


def suggest(title: str, body: str, k: int = 3) -> list[Suggestion]:
    """The k most likely categories with calibrated confidences, best first; [] without a model."""
    try:
        model = _current()
        if model is None or k <= 0:
            return []
        return [
            Suggestion(label, confidence) for label, confidence in model.top_k(title or "", body or "", k)
        ]
    except Exception as exc:  # intake must never fail because of the classifier
        _log_once(
            ("predict", type(exc).__name__, _state.key), "routing classifier: prediction failed: %r", exc
        )
        return []


def active_model_info() -> dict | None:
    """Metadata of the model suggest() uses now (version, trained_at, metrics, path, size)."""
    try:
        _current()
        return dict(_state.info) if _state.info else None
    except Exception:
        return None


def warm_up() -> None:
    """Load the active model now rather than in some resident's first submission."""
    suggest("", "", 1)


def reset() -> None:
    """Forget the loaded model (tests; a process that changed the model directory setting)."""
    with _load_lock:
        _state.key, _state.model, _state.info, _state.checked_at = None, None, None, float("-inf")
        _logged.clear()
