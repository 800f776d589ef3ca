"""Test images: real JPEG/PNG bytes made with Pillow, some carrying EXIF with a GPS position."""

import io

from PIL import Image

MAKE = "PhoneMakerX"
GPS = {1: "N", 2: (31.0, 14.0, 5.0), 3: "E", 4: (121.0, 28.0, 3.0)}


def jpeg_with_gps(size=(64, 48), orientation: int | None = None, colour=(200, 30, 30)) -> bytes:
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x010F] = MAKE  # camera make
    if orientation:
        exif[0x0112] = orientation
    exif.get_ifd(0x8825).update(GPS)  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png(size=(40, 30), mode="RGBA") -> bytes:
    image = Image.new(mode, size, (10, 120, 60, 128) if mode == "RGBA" else (10, 120, 60))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def exif_of(data: bytes) -> dict:
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    return {**dict(exif), **{("gps", k): v for k, v in exif.get_ifd(0x8825).items()}}
