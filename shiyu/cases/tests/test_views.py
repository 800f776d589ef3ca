"""The staff workbench over HTTP: real database, the demo city, cases made through intake."""

import pytest
from django.urls import reverse

from shiyu.audit.models import AuditEvent
from shiyu.cases import services
from shiyu.cases.models import Case, CaseEvent

HTMX_PANEL = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "case-panel"}


@pytest.fixture
def login(client):
    """Sign in as a demo user; pages in English so the assertions read the msgids."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def as_(user):
        client.force_login(user)
        return client

    return as_


def _accepted(city, case):
    return services.case_accept(actor=city.users["operator"], case_id=case.pk)


def _dispatched(city, case, dept="HBJ"):
    _accepted(city, case)
    return services.case_dispatch(actor=city.users["dispatcher"], case_id=case.pk,
                                  lead_department=city.departments[dept])


def _state(case):
    return Case.objects.values_list("state", flat=True).get(pk=case.pk)


# ---- access --------------------------------------------------------------------------------

def test_anonymous_is_sent_to_sign_in(client, city):
    response = client.get(reverse("cases:workbench"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_resident_gets_no_workbench(login, city, submit_case):
    case = submit_case()
    client = login(city.users["resident"])
    assert client.get(reverse("cases:workbench")).status_code == 404
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 404
    response = client.post(reverse("cases:case-action", args=[case.pk, "accept"]),
                           {"version": case.version})
    assert response.status_code == 404
    assert _state(case) == "submitted"


def test_handler_of_another_department_gets_404(login, city, submit_case):
    case = _dispatched(city, submit_case(), "HBJ")
    client = login(city.users["handler_jtj"])
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 404
    response = client.post(reverse("cases:case-action", args=[case.pk, "acknowledge"]),
                           {"version": case.version})
    assert response.status_code == 404
    assert client.post(reverse("cases:case-contact", args=[case.pk])).status_code == 404
    assert _state(case) == "dispatched"
    assert not AuditEvent.objects.filter(verb="case.contact.view").exists()
    # The HBJ handler sees it, with the action to take it on.
    page = login(city.users["handler"]).get(reverse("cases:case", args=[case.pk]))
    assert page.status_code == 200
    assert 'id="action-acknowledge"' in page.content.decode()


def test_district_operator_sees_only_own_district(login, city, submit_case):
    case = submit_case(area=city.grids[0].pk)  # district 1
    other = submit_case(title="码头路灯不亮", area=city.grids[1].pk)  # district 2
    client = login(city.users["operator_d2"])
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 404
    listing = client.get(reverse("cases:workbench"), {"queue": "all"}).content.decode()
    assert case.code not in listing
    assert other.code in listing


# ---- workbench -----------------------------------------------------------------------------

def test_operator_sees_to_accept_queue_with_the_case(login, city, submit_case):
    case = submit_case()
    response = login(city.users["operator"]).get(reverse("cases:workbench"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="tab-to_accept" href="?queue=to_accept" class="active"' in html
    assert 'id="tab-to_dispatch"' not in html  # operators do not dispatch
    assert case.code in html
    assert f'href="{reverse("cases:case", args=[case.pk])}"' in html
    assert 'class="badge state-submitted"' in html
    assert 'id="bulk-accept"' in html and 'id="bulk-dispatch"' not in html
    assert "<script>" not in html and "style=" not in html


def test_search_by_chinese_word(login, city, submit_case):
    case = submit_case()
    client = login(city.users["operator"])
    url = reverse("cases:workbench")
    assert case.code in client.get(url, {"queue": "all", "q": "摊贩"}).content.decode()
    assert case.code not in client.get(url, {"queue": "all", "q": "噪音"}).content.decode()


def test_filter_swaps_only_the_table_under_htmx(login, city, submit_case):
    case = submit_case()
    submit_case(title="工地夜间施工噪音", body="凌晨两点还在打桩。", category="C020101")
    response = login(city.users["operator"]).get(
        reverse("cases:workbench"), {"queue": "to_accept", "category": city.categories["C01"].pk},
        HTTP_HX_REQUEST="true", HTTP_HX_TARGET="case-table")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="filter-form"' not in html
    assert case.code in html
    assert html.count('name="case_ids"') == 1  # the noise case is in another category


def test_bad_filter_values_are_ignored(login, city, submit_case):
    case = submit_case()
    response = login(city.users["operator"]).get(
        reverse("cases:workbench"), {"queue": "nonsense", "category": "x", "page": "999"})
    assert response.status_code == 200
    assert case.code in response.content.decode()


def test_pagination_25_per_page(login, city, submit_case):
    for i in range(27):
        submit_case(title=f"占道经营 {i}")
    client = login(city.users["operator"])
    first = client.get(reverse("cases:workbench")).content.decode()
    assert first.count('name="case_ids"') == 25
    assert "Page 1 of 2" in first
    second = client.get(reverse("cases:workbench"), {"queue": "to_accept", "page": 2}).content.decode()
    assert second.count('name="case_ids"') == 2


# ---- bulk ----------------------------------------------------------------------------------

def test_bulk_accept_three(login, city, submit_case):
    cases = [submit_case(title=f"占道经营{i}") for i in range(3)]
    client = login(city.users["operator"])
    response = client.post(reverse("cases:bulk"), {"action": "accept",
                                                   "case_ids": [c.pk for c in cases]}, follow=True)
    assert [_state(c) for c in cases] == ["accepted"] * 3
    assert "3 done, 0 failed" in response.content.decode()


def test_bulk_partial_failure_keeps_successes(login, city, submit_case):
    cases = [submit_case(title=f"占道经营{i}") for i in range(3)]
    _accepted(city, cases[1])
    response = login(city.users["operator"]).post(
        reverse("cases:bulk"), {"action": "accept", "case_ids": [c.pk for c in cases]}, follow=True)
    html = response.content.decode()
    assert "2 done, 1 failed" in html
    assert cases[1].code in html
    assert [_state(c) for c in cases] == ["accepted"] * 3


def test_bulk_dispatch(login, city, submit_case):
    cases = [submit_case(title=f"占道经营{i}") for i in range(2)]
    for case in cases:
        _accepted(city, case)
    client = login(city.users["dispatcher"])
    page = client.get(reverse("cases:workbench")).content.decode()
    assert 'id="tab-to_dispatch" href="?queue=to_dispatch" class="active"' in page
    assert 'id="bulk-dispatch"' in page and 'id="bulk-accept"' not in page
    response = client.post(reverse("cases:bulk"), {
        "action": "dispatch", "case_ids": [c.pk for c in cases],
        "lead_department": city.departments["CGJ"].pk,
        "assisting_departments": [city.departments["HBJ"].pk]}, follow=True)
    assert "2 done, 0 failed" in response.content.decode()
    for case in cases:
        case.refresh_from_db()
        assert case.state == "dispatched"
        assert case.lead_department == city.departments["CGJ"]
        assert list(case.assisting_departments.all()) == [city.departments["HBJ"]]


def test_bulk_action_the_user_lacks_is_refused(login, city, submit_case):
    case = submit_case()
    response = login(city.users["dispatcher"]).post(
        reverse("cases:bulk"), {"action": "accept", "case_ids": [case.pk]})
    assert response.status_code == 403
    assert _state(case) == "submitted"


# ---- case page and actions ----------------------------------------------------------------

def test_case_page_shows_only_the_users_actions(login, city, submit_case):
    case = submit_case(body="第一行\n<b>第二行</b>")
    html = login(city.users["operator"]).get(reverse("cases:case", args=[case.pk])).content.decode()
    assert 'id="case-state" class="badge state-submitted"' in html
    for action in ("accept", "reject", "merge", "comment"):
        assert f'id="action-{action}"' in html and f'id="do-{action}"' in html
    assert 'id="action-dispatch"' not in html
    assert f'name="version" value="{case.version}"' in html
    assert "第一行<br>&lt;b&gt;第二行&lt;/b&gt;" in html  # escaped, line breaks kept
    assert "Submitted" in html  # the timeline


def test_dispatch_form_defaults_to_the_suggested_department(login, city, submit_case):
    case = _accepted(city, submit_case())
    html = login(city.users["dispatcher"]).get(reverse("cases:case", args=[case.pk])).content.decode()
    suggested = city.departments["CGJ"].pk  # C010101 is under 市容管理 → CGJ
    assert case.suggested_department_id == suggested
    assert f'<option value="{suggested}" selected>' in html


def test_accept_by_post_changes_state(login, city, submit_case):
    case = submit_case()
    client = login(city.users["operator"])
    response = client.post(reverse("cases:case-action", args=[case.pk, "accept"]),
                           {"version": case.version, "note": "核实属实"})
    assert response.status_code == 302
    assert _state(case) == "accepted"
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.action, event.note, event.actor) == ("accept", "核实属实", city.users["operator"])


def test_accept_with_htmx_returns_the_fresh_panel(login, city, submit_case):
    case = submit_case()
    response = login(city.users["operator"]).post(
        reverse("cases:case-action", args=[case.pk, "accept"]), {"version": case.version}, **HTMX_PANEL)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="case-panel"')
    assert 'id="case-state" class="badge state-accepted"' in html
    assert 'id="action-accept"' not in html
    assert _state(case) == "accepted"


def test_stale_version_gives_409_and_changes_nothing(login, city, submit_case):
    case = submit_case()
    stale = case.version
    services.case_comment(actor=city.users["operator"], case_id=case.pk, text="先看看")  # bumps version
    events = CaseEvent.objects.count()
    client = login(city.users["operator"])
    response = client.post(reverse("cases:case-action", args=[case.pk, "accept"]), {"version": stale},
                           **HTMX_PANEL)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this case; reload and try again." in html
    case.refresh_from_db()
    assert f'name="version" value="{case.version}"' in html  # the reloaded panel can go on
    assert _state(case) == "submitted"
    assert CaseEvent.objects.count() == events
    # Without htmx: the same answer on the full page.
    response = client.post(reverse("cases:case-action", args=[case.pk, "accept"]), {"version": stale})
    assert response.status_code == 409
    assert "<html" in response.content.decode()


def test_missing_reason_gives_422_with_the_field_error(login, city, submit_case):
    case = submit_case()
    response = login(city.users["operator"]).post(
        reverse("cases:case-action", args=[case.pk, "reject"]), {"version": case.version, "reason": " "},
        **HTMX_PANEL)
    html = response.content.decode()
    assert response.status_code == 422
    assert "This field is required: reason" in html  # the label, in English
    assert "This field is required.<" not in html  # the service's message, not a second one
    assert "case-action-open" in html
    assert _state(case) == "submitted"


def test_action_without_the_role_gives_403(login, city, submit_case):
    case = _accepted(city, submit_case())
    response = login(city.users["operator"]).post(
        reverse("cases:case-action", args=[case.pk, "dispatch"]),
        {"version": case.version, "lead_department": city.departments["HBJ"].pk})
    assert response.status_code == 403
    assert _state(case) == "accepted"


def test_unknown_action_is_404(login, city, submit_case):
    case = submit_case()
    response = login(city.users["operator"]).post(
        reverse("cases:case-action", args=[case.pk, "delete"]), {"version": case.version})
    assert response.status_code == 404


def test_dispatch_from_the_case_page_shows_departments_in_the_timeline(login, city, submit_case):
    case = _accepted(city, submit_case())
    client = login(city.users["dispatcher"])
    response = client.post(reverse("cases:case-action", args=[case.pk, "dispatch"]), {
        "version": case.version, "lead_department": city.departments["CGJ"].pk,
        "assisting_departments": [city.departments["HBJ"].pk, city.departments["JTJ"].pk]},
        **HTMX_PANEL)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.state == "dispatched"
    assert {d.code for d in case.assisting_departments.all()} == {"HBJ", "JTJ"}
    html = response.content.decode()
    assert "Sent to the responsible department" in html
    assert city.departments["HBJ"].name_en in html


def test_handler_return_leaves_their_view(login, city, submit_case):
    case = _dispatched(city, submit_case(), "HBJ")
    response = login(city.users["handler"]).post(
        reverse("cases:case-action", args=[case.pk, "return"]),
        {"version": case.version, "reason": "不属于本单位职责"}, **HTMX_PANEL)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("cases:workbench")
    assert _state(case) == "accepted"


# ---- contact -------------------------------------------------------------------------------

def test_contact_is_masked_until_revealed_and_reveal_is_audited(login, city, submit_case):
    case = submit_case(contact_phone="13812345678")
    client = login(city.users["operator"])
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert "138****5678" in page
    assert "13812345678" not in page
    assert 'id="show-contact"' in page
    assert not AuditEvent.objects.filter(verb="case.contact.view").exists()

    response = client.post(reverse("cases:case-contact", args=[case.pk]),
                           HTTP_HX_REQUEST="true", HTTP_HX_TARGET="contact")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="contact"')
    assert "13812345678" in html and "陈先生" in html
    audit = AuditEvent.objects.get(verb="case.contact.view")
    assert (audit.actor, audit.object_id) == (city.users["operator"], str(case.pk))


def test_contact_hidden_from_roles_without_view_contact(login, city, submit_case):
    case = _accepted(city, submit_case())
    page = login(city.users["dispatcher"]).get(reverse("cases:case", args=[case.pk])).content.decode()
    assert 'id="show-contact"' not in page and "5678" not in page
    response = login(city.users["dispatcher"]).post(reverse("cases:case-contact", args=[case.pk]))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(verb="case.contact.view").exists()


def test_odd_input_never_breaks_the_pages(login, city, submit_case):
    case = submit_case()
    client = login(city.users["operator"])
    assert client.get(reverse("cases:case", args=[10**30])).status_code == 404
    response = client.post(reverse("cases:case-action", args=[case.pk, "accept"]), {"version": "abc"})
    assert response.status_code == 422
    response = client.post(reverse("cases:case-action", args=[case.pk, "merge"]),
                           {"version": case.version, "target": "not-a-number"})
    assert response.status_code == 422
    response = client.post(reverse("cases:bulk"), {"action": "accept", "case_ids": ["x", "²", str(10**30)]},
                           follow=True)
    assert response.status_code == 200
    assert client.get(reverse("cases:case-action", args=[case.pk, "accept"])).status_code == 405
    assert _state(case) == "submitted"


def test_merge_by_tracking_code_from_the_case_page(login, city, submit_case):
    first, duplicate = submit_case(), submit_case(title="同一处占道经营")
    client = login(city.users["operator"])
    response = client.post(reverse("cases:case-action", args=[duplicate.pk, "merge"]),
                           {"version": duplicate.version, "target": first.code.lower()})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.state == "merged" and duplicate.merged_into_id == first.pk
