"""`shiyu case …`: reads scoped by --as, writes through the services, domain errors exit 1."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shiyu.cases.models import Case


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("case", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_list_shows_what_the_user_may_see(city, submit_case):
    case = submit_case()
    text = run("list", "--as", "operator")
    assert case.code in text and "1 of 1 case(s)" in text
    assert case.code in run("list", "--as", "operator", "--queue", "to_accept", "--state", "submitted")
    assert case.code not in run("list", "--as", "operator", "--state", "closed")
    # The handler's units (HBJ, CGJ) have nothing yet: not dispatched.
    assert "0 of 0 case(s)" in run("list", "--as", "handler")
    rows = json.loads(run("list", "--as", "operator", "--json"))
    assert [r["code"] for r in rows] == [case.code]


def test_list_needs_a_user_and_a_known_state(city):
    with pytest.raises(CommandError, match="--as"):
        run("list")
    with pytest.raises(CommandError, match="unknown state"):
        run("list", "--as", "operator", "--state", "nonsense")
    with pytest.raises(CommandError, match="no active user"):
        run("list", "--as", "nobody")


def test_show_by_id_and_code_with_timeline(city, submit_case):
    case = submit_case()
    text = run("show", str(case.pk), "--as", "operator")
    assert case.title in text and "timeline:" in text and "submit" in text
    data = json.loads(run("show", case.code.lower(), "--as", "operator", "--json"))
    assert data["id"] == case.pk
    assert [e["action"] for e in data["timeline"]] == ["submit"]
    assert "accept" in data["actions"]


def test_show_hides_cases_out_of_scope(city, submit_case):
    case = submit_case()
    with pytest.raises(CommandError, match="not_found") as exc:
        run("show", str(case.pk), "--as", "handler")
    assert exc.value.returncode == 1


def test_do_walks_a_case_through_the_workflow(city, submit_case):
    case = submit_case()
    assert "submitted → accepted" in run("do", "accept", str(case.pk), "--as", "operator", "--version", "1")
    run("do", "dispatch", case.code, "--as", "dispatcher", "--lead", "CGJ", "--assist", "D01GOV")
    case.refresh_from_db()
    assert case.state == "dispatched" and case.lead_department.code == "CGJ"
    assert [d.code for d in case.assisting_departments.all()] == ["D01GOV"]
    run("do", "acknowledge", str(case.pk), "--as", "handler")
    run("do", "reply", str(case.pk), "--as", "handler", "--text", "已清理占道摊贩。")
    data = json.loads(run("do", "follow_up", str(case.pk), "--as", "operator", "--satisfaction", "satisfied",
                          "--json"))
    assert data["state"] == "closed" and data["satisfaction"] == "satisfied"
    assert list(case.events.values_list("action", flat=True)) == [
        "submit", "accept", "dispatch", "acknowledge", "reply", "follow_up"]


def test_do_reports_domain_errors_and_changes_nothing(city, submit_case):
    case = submit_case()
    with pytest.raises(CommandError, match="^error: illegal_transition: ") as exc:
        run("do", "follow_up", str(case.pk), "--as", "operator", "--satisfaction", "satisfied")
    assert exc.value.returncode == 1
    with pytest.raises(CommandError, match="^error: forbidden: "):
        run("do", "accept", str(case.pk), "--as", "dispatcher")
    with pytest.raises(CommandError, match="^error: conflict: "):
        run("do", "accept", str(case.pk), "--as", "operator", "--version", "7")
    with pytest.raises(CommandError, match="^error: invalid: "):
        run("do", "reject", str(case.pk), "--as", "operator")
    with pytest.raises(CommandError, match="required for this command"):
        run("do", "accept", str(case.pk))
    case.refresh_from_db()
    assert case.state == "submitted" and case.version == 1


def test_do_merge_by_code(city, submit_case):
    first, second = submit_case(), submit_case()
    run("do", "merge", str(second.pk), "--as", "operator", "--target", first.code)
    second.refresh_from_db()
    assert second.state == "merged" and second.merged_into_id == first.pk


def test_submit_registers_a_hotline_case(city):
    text = run("submit", "--as", "operator", "--title", "路灯不亮", "--body", "人民路路灯一周不亮。",
               "--category", "C010302", "--area", city.grids[0].code, "--kind", "help",
               "--phone", "13900001111", "--ticket", "RX1")
    case = Case.objects.get()
    assert case.code in text
    assert (case.channel, case.kind, case.category.code, case.external_ref) == ("hotline", "help", "C010302",
                                                                                 "RX1")
    with pytest.raises(CommandError, match="^error: invalid: "):
        run("submit", "--as", "operator", "--title", "x", "--body", "y", "--category", "NOPE")
