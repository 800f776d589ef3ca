"""Photos residents send: checked, re-encoded without EXIF/GPS, stored with the case, shown only
to the case's submitter (tracking code) and staff who may see the case."""

import io
import os
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from shiyu.accounts.services import config_save, system_user
from shiyu.cases import attachments
from shiyu.core import citysettings, errors
from shiyu.portal.tests.photos import GPS, MAKE, exif_of, jpeg_with_gps, png
from shiyu.portal.tests.test_portal import code_from, form_data

pytestmark = pytest.mark.django_db


def model(name):  # the portal may not import other apps' models (import-linter), tests included
    return apps.get_model("cases", name)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def set_city(key, value):
    config_save(actor=system_user(), obj=apps.get_model("core", "CitySetting")(key=key, value=value))
    citysettings.invalidate()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


# ---- the image pipeline (no database) -----------------------------------------------------------

def test_reencoding_strips_exif_and_gps_and_keeps_the_pixels():
    original = jpeg_with_gps(size=(64, 48))
    assert exif_of(original)[("gps", 2)] == GPS[2] and MAKE.encode() in original  # the premise
    photo = attachments.photo_prepare(original, name="p.jpg")
    assert exif_of(photo.data) == {}
    assert MAKE.encode() not in photo.data and b"Exif" not in photo.data
    image = Image.open(io.BytesIO(photo.data))
    assert image.format == "JPEG" and image.size == (64, 48) == (photo.width, photo.height)
    r, g, b = image.getpixel((32, 24))
    assert r > 150 and g < 80 and b < 80  # still the red picture


def test_orientation_is_applied_before_the_exif_is_dropped():
    photo = attachments.photo_prepare(jpeg_with_gps(size=(64, 48), orientation=6))
    assert (photo.width, photo.height) == (48, 64)


def test_png_with_transparency_becomes_a_jpeg():
    photo = attachments.photo_prepare(png(mode="RGBA"))
    assert Image.open(io.BytesIO(photo.data)).format == "JPEG"


def test_large_images_are_scaled_down(db):
    set_city("attachments.max_side_px", 400)
    photo = attachments.photo_prepare(jpeg_with_gps(size=(1600, 1200)))
    assert (photo.width, photo.height) == (400, 300)


@pytest.mark.parametrize("data", [b"%PDF-1.4 not an image", b"GIF89a" + b"\0" * 10, b"",
                                  b"<svg xmlns='http://www.w3.org/2000/svg'/>"])
def test_not_an_image_is_refused(data):
    with pytest.raises(errors.InvalidInput) as exc:
        attachments.photo_prepare(data, name="x.jpg")
    assert exc.value.field == "photos"


