"""Publishing resolved cases (consent, staff review, audit) and the public transparency pages."""

import re
import uuid

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from shiyu.cases import services
from shiyu.core import errors
from shiyu.portal.tests.photos import jpeg_with_gps
from shiyu.portal.tests.test_portal import NAME, PHONE, code_from, form_data

pytestmark = pytest.mark.django_db
CLEAN = {"title": "夜间施工噪音问题", "body": "小区旁工地夜间施工，影响居民休息。",
         "reply": "已责令施工单位夜间停工，并加强巡查。"}


def model(app, name="") -> type:
    return apps.get_model(app, name) if name else apps.get_model("cases", app)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def resolved(city, client, *, consent=True, photos=2, close=True):
    """A case sent through the portal (with or without consent), handled and, if asked, closed."""
    data = {**form_data(city, body=f"每天晚上十一点以后还在施工。我的电话 {PHONE}。", token=uuid.uuid4().hex),
            "photos": [SimpleUploadedFile(f"p{i}.jpg", jpeg_with_gps(colour=(i * 40, 10, 10)),
                                          content_type="image/jpeg") for i in range(photos)]}
    if consent:
        data["publish_consent"] = "on"
    case = model("Case").objects.get(code=code_from(client.post("/submit/", data)))
    services.case_accept(actor=city.users["operator"], case_id=case.pk)
    services.case_dispatch(actor=city.users["dispatcher"], case_id=case.pk,
                           lead_department=city.departments["HBJ"])
    services.case_acknowledge(actor=city.users["handler"], case_id=case.pk)
    services.case_reply(actor=city.users["handler"], case_id=case.pk, text="已责令施工单位夜间停工。")
    if close:
        services.case_resident_feedback(code=case.code, satisfaction="satisfied")
    return model("Case").objects.get(pk=case.pk)


def test_consent_is_recorded_only_when_ticked(city, client):
    with_consent = resolved(city, client, photos=0, close=False)
    client.cookies.clear()
    without = model("Case").objects.get(code=code_from(client.post("/submit/", form_data(
        city, token="t2", title="另一件事"))))
    assert model("Publication").objects.filter(case=with_consent, status="consented").exists()
    assert not model("Publication").objects.filter(case=without).exists()


def test_publish_needs_consent_a_closed_case_and_permission(city, client):
    operator = city.users["operator"]
    open_case = resolved(city, client, photos=0, close=False)
    with pytest.raises(errors.Conflict):
        services.publication_publish(actor=operator, case_id=open_case.pk, **CLEAN)
    refused = resolved(city, client, consent=False, photos=0)
    with pytest.raises(errors.Conflict):
        services.publication_publish(actor=operator, case_id=refused.pk, **CLEAN)
    case = resolved(city, client, photos=0)
    with pytest.raises((errors.Forbidden, errors.NotFound)):
        services.publication_publish(actor=city.users["handler"], case_id=case.pk, **CLEAN)
    with pytest.raises(errors.NotFound):
        services.publication_publish(actor=city.users["operator_d2"], case_id=case.pk, **CLEAN)
    assert not model("Publication").objects.filter(status="published").exists()


@pytest.mark.parametrize("field,text", [("body", f"请联系 {PHONE}"), ("reply", "邮件 chen@example.cn"),
                                        ("title", f"{NAME}反映噪音"), ("body", "")])
def test_text_with_personal_data_is_refused(city, client, field, text):
    case = resolved(city, client, photos=0)
    with pytest.raises(errors.InvalidInput) as exc:
        services.publication_publish(actor=city.users["operator"], case_id=case.pk, **{**CLEAN, field: text})
    assert exc.value.field == field
    assert model("Publication").objects.get(case=case).status == "consented"


