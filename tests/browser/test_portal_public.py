"""The resident portal and the transparency pages in a real browser: a phone-sized submit with a
photo (its GPS stripped), the tracking page showing it, and the public pages (charts drawn under
the CSP, published cases, open data) with no personal data."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from shiyu.cases import services
from shiyu.cases.models import Attachment, Case, Publication
from shiyu.insights.services import rollups_refresh_all
from shiyu.portal.tests.photos import MAKE, exif_of, jpeg_with_gps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE_VIEWPORT = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE_VIEWPORT, is_mobile=True,
                                  has_touch=True, device_scale_factor=2, locale="zh-Hans",
                                  extra_http_headers={"Accept-Language": "zh-hans"})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.errors = errors
    yield page
    context.close()


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_submit_with_a_photo_on_a_phone(city, phone):
    page = phone
    page.goto("/submit/")
    assert no_horizontal_scroll(page)
    page.select_option("#id_area", value=str(city.grids[0].pk))
    page.fill("#id_title", "小区门口垃圾堆积")
    page.fill("#id_body", "东苑小区门口的垃圾三天没有清运，气味很大。")
    # Every input the resident uses has a label the screen reader announces.
    for field in ("id_title", "id_body", "id_photos", "id_publish_consent"):
        assert page.locator(f"label[for={field}]").count() == 1
    page.set_input_files("#id_photos", files=[{"name": "garbage.jpg", "mimeType": "image/jpeg",
                                               "buffer": jpeg_with_gps(size=(800, 600))}])
    preview = page.locator("#photo-preview li")
    preview.first.wait_for()
    assert "garbage.jpg" in preview.first.inner_text()
    page.check("#id_publish_consent")
    page.locator("#submit-case").tap()
    code = page.locator("#tracking-code").inner_text().strip()
    case = Case.objects.get(code=code)
    photo = Attachment.objects.get(case=case)
    stored = (Path(settings.MEDIA_ROOT) / photo.file).read_bytes()
    assert exif_of(stored) == {} and MAKE.encode() not in stored
    assert Image.open(io.BytesIO(stored)).size == (800, 600)
    assert Publication.objects.filter(case=case, status="consented").exists()

    page.goto(f"/track/{code}/")
    image = page.locator("#case-photos img").first
    image.wait_for()
    # A function, not an expression: Playwright evals a bare expression, which the CSP forbids.
    page.wait_for_function("() => document.querySelector('#case-photos img').naturalWidth > 0")
    assert no_horizontal_scroll(page)
    assert not [e for e in page.errors if "Content Security Policy" in e]


def test_a_file_that_is_not_an_image_is_refused_in_the_browser(city, phone):
    page = phone
    page.goto("/submit/")
    page.fill("#id_title", "路灯不亮")
    page.fill("#id_body", "解放路的路灯坏了。")
    page.set_input_files("#id_photos", files=[{"name": "notes.jpg", "mimeType": "image/jpeg",
                                               "buffer": b"just some text, not a picture"}])
    page.locator("#submit-case").tap()
    error = page.locator("#id_photos_error")
    error.wait_for()
    assert "notes.jpg" in error.inner_text()
    assert Case.objects.count() == 0
    assert page.input_value("#id_title") == "路灯不亮"


def test_public_pages_show_figures_and_published_cases_without_personal_data(city, submit_case, new_page):
    u = city.users
    for i in range(3):
        submit_case(title=f"噪音扰民{i}", contact_name=f"郭{i}明", contact_phone=f"1370000000{i}")
    case = submit_case(title="原始标题含个人信息", contact_name="郭大明", contact_phone="13711112222")
    Publication.objects.create(case=case, consented_at=case.submitted_at)
    services.case_accept(actor=u["operator"], case_id=case.pk)
    services.case_dispatch(actor=u["dispatcher"], case_id=case.pk, lead_department=city.departments["HBJ"])
    services.case_acknowledge(actor=u["handler"], case_id=case.pk)
    services.case_reply(actor=u["handler"], case_id=case.pk, text="已联系城管处理。")
    services.case_resident_feedback(code=case.code, satisfaction="satisfied")
    publication = services.publication_publish(actor=u["operator"], case_id=case.pk, title="人行道占道经营",
                                               body="人行道被摊点占用。", reply="城管已清理。")
    rollups_refresh_all()

    page = new_page("en")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/transparency/")
    page.wait_for_selector("#chart-trend canvas")
    page.wait_for_selector("#chart-departments canvas")
    assert page.locator("#headline .value").first.inner_text() == "4"
    html = page.content()
    for secret in ("郭大明", "13711112222", "郭0明", case.code, "原始标题含个人信息"):
        assert secret not in html
    assert not errors, errors

    page.click("#published-link")
    page.click("text=人行道占道经营")
    assert page.locator("#published-reply").inner_text().strip() == "城管已清理。"
    assert f"/transparency/cases/{publication.pk}/" in page.url
    assert "郭大明" not in page.content()

    page.goto("/opendata/")
    with page.expect_download() as download:
        page.click("text=Download CSV")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("record_id,submitted_date")
    for secret in ("郭大明", "13711112222", "1370000000", case.code):
        assert secret not in text
