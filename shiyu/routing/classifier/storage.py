"""Model files: versioned, with their metrics, one of them active.

Layout of the model directory (settings.SHIYU_ROUTING_MODEL_DIR, default VAR_DIR/models/routing):

    20261126-031500-1a2b.joblib   the fitted model (joblib pickle)
    20261126-031500-1a2b.json     its metadata: version, trained_at, source, n, labels, metrics, sha256
    ACTIVE                        the active version's name (replaced atomically)

A pickle runs code when it is loaded, so a model file is trusted exactly as much as the code in the
repository. Loading therefore refuses a file that anyone but its owner (this user or root) could
have written, a file inside a directory others may write to, and, for versions in the model
directory, a file whose SHA-256 differs from the one recorded when it was written. Never point the
model directory or `--model` at a download, an upload folder or a shared temporary directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

ACTIVE = "ACTIVE"
FORMAT = 1


class ModelFileError(Exception):
    """A model file that is missing, untrusted, corrupt or of another format."""


def model_dir() -> Path:
    configured = getattr(settings, "SHIYU_ROUTING_MODEL_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "models" / "routing"


def _valid_version(version: str) -> bool:
    return (
        bool(version) and all(ch.isalnum() or ch in "-_." for ch in version) and not version.startswith(".")
    )


def model_path(version: str, directory: Path | None = None) -> Path:
    if not _valid_version(version):
        raise ModelFileError(f"invalid model version {version!r}")
    return (directory or model_dir()) / f"{version}.joblib"


def meta_path(version: str, directory: Path | None = None) -> Path:
    return model_path(version, directory).with_suffix(".json")


def active_version(directory: Path | None = None) -> str | None:
    try:
        version = ((directory or model_dir()) / ACTIVE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return version if _valid_version(version) else None


def new_version() -> str:
    # Microseconds keep two trainings in the same second in order: versions sort by name.
    return timezone.now().strftime("%Y%m%d-%H%M%S-%f") + "-" + secrets.token_hex(2)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_trusted(path: Path) -> None:
    """Refuse files (and their folder) that someone other than us or root could have written."""
    me = os.geteuid() if hasattr(os, "geteuid") else None
    for target, what in ((path, "file"), (path.parent, "folder")):
        try:
            st = target.stat()
        except OSError as exc:
            raise ModelFileError(f"model {what} {target} not readable: {exc.strerror}") from exc
        if what == "file" and not stat.S_ISREG(st.st_mode):
            raise ModelFileError(f"{target} is not a regular file")
        if me is not None and st.st_uid not in (me, 0):
            raise ModelFileError(f"model {what} {target} belongs to another user; refusing to unpickle it")
        # A sticky folder such as /tmp is writable by all, but no one else may replace our file in it.
        if st.st_mode & stat.S_IWOTH and not (what == "folder" and st.st_mode & stat.S_ISVTX):
            raise ModelFileError(f"model {what} {target} is writable by anyone; refusing to unpickle it")


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def dump_file(model: Any, path: Path) -> int:
    """Write a model to `path` (atomically); its size in bytes."""
    import joblib

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    joblib.dump(model, tmp, compress=3)
    os.replace(tmp, path)
    return path.stat().st_size


def load_file(path: Path, expected_sha256: str | None = None) -> Any:
    """Load a model file after the trust checks above; ModelFileError on any problem."""
    import joblib

    from shiyu.routing.classifier.model import RoutingModel

    path = Path(path)
    _check_trusted(path)
    if expected_sha256 is not None and sha256_of(path) != expected_sha256:
        raise ModelFileError(f"{path} does not match the checksum recorded when it was written")
    try:
        model = joblib.load(path)
    except Exception as exc:
        raise ModelFileError(f"{path} is not a readable model file ({type(exc).__name__}: {exc})") from exc
    if not isinstance(model, RoutingModel):
        raise ModelFileError(f"{path} does not hold a routing model")
    if model.format != FORMAT:
        raise ModelFileError(f"{path} has model format {model.format}, this code reads {FORMAT}")
    return model


def save_version(
    model: Any, meta: dict[str, Any], *, directory: Path | None = None, activate: bool = False
) -> dict[str, Any]:
    """Store a model as a new version with its metadata; returns the metadata written."""
    directory = directory or model_dir()
    directory.mkdir(parents=True, exist_ok=True)
    version = new_version()
    path = model_path(version, directory)
    size = dump_file(model, path)
    meta = {**meta, "version": version, "format": FORMAT, "size": size, "sha256": sha256_of(path)}
    _atomic_write(
        meta_path(version, directory), json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True).encode()
    )
    if activate:
        activate_version(version, directory=directory)
    return meta


def read_meta(version: str, directory: Path | None = None) -> dict[str, Any]:
    path = meta_path(version, directory)
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"metadata {path} missing or unreadable") from exc
    if not isinstance(meta, dict) or meta.get("version") != version:
        raise ModelFileError(f"metadata {path} does not describe version {version}")
    return meta


def load_version(version: str, directory: Path | None = None) -> tuple[Any, dict[str, Any]]:
    """A stored version's model and its metadata (with path and size), checksum verified."""
    directory = directory or model_dir()
    meta = read_meta(version, directory)
    path = model_path(version, directory)
    model = load_file(path, expected_sha256=meta.get("sha256") or "")
    meta = {**meta, "path": str(path), "size": path.stat().st_size}
    return model, meta


def list_versions(directory: Path | None = None) -> list[dict[str, Any]]:
    """Every stored version's metadata, newest first, with `active` and `ok` (file present)."""
    directory = directory or model_dir()
    active = active_version(directory)
    out = []
    for meta_file in sorted(directory.glob("*.json"), reverse=True):
        version = meta_file.stem
        try:
            meta = read_meta(version, directory)
        except ModelFileError:
            continue
        path = model_path(version, directory)
        out.append({**meta, "path": str(path), "ok": path.is_file(), "active": version == active})
    return out


def activate_version(version: str, *, directory: Path | None = None) -> dict[str, Any]:
    """Make a stored version the active one, after checking that it loads."""
    directory = directory or model_dir()
    _, meta = load_version(version, directory)
    _atomic_write(directory / ACTIVE, (version + "\n").encode())
    return meta
