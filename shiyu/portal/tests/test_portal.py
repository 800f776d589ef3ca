"""The resident portal over HTTP, on a real database: submit, track, rate, reopen."""

import re

import pytest
from django.apps import apps
from django.core.cache import cache
from django.urls import reverse

from shiyu.cases import services

PHONE = "13812345678"
NAME = "陈先生"


def Case():  # noqa: N802 — the portal may not import cases.models (import-linter), tests included
    return apps.get_model("cases", "Case")


@pytest.fixture
def en_client(client):
    """A client whose browser asks for English, so messages can be checked by their msgid."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()  # rate-limit counters live in the cache
    yield
    cache.clear()


def tag(html: str, element_id: str) -> str:
    """The opening tag of the element with this id."""
    match = re.search(rf'<[a-z]+ [^>]*id="{element_id}"[^>]*>', html)
    assert match, element_id
    return match.group(0)


def form_data(city, **overrides):
    data = {"kind": "complaint", "category": str(city.categories["C020101"].pk),
            "area": str(city.grids[0].pk), "address": "和平街道东苑社区3号楼",
            "title": "工地夜间施工噪音扰民", "body": "每天晚上十一点以后还在施工，影响休息。",
            "contact_name": NAME, "contact_phone": PHONE, "contact_email": "",
            "token": "5d0c1e7c6f1a4c0f9d1f0b1e2a3b4c5d"}
    data.update(overrides)
    return data


def code_from(response) -> str:
    match = re.search(r"/submitted/([A-Z0-9]+)/", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def replied_case(city, submit_case, reply="已责令施工单位夜间停工。"):
    case = submit_case(category="C020101")
    services.case_accept(actor=city.users["operator"], case_id=case.pk)
    services.case_dispatch(actor=city.users["dispatcher"], case_id=case.pk,
                           lead_department=city.departments["HBJ"])
    services.case_acknowledge(actor=city.users["handler"], case_id=case.pk)
    return services.case_reply(actor=city.users["handler"], case_id=case.pk, text=reply)


def closed_case(city, submit_case):
    case = replied_case(city, submit_case)
    return services.case_resident_feedback(code=case.code, satisfaction="satisfied")


# ---- pages render --------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/", "/submit/", "/track/", "/accounts/login/"])
def test_pages_render_without_inline_script_or_style(city, client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "style=" not in html and "onclick=" not in html.lower()
    # every <script> is a file of our own
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert "https://" not in html  # no CDN


def test_home_links_to_submit_and_track(city, client):
    html = client.get("/").content.decode()
    assert f'href="{reverse("portal:submit")}"' in html
    assert f'href="{reverse("portal:track")}"' in html


def test_submit_form_has_client_validation_and_default_ids(city, client):
    html = client.get("/submit/").content.decode()
    for field_id in ("id_kind", "id_category", "id_area", "id_address", "id_title", "id_body",
                     "id_contact_name", "id_contact_phone", "id_contact_email"):
        assert f'id="{field_id}"' in html
    assert 'id="submit-case"' in html
    title, body = tag(html, "id_title"), tag(html, "id_body")
    assert 'maxlength="200"' in title and " required" in title
    assert 'maxlength="5000"' in body and " required" in body
    assert 'type="email"' in tag(html, "id_contact_email")
    assert 'type="tel"' in tag(html, "id_contact_phone")
    assert " required" not in tag(html, "id_contact_phone")
    assert "<optgroup" in html and "施工噪音" in html
    assert re.search(r'<input type="hidden" name="token" value="[0-9a-f]{32}"', html)


# ---- submit ----------------------------------------------------------------------------------------

def test_submit_creates_exactly_one_web_case(city, client):
    response = client.post("/submit/", form_data(city))
    assert response.status_code == 302
    code = code_from(response)
    assert Case().objects.count() == 1
    case = Case().objects.get(code=code)
    assert case.channel == "web" and case.state == "submitted" and case.kind == "complaint"
    assert case.category.code == "C020101" and case.area == city.grids[0]
    assert case.contact_phone == PHONE and case.submitter is None

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(rf'id="tracking-code">{code}<', html)
    assert reverse("portal:track-detail", args=[code]) in html


def test_same_token_twice_makes_one_case(city, client):
    first = client.post("/submit/", form_data(city))
    second = client.post("/submit/", form_data(city))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Case().objects.count() == 1


def test_token_reused_for_different_content_asks_again_and_creates_nothing(city, client):
    client.post("/submit/", form_data(city))
    response = client.post("/submit/", form_data(city, title="另一件事"))
    assert response.status_code == 409
    assert Case().objects.count() == 1
    new_token = re.search(r'name="token" value="([0-9a-f]+)"', response.content.decode()).group(1)
    assert new_token != form_data(city)["token"]
    again = client.post("/submit/", form_data(city, title="另一件事", token=new_token))
    assert again.status_code == 302 and Case().objects.count() == 2


def test_different_tokens_make_different_cases(city, client):
    client.post("/submit/", form_data(city))
    client.post("/submit/", form_data(city, token="another-token"))
    assert Case().objects.count() == 2


def test_submit_without_token_still_works(city, client):
    response = client.post("/submit/", form_data(city, token=""))
    assert response.status_code == 302 and Case().objects.count() == 1


def error_next_to(html: str, field: str) -> bool:
    return bool(re.search(rf'<ul class="errorlist" id="id_{field}_error">', html)) and (
        f'aria-describedby="id_{field}_error"' in html or f'id_{field}_error' in html)


@pytest.mark.parametrize("overrides,field", [
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"body": "x" * 5001}, "body"),
    ({"title": "y" * 201}, "title"),
    ({"category": "999999"}, "category"),
    ({"area": "999999"}, "area"),
    ({"kind": "bogus"}, "kind"),
    ({"contact_email": "not-an-email"}, "contact_email"),
])
def test_invalid_input_is_shown_next_to_the_field_and_saves_nothing(city, client, overrides, field):
    response = client.post("/submit/", form_data(city, **overrides))
    assert response.status_code in (400, 422)
    html = response.content.decode()
    assert error_next_to(html, field), html
    assert 'aria-invalid="true"' in html
    assert Case().objects.count() == 0
    # what the resident typed is kept
    assert "和平街道东苑社区3号楼" in html


def test_service_validation_error_maps_to_the_form_field(city, client):
    # The form accepts any text for a phone; the intake service rejects letters.
    response = client.post("/submit/", form_data(city, contact_phone="call me maybe"))
    assert response.status_code == 422
    assert error_next_to(response.content.decode(), "contact_phone")
    assert Case().objects.count() == 0


def test_script_in_title_is_stored_as_text_and_rendered_escaped(city, client):
    title = "<script>alert(1)</script>"
    response = client.post("/submit/", form_data(city, title=title))
    code = code_from(response)
    assert Case().objects.get(code=code).title == title
    html = client.get(f"/track/{code}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_submit_is_rate_limited_for_anonymous_users(city, en_client, settings):
    client = en_client
    settings.SHIYU_RATE_SUBMIT = "1/m"
    assert client.post("/submit/", form_data(city)).status_code == 302
    response = client.post("/submit/", form_data(city, token="second"))
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert Case().objects.count() == 1


def test_signed_in_staff_are_not_rate_limited_on_submit(city, client, settings):
    settings.SHIYU_RATE_SUBMIT = "1/m"
    client.force_login(city.users["operator"])
    client.post("/submit/", form_data(city))
    assert client.post("/submit/", form_data(city, token="second")).status_code == 302
    assert Case().objects.count() == 2


# ---- track ----------------------------------------------------------------------------------------

def test_track_form_redirects_to_the_case(city, client, submit_case):
    case = submit_case()
    response = client.get("/track/", {"code": f" {case.code.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:track-detail", args=[case.code])


def test_track_form_unknown_code_shows_an_error(city, client):
    response = client.get("/track/", {"code": "NOSUCHCODE"})
    assert response.status_code == 404
    assert 'id="id_code_error"' in response.content.decode()


def test_track_is_rate_limited(city, en_client, submit_case, settings):
    client = en_client
    case = submit_case()
    settings.SHIYU_RATE_TRACK = "1/m"
    assert client.get(f"/track/{case.code}/").status_code == 200
    response = client.get(f"/track/{case.code}/")
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert client.get("/track/", {"code": case.code}).status_code == 429


def test_track_page_shows_state_but_no_personal_data(city, client, submit_case):
    case = submit_case(contact_email="chen@example.org")
    response = client.get(f"/track/{case.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'id="case-state" class="badge state-submitted"', html)
    assert case.title in html
    for secret in (PHONE, NAME, "chen@example.org", "5678"):
        assert secret not in html
    assert 'id="feedback-form"' not in html and 'id="reopen-form"' not in html


def test_track_page_shows_reply_department_and_timeline_without_staff_names(city, client, submit_case):
    case = replied_case(city, submit_case, reply="已责令施工单位<b>夜间停工</b>。")
    html = client.get(f"/track/{case.code}/").content.decode()
    assert 'class="badge state-replied"' in html
    reply = re.search(r'<div id="case-reply">(.*?)</div>', html, re.S).group(1)
    assert "已责令施工单位&lt;b&gt;夜间停工&lt;/b&gt;。" in reply
    assert "市生态环境局" in html  # the responsible department
    assert html.count('<li class="event-') == 5  # submit, accept, dispatch, acknowledge, reply
    for staff in ("王受理", "李派单", "张承办", "operator", "dispatcher", "handler"):
        assert staff not in html
    assert PHONE not in html and NAME not in html
    assert 'id="feedback-form"' in html
    assert reverse("portal:track-feedback", args=[case.code]) in html


def test_lowercase_code_redirects_to_canonical_address(city, client, submit_case):
    case = submit_case()
    response = client.get(f"/track/{case.code.lower()}/")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:track-detail", args=[case.code])


@pytest.mark.parametrize("url", ["/track/NOSUCHCODE/", "/submitted/NOSUCHCODE/"])
def test_unknown_code_is_404(city, en_client, url):
    client = en_client
    response = client.get(url)
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


@pytest.mark.parametrize("url", ["/track/NOSUCHCODE/feedback/", "/track/NOSUCHCODE/reopen/"])
def test_actions_on_unknown_code_are_404(city, client, url):
    response = client.post(url, {"satisfaction": "satisfied", "reason": "x"})
    assert response.status_code == 404


# ---- feedback and reopen --------------------------------------------------------------------------

def test_satisfied_feedback_closes_the_case(city, en_client, submit_case):
    client = en_client
    case = replied_case(city, submit_case)
    response = client.post(f"/track/{case.code}/feedback/", {"satisfaction": "satisfied", "comment": "谢谢"},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:track-detail", args=[case.code])
    case.refresh_from_db()
    assert case.state == "closed" and case.satisfaction == "satisfied"
    html = response.content.decode()
    assert 'class="badge state-closed"' in html
    assert "Thank you for your feedback." in html
    assert 'id="reopen-form"' in html and 'id="feedback-form"' not in html


def test_unsatisfied_feedback_reopens_the_case(city, client, submit_case):
    case = replied_case(city, submit_case)
    client.post(f"/track/{case.code}/feedback/", {"satisfaction": "unsatisfied", "comment": "还在施工"})
    case.refresh_from_db()
    assert case.state == "reopened" and case.satisfaction == "unsatisfied"


def test_feedback_without_a_choice_is_an_error_message(city, en_client, submit_case):
    client = en_client
    case = replied_case(city, submit_case)
    response = client.post(f"/track/{case.code}/feedback/", {"satisfaction": ""}, follow=True)
    assert "Choose satisfied or unsatisfied." in response.content.decode()
    assert 'class="msg-error"' in response.content.decode()
    case.refresh_from_db()
    assert case.state == "replied"


def test_feedback_in_the_wrong_state_is_an_error_message(city, client, submit_case):
    case = submit_case()
    response = client.post(f"/track/{case.code}/feedback/", {"satisfaction": "satisfied"})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:track-detail", args=[case.code])
    page = client.get(response["Location"]).content.decode()
    assert 'class="msg-error"' in page
    case.refresh_from_db()
    assert case.state == "submitted" and case.events.count() == 1


def test_reopen_on_a_closed_case(city, client, submit_case):
    case = closed_case(city, submit_case)
    response = client.post(f"/track/{case.code}/reopen/", {"reason": "噪音又出现了"}, follow=True)
    case.refresh_from_db()
    assert case.state == "reopened" and case.reopen_count == 1
    assert 'class="badge state-reopened"' in response.content.decode()
    assert 'class="msg-success"' in response.content.decode()


def test_reopen_needs_a_reason(city, client, submit_case):
    case = closed_case(city, submit_case)
    response = client.post(f"/track/{case.code}/reopen/", {"reason": "  "}, follow=True)
    assert 'class="msg-error"' in response.content.decode()
    case.refresh_from_db()
    assert case.state == "closed"


def test_reopen_is_post_only(city, client, submit_case):
    case = closed_case(city, submit_case)
    assert client.get(f"/track/{case.code}/reopen/").status_code == 405
    case.refresh_from_db()
    assert case.state == "closed"


# ---- language -------------------------------------------------------------------------------------

def test_chinese_is_the_default(city, client):
    html = client.get("/submit/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "占道经营" in html


def test_english_by_accept_language(city, client):
    html = client.get("/submit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "Submit a request" in html
    assert "Street vending" in html and "Chang&#x27;an District" in html
    assert "Complaint" in html


def test_english_by_language_cookie(city, client, submit_case):
    client.cookies["django_language"] = "en"
    case = submit_case()
    html = client.get(f"/track/{case.code}/").content.decode()
    assert '<html lang="en">' in html
    assert "Submitted" in html


# ---- staff sign in --------------------------------------------------------------------------------

def test_login_page_signs_staff_in_and_keeps_next(city, client):
    page = client.get("/accounts/login/?next=/staff/")
    html = page.content.decode()
    assert 'id="id_username"' in html and 'id="id_password"' in html
    assert 'name="next" value="/staff/"' in html
    response = client.post("/accounts/login/", {"username": "operator", "password": "shiyu-demo",
                                                "next": "/staff/"})
    assert response.status_code == 302 and response["Location"] == "/staff/"


def test_login_error_is_shown(city, client):
    response = client.post("/accounts/login/", {"username": "operator", "password": "wrong"})
    assert response.status_code == 200
    assert 'class="errorlist nonfield"' in response.content.decode()


def test_a_form_lookup_counts_once_against_the_track_limit(city, client, submit_case, settings):
    case = submit_case()
    settings.SHIYU_RATE_TRACK = "2/m"
    response = client.get("/track/", {"code": case.code}, follow=True)
    assert response.status_code == 200 and response.redirect_chain
    assert client.get(f"/track/{case.code}/").status_code == 200  # the second of two
    assert client.get(f"/track/{case.code}/").status_code == 429
