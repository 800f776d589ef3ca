"""Photos residents send with a case: checked, re-encoded, stored.

Every image is decoded by Pillow and written out again as a new JPEG. Nothing of the original
file survives but its pixels: EXIF (camera, time, GPS position), XMP, ICC comments and anything
appended after the image data are gone, and a file that only claims to be an image is refused.
Processing happens before the case's transaction (`photo_prepare`); the case and its attachment
rows then commit together (`store` is called inside `case_submit`).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from shiyu.core import citysettings, errors

MAX_MB = citysettings.declare(
    "attachments.max_mb", 8.0, gettext_lazy("Largest photo a resident may send, MB"),
    minimum=0.1, maximum=50)
MAX_COUNT = citysettings.declare(
    "attachments.max_count", 4, gettext_lazy("Most photos per request"), minimum=0, maximum=20)
MAX_SIDE = citysettings.declare(
    "attachments.max_side_px", 2048, gettext_lazy("Longest side of a stored photo, pixels"),
    minimum=320, maximum=8192)

# What a phone or a camera produces; anything else (SVG, TIFF, PDF…) is refused.
FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "MPO", "HEIF"})
# A decompression bomb (a tiny file that decodes to gigapixels) is refused before decoding.
MAX_PIXELS = 50_000_000
QUALITY = 85


@dataclass(frozen=True)
class PhotoUpload:
    """A checked and re-encoded photo, ready to be stored with its case."""

    sha256: str
    width: int
    height: int
    data: bytes = field(repr=False)
    content_type: str = "image/jpeg"

    @property
    def size(self) -> int:
        return len(self.data)


def _invalid(message: str) -> errors.InvalidInput:
    return errors.InvalidInput(message, field="photos")


def photo_prepare(data: bytes, *, name: str = "") -> PhotoUpload:
    """Check one uploaded file and re-encode it; InvalidInput (field "photos") when it is not a
    photo we accept. Pure: touches neither the database nor the storage."""
    label = name or _("the file")
    limit = float(MAX_MB.get())
    if len(data) > limit * 1024 * 1024:
        raise _invalid(_("%(name)s is larger than %(mb)s MB.") % {"name": label, "mb": f"{limit:g}"})
    if not data:
        raise _invalid(_("%(name)s is empty.") % {"name": label})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in FORMATS:
                raise _invalid(_("%(name)s is not a photo (JPEG, PNG, WebP or GIF).") % {"name": label})
            if probe.width * probe.height > MAX_PIXELS:
                raise _invalid(_("%(name)s has too many pixels.") % {"name": label})
            probe.verify()  # structure check; a verified image must be reopened to be decoded
            image: Image.Image = Image.open(io.BytesIO(data))
            image.load()
    except errors.InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise _invalid(_("%(name)s is not an image we can read.") % {"name": label}) from None
    # A phone stores "rotate me" in EXIF; apply it to the pixels, since the EXIF is dropped.
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, (255, 255, 255))
        image.paste(rgba, mask=rgba.getchannel("A"))
    side = int(MAX_SIDE.get())
    if max(image.size) > side:
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A fresh image carries no info dict; saving without exif=/icc_profile= writes none.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    clean.save(out, format="JPEG", quality=QUALITY, optimize=True)
    encoded = out.getvalue()
    return PhotoUpload(sha256=hashlib.sha256(encoded).hexdigest(), width=clean.width,
                       height=clean.height, data=encoded)


def photos_prepare(files: list[tuple[str, bytes]]) -> list[PhotoUpload]:
    """Several uploads (name, bytes) → photos; the count limit first, then each file."""
    limit = int(MAX_COUNT.get())
    if len(files) > limit:
        raise _invalid(_("Send at most %(n)d photos.") % {"n": limit})
    return [photo_prepare(data, name=name) for name, data in files]


def storage_name(photo: PhotoUpload) -> str:
    # Named by content: a retried submission writes the same file again, never a second one.
    return f"attachments/{photo.sha256[:2]}/{photo.sha256}.jpg"


def write(photo: PhotoUpload) -> str:
    name = storage_name(photo)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(photo.data))
        if saved != name:  # a concurrent writer won the race; keep one copy
            default_storage.delete(saved)
    return name


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def photos_from_uploads(files: list) -> list[PhotoUpload]:
    """Uploaded files (Django's UploadedFile) → photos. The size is checked before a byte is read,
    so an oversized upload costs no memory here."""
    limit = int(MAX_COUNT.get())
    if len(files) > limit:
        raise _invalid(_("Send at most %(n)d photos.") % {"n": limit})
    mb = float(MAX_MB.get())
    out = []
    for upload in files:
        name = getattr(upload, "name", "") or ""
        if upload.size is not None and upload.size > mb * 1024 * 1024:
            raise _invalid(_("%(name)s is larger than %(mb)s MB.") % {"name": name or _("the file"),
                                                                    "mb": f"{mb:g}"})
        out.append(photo_prepare(upload.read(), name=name))
    return out