def test_published_case_is_public_without_personal_data_and_audited(city, client):
    case = resolved(city, client, photos=2)
    first, second = model("Attachment").objects.filter(case=case).order_by("id")
    anonymous = client.__class__()
    client.force_login(city.users["operator"])
    assert case.code in client.get("/staff/publish/").content.decode()
    review = client.get(f"/staff/publish/{case.pk}/").content.decode()
    assert PHONE not in review.split('id="h-public"')[1]  # the starting text is masked
    response = client.post(f"/staff/publish/{case.pk}/", {**CLEAN, "photos": [str(first.pk)]})
    assert response.status_code == 302
    publication = model("Publication").objects.get(case=case)
    assert publication.status == "published" and publication.published_by == city.users["operator"]
    assert model("audit", "AuditEvent").objects.filter(verb="case.publish").count() == 1

    listing = anonymous.get("/transparency/cases/").content.decode()
    assert CLEAN["title"] in listing
    detail = anonymous.get(f"/transparency/cases/{publication.pk}/").content.decode()
    for secret in (NAME, PHONE, case.code, case.address, "施工。我的电话"):
        assert secret not in detail and secret not in listing
    assert CLEAN["reply"] in detail
    assert anonymous.get(f"/transparency/cases/{publication.pk}/photos/{first.pk}/").status_code == 200
    assert anonymous.get(f"/transparency/cases/{publication.pk}/photos/{second.pk}/").status_code == 404

    client.post(f"/staff/publish/{case.pk}/withdraw/")
    assert anonymous.get(f"/transparency/cases/{publication.pk}/").status_code == 404
    assert anonymous.get(f"/transparency/cases/{publication.pk}/photos/{first.pk}/").status_code == 404
    assert model("audit", "AuditEvent").objects.filter(verb="case.unpublish").count() == 1


def test_publish_form_shows_errors_and_changes_nothing(city, client):
    case = resolved(city, client, photos=0)
    client.force_login(city.users["operator"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(f"/staff/publish/{case.pk}/", {**CLEAN, "body": f"电话 {PHONE}"})
    assert response.status_code == 422
    assert "looks like a phone number" in response.content.decode()
    assert model("Publication").objects.get(case=case).status == "consented"


def test_unconsented_case_has_no_review_page(city, client):
    case = resolved(city, client, consent=False, photos=0)
    client.force_login(city.users["operator"])
    assert client.get(f"/staff/publish/{case.pk}/").status_code == 404


def test_transparency_page_shows_city_figures_without_personal_data(city, client, submit_case):
    from shiyu.insights.services import rollups_refresh_all

    for i in range(3):
        submit_case(title=f"噪音{i}", contact_name=f"王{i}{i}", contact_phone=f"1391234567{i}")
    rollups_refresh_all()
    response = client.get("/transparency/")
    assert response.status_code == 200
    html = response.content.decode()
    headline = re.search(r'<ul class="figures" id="headline">(.*?)</ul>', html, re.S).group(1)
    assert re.search(r'<span class="value">3</span>', headline)
    for i in range(3):
        assert f"王{i}{i}" not in html and f"1391234567{i}" not in html
    assert 'id="chart-config"' in html and "data-config=" in html
    assert "style=" not in html
    for days in ("30", "90", "bogus"):
        assert client.get(f"/transparency/?days={days}").status_code == 200


def test_reopen_window_is_a_city_setting(city, client):
    from shiyu.accounts.services import config_save, system_user
    from shiyu.core import citysettings

    case = resolved(city, client, consent=False, photos=0)
    assert 'id="reopen-form"' in client.get(f"/track/{case.code}/").content.decode()
    config_save(actor=system_user(), obj=model("core", "CitySetting")(key="cases.resident_reopen_days",
                                                                       value=0))
    citysettings.invalidate()
    model("Case").objects.filter(pk=case.pk).update(closed_at=case.closed_at.replace(year=2020))
    assert 'id="reopen-form"' not in client.get(f"/track/{case.code}/").content.decode()
    with pytest.raises(errors.Conflict):
        services.case_resident_reopen(code=case.code, reason="还是很吵")


@pytest.mark.parametrize("url", ["/transparency/", "/transparency/cases/", "/opendata/", "/account/signin/"])
def test_public_pages_have_no_inline_script_or_style(city, client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "style=" not in html and "onclick=" not in html.lower()
    assert all("src=" in t for t in re.findall(r"<script[^>]*>", html))
    assert "https://" not in html