def test_a_truncated_jpeg_is_refused():
    data = jpeg_with_gps(size=(200, 200))
    with pytest.raises(errors.InvalidInput):
        attachments.photo_prepare(data[: len(data) // 2])


def test_size_limit_is_a_city_setting(db):
    noise = Image.frombytes("RGB", (400, 400), os.urandom(400 * 400 * 3))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=95)
    data = out.getvalue()
    assert len(data) > 150 * 1024
    attachments.photo_prepare(data)
    set_city("attachments.max_mb", 0.1)
    with translation.override("en"), pytest.raises(errors.InvalidInput, match="larger than 0.1 MB"):
        attachments.photo_prepare(data)


# ---- through the portal --------------------------------------------------------------------------

def test_submit_with_photos_stores_clean_copies_with_the_case(city, client, media):
    response = client.post("/submit/", {**form_data(city), "photos": [
        upload(jpeg_with_gps()), upload(png(), "b.png", "image/png")]})
    assert response.status_code == 302
    case = model("Case").objects.get(code=code_from(response))
    stored = list(model("Attachment").objects.filter(case=case))
    assert len(stored) == 2
    for row in stored:
        data = (Path(media) / row.file).read_bytes()
        assert exif_of(data) == {} and MAKE.encode() not in data
        assert row.size == len(data) and row.content_type == "image/jpeg" and not row.is_public


def test_retried_submit_with_the_same_photo_makes_one_case_and_one_photo(city, client, media):
    first = client.post("/submit/", {**form_data(city), "photos": [upload(jpeg_with_gps())]})
    second = client.post("/submit/", {**form_data(city), "photos": [upload(jpeg_with_gps())]})
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert model("Case").objects.count() == 1 and model("Attachment").objects.count() == 1
    assert len(list(Path(media).rglob("*.jpg"))) == 1


@pytest.mark.parametrize("make_upload,message", [
    (lambda: upload(b"this is a text file", "notes.jpg"), "is not an image we can read"),
    (lambda: upload(b"\xff\xd8" + b"\0" * (9 * 1024 * 1024), "huge.jpg"), "is larger than"),
])
def test_bad_photo_refuses_the_submission_and_saves_nothing(city, client, media, make_upload, message):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post("/submit/", {**form_data(city), "photos": [make_upload()]})
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html and 'id="id_photos_error"' in html
    assert model("Case").objects.count() == 0 and model("Attachment").objects.count() == 0
    assert not Path(media).exists() or not list(Path(media).rglob("*.*"))
    assert "工地夜间施工噪音扰民" in html  # what was typed is kept


def test_error_message_is_localised(city, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    response = client.post("/submit/", {**form_data(city), "photos": [upload(b"nope", "a.jpg")]})
    assert response.status_code == 422
    assert "不是" in response.content.decode()


def test_too_many_photos_are_refused(city, client):
    set_city("attachments.max_count", 1)
    response = client.post("/submit/", {**form_data(city), "photos": [
        upload(jpeg_with_gps()), upload(jpeg_with_gps(colour=(1, 2, 3)))]})
    assert response.status_code == 422 and model("Case").objects.count() == 0


def test_form_error_elsewhere_asks_for_the_photos_again(city, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post("/submit/", {**form_data(city, title=""), "photos": [upload(jpeg_with_gps())]})
    assert response.status_code == 422
    assert "Please choose your photos again" in response.content.decode()


def test_submitter_sees_own_photo_with_the_code_and_nobody_else_does(city, client):
    response = client.post("/submit/", {**form_data(city), "photos": [upload(jpeg_with_gps())]})
    code = code_from(response)
    photo = model("Attachment").objects.get()
    page = client.get(f"/track/{code}/").content.decode()
    assert f"/track/{code}/photos/{photo.pk}/" in page
    served = client.get(f"/track/{code}/photos/{photo.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert exif_of(b"".join(served)) == {}
    other = client.post("/submit/", form_data(city, token="other", title="另一件事"))
    assert client.get(f"/track/{code_from(other)}/photos/{photo.pk}/").status_code == 404
    assert client.get(f"/staff/cases/{photo.case_id}/photos/{photo.pk}/").status_code == 302  # sign in


def test_staff_who_see_the_case_see_its_photos(city, client):
    response = client.post("/submit/", {**form_data(city), "photos": [upload(jpeg_with_gps())]})
    case = model("Case").objects.get(code=code_from(response))
    photo = model("Attachment").objects.get()
    client.force_login(city.users["operator"])
    fragment = client.get(f"/staff/cases/{case.pk}/photos/").content.decode()
    assert f"/staff/cases/{case.pk}/photos/{photo.pk}/" in fragment
    assert client.get(f"/staff/cases/{case.pk}/photos/{photo.pk}/").status_code == 200
    client.force_login(city.users["operator_d2"])  # another district
    assert client.get(f"/staff/cases/{case.pk}/photos/").status_code == 404
    assert client.get(f"/staff/cases/{case.pk}/photos/{photo.pk}/").status_code == 404


# ---- through the JSON API --------------------------------------------------------------------------

def test_api_submit_accepts_base64_photos_and_strips_them(city, client, media):
    import base64

    payload = {"title": "路面塌陷", "body": "和平路中段路面塌陷。", "publish_consent": True,
               "photos": [base64.b64encode(jpeg_with_gps()).decode()]}
    response = client.post("/api/v1/cases", payload, content_type="application/json",
                           headers={"Idempotency-Key": "photo-1"})
    assert response.status_code == 201, response.content
    case = model("Case").objects.get(code=response.json()["code"])
    photo = model("Attachment").objects.get(case=case)
    assert exif_of((Path(media) / photo.file).read_bytes()) == {}
    assert model("Publication").objects.filter(case=case).exists()
    again = client.post("/api/v1/cases", payload, content_type="application/json",
                        headers={"Idempotency-Key": "photo-1"})
    assert again.status_code == 200 and model("Attachment").objects.count() == 1


@pytest.mark.parametrize("photo", ["not base64 at all!", "aGVsbG8gd29ybGQ="])  # the second: "hello world"
def test_api_bad_photo_is_a_422_and_nothing_is_saved(city, client, photo):
    response = client.post("/api/v1/cases", {"title": "路面塌陷", "body": "和平路。", "photos": [photo]},
                           content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["message"]
    assert model("Case").objects.count() == 0 and model("Attachment").objects.count() == 0
