"""Attachments of project updates and of appeals: checked by content (not by the name a user
gave), stored under MEDIA_ROOT by their SHA-256 so that the same file twice is stored once."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiyu.core import citysettings
from shiyu.core.errors import InvalidInput

MAX_MB = citysettings.declare(
    "goals.attachment_max_mb", 10, gettext_lazy("Largest project attachment (MB)"), minimum=1, maximum=100
)
MAX_FILES = 5

# content type → (extension, a test on the first bytes)
TYPES = {
    "application/pdf": ("pdf", lambda head: head.startswith(b"%PDF-")),
    "image/png": ("png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "image/jpeg": ("jpg", lambda head: head.startswith(b"\xff\xd8\xff")),
    # Office files are zip archives; the extension tells which kind.
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "xlsx",
        lambda head: head.startswith(b"PK\x03\x04"),
    ),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "docx",
        lambda head: head.startswith(b"PK\x03\x04"),
    ),
}
BY_EXTENSION = {ext: ctype for ctype, (ext, _test) in TYPES.items()} | {"jpeg": "image/jpeg"}


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


@dataclass(frozen=True)
class Stored:
    file: str
    name: str
    content_type: str
    size: int
    sha256: str


def check(upload: Upload) -> str:
    """The content type of an acceptable upload, or InvalidInput."""
    limit = int(MAX_MB.get()) * 1024 * 1024
    if not upload.content:
        raise InvalidInput(_("The file %(name)s is empty.") % {"name": upload.name}, field="files")
    if len(upload.content) > limit:
        raise InvalidInput(
            _("The file %(name)s is larger than %(mb)d MB.") % {"name": upload.name, "mb": MAX_MB.get()},
            field="files",
        )
    ext = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    ctype = BY_EXTENSION.get(ext)
    if ctype is None or not TYPES[ctype][1](upload.content[:16]):
        raise InvalidInput(
            _("The file %(name)s is not a PDF, PNG, JPEG, XLSX or DOCX file.") % {"name": upload.name},
            field="files",
        )
    return ctype


def store(upload: Upload, content_type: str) -> Stored:
    digest = hashlib.sha256(upload.content).hexdigest()
    ext = TYPES[content_type][0]
    name = f"goals/{digest[:2]}/{digest}.{ext}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(upload.content))
    clean_name = "".join(ch for ch in upload.name if ch.isprintable() and ch not in "/\\")[:200] or digest
    return Stored(
        file=name, name=clean_name, content_type=content_type, size=len(upload.content), sha256=digest
    )


def check_all(uploads: Sequence[Upload]) -> list[tuple[Upload, str]]:
    """Every upload with its content type; one bad file (or too many) refuses them all."""
    if len(uploads) > MAX_FILES:
        raise InvalidInput(_("At most %(n)d files.") % {"n": MAX_FILES}, field="files")
    return [(u, check(u)) for u in uploads]


def attach(model: Any, checked: Sequence[tuple[Upload, str]], **owner: Any) -> None:
    """Store the checked files and record each as a `model` row belonging to `owner`."""
    for upload, ctype in checked:
        stored = store(upload, ctype)
        model.objects.create(
            **owner, file=stored.file, name=stored.name, content_type=stored.content_type,
            size=stored.size, sha256=stored.sha256,
        )
