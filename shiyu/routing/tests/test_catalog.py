"""The dispatch catalog: precedence, limits, conflicts and gaps, history, import/export, CLI, admin."""

import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from shiyu.accounts.services import system_user
from shiyu.audit.models import AuditEvent
from shiyu.cases.services import category_create
from shiyu.routing import catalog
from shiyu.routing.catalog_io import header
from shiyu.routing.models import DispatchRule, DispatchRuleRevision
from shiyu.routing.services import catalog_export, catalog_import, route_prepare, rule_delete, rule_save

pytestmark = pytest.mark.django_db

# The precedence fixture: one catalog that exercises every tie-break.
CSV_RULES = [
    # category, area, lead, assisting, ack, days, urgent ack, urgent days, note, active
    ["C02", "", "HBJ", "", "24", "10", "4", "", "环境", "1"],
    ["C02", "D01", "D01GOV", "HBJ", "", "8", "", "", "长安区属地", "1"],
    ["C020101", "", "JTJ", "", "", "", "", "2", "施工噪音（测试）", "1"],
    ["C020101", "D01S1", "CGJ", "HBJ;D01GOV", "12", "", "", "", "街道", "1"],
]


def csv_bytes(rows: list[list[str]], head: list[str] | None = None) -> bytes:
    lines = [",".join(head or header())] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows: list[list[object]], head: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(head or header())
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def rules(city):
    report = catalog_import(actor=None, data=csv_bytes(CSV_RULES), name="catalog.csv", replace=True)
    assert report.ok, report.errors
    assert report.created + report.updated == 4
    assert report.deactivated == DispatchRule.objects.filter(is_active=False).count() > 0
    return {
        (r.category.code if r.category else None, r.area.code if r.area else None): r
        for r in DispatchRule.objects.filter(is_active=True).select_related("category", "area")
    }


def grid_in(city, district_code: str):
    return next(
        g
        for g in city.grids
        if g.path.startswith(next(d for d in city.districts if d.code == district_code).path)
    )


def test_deepest_category_then_deepest_area_wins(city, rules):
    d = city.departments
    grid_d1, grid_d2 = grid_in(city, "D01"), grid_in(city, "D02")
    leaf, sibling = city.categories["C020101"], city.categories["C020102"]
    # Leaf rule in the street beats everything: deepest category, then deepest area.
    found = catalog.resolve(leaf.pk, grid_d1.pk)
    assert (found.department_id, found.rule_id) == (d["CGJ"].pk, rules[("C020101", "D01S1")].pk)
    assert set(found.assisting) == {d["HBJ"].pk, d["D01GOV"].pk}
    assert (found.matched_category_id, found.matched_area_id) == (
        leaf.pk,
        rules[("C020101", "D01S1")].area_id,
    )
    # Elsewhere the leaf rule for anywhere beats the top category's district rule:
    # a deeper category outranks a deeper area.
    assert catalog.resolve(leaf.pk, grid_d2.pk).department_id == d["JTJ"].pk
    # A sibling leaf without rules falls to its top category; in D01 the district rule wins.
    assert catalog.resolve(sibling.pk, grid_d1.pk).department_id == d["D01GOV"].pk
    assert catalog.resolve(sibling.pk, grid_d2.pk).department_id == d["HBJ"].pk
    assert catalog.resolve(sibling.pk, None).rule_id == rules[("C02", None)].pk


def test_limits_come_from_the_nearest_rule_that_sets_them_and_urgency_overrides(city, rules):
    leaf, grid_d1, grid_d2 = city.categories["C020101"], grid_in(city, "D01"), grid_in(city, "D02")
    found = catalog.resolve(leaf.pk, grid_d1.pk)
    # ack from the street rule (12); days: street rule empty → leaf rule empty → C02×D01 (8).
    assert (found.ack_hours, found.complete_days) == (12, 8)
    # Elsewhere: leaf rule sets neither → C02 anywhere (24 h, 10 days).
    assert (
        catalog.resolve(leaf.pk, grid_d2.pk).ack_hours,
        catalog.resolve(leaf.pk, grid_d2.pk).complete_days,
    ) == (24, 10)
    urgent = catalog.resolve(leaf.pk, grid_d2.pk, "urgent")
    assert (urgent.ack_hours, urgent.complete_days) == (4, 2)  # C02's urgent ack, the leaf's urgent days


def test_intake_gets_the_catalog_unit_and_limits(city, rules, submit_case):
    case = submit_case(category="C020101", area=grid_in(city, "D01").pk)
    assert case.suggested_department_id == city.departments["CGJ"].pk
    assert (case.ack_limit_hours, case.reply_limit_days) == (12, 8)
    fields = route_prepare({"category": city.categories["C020102"], "area": None, "urgency": "normal"})
    assert fields["suggested_department_id"] == city.departments["HBJ"].pk


def test_no_rule_falls_back_to_the_category_default(city, rules):
    found = catalog.resolve(city.categories["C030101"].pk, None)
    assert found.source == "category" and found.department_id == city.departments["JTJ"].pk
    assert found.ack_hours is None  # the case keeps the category's own limits


def test_conflicts_and_gaps_are_reported(city, rules):
    assert catalog.check().ok
    twin = rule_save(
        actor=None,
        rule=DispatchRule(
            category=city.categories["C02"], area=None, lead_department=city.departments["SWJ"]
        ),
    )
    report = catalog.check()
    assert [c["rule_ids"] for c in report.conflicts] == [[rules[("C02", None)].pk, twin.pk]]
    found = catalog.resolve(city.categories["C020102"].pk, None)
    assert found.conflict and found.rule_id == rules[("C02", None)].pk  # the older rule wins, flagged
    # A leaf with no rule and no default department anywhere up its tree is a gap in every district.
    top = category_create(code="C99", name="其他")
    leaf = category_create(code="C9901", name="其他事项", parent=top)
    report = catalog.check()
    assert {(g["category_id"], g["area_id"]) for g in report.gaps} == {
        (leaf.pk, d.pk) for d in city.districts
    }
    rule_save(
        actor=None,
        rule=DispatchRule(category=top, area=city.districts[0], lead_department=city.departments["MZJ"]),
    )
    assert {g["area_id"] for g in catalog.check().gaps} == {city.districts[1].pk}


def test_every_change_is_audited_with_a_per_rule_history(city):
    admin = city.users["admin"]
    rule = rule_save(
        actor=admin,
        rule=DispatchRule(category=city.categories["C0701"], lead_department=city.departments["SCJ"]),
    )
    rule.complete_days = 3
    rule_save(actor=admin, rule=rule, assisting=[city.departments["WLJ"]])
    history = list(DispatchRuleRevision.objects.filter(rule_id_ref=rule.pk).order_by("id"))
    assert [h.action for h in history] == ["create", "change"]
    assert history[1].changed == ["assisting_departments", "complete_days"]
    assert history[1].data["assisting_departments"] == ["WLJ"] and history[1].actor == admin
    rule_id = rule.pk
    rule_delete(actor=admin, rule=rule)
    assert DispatchRuleRevision.objects.filter(rule_id_ref=rule_id).count() == 3
    assert AuditEvent.objects.filter(verb__startswith="catalog.rule.", object_id=str(rule_id)).count() == 3


def test_someone_without_the_permission_cannot_edit(city):
    from shiyu.core import errors

    with pytest.raises(errors.Forbidden):
        rule_save(
            actor=city.users["dispatcher"],
            rule=DispatchRule(category=city.categories["C0701"], lead_department=city.departments["SCJ"]),
        )
    assert not DispatchRule.objects.filter(
        category=city.categories["C0701"], area=None, lead_department=city.departments["SCJ"], note=""
    ).exists()


def _state() -> tuple:
    return (
        tuple(
            DispatchRule.objects.order_by("pk").values_list(
                "pk", "lead_department_id", "complete_days", "is_active"
            )
        ),
        DispatchRuleRevision.objects.count(),
        AuditEvent.objects.count(),
    )


BAD_ROWS = [
    ["C01", "", "ZJJ", "", "24", "15", "", "", "", "1"],  # line 2: fine
    ["C0999", "", "ZJJ", "", "", "", "", "", "", "1"],  # line 3: unknown category
    ["C01", "", "NOPE", "", "", "", "", "", "", "1"],  # line 4: unknown department
    ["C02", "", "HBJ", "", "abc", "-3", "", "", "", "1"],  # line 5: two bad numbers
    ["C01", "", "CGJ", "", "", "", "", "", "", "1"],  # line 6: same cell as line 2
    ["C03", "", "", "", "", "", "", "", "", "maybe"],  # line 7: no lead, bad flag
]
EXPECTED = [
    (3, "category"),
    (4, "lead_department"),
    (5, "ack_hours"),
    (5, "complete_days"),
    (6, "category"),
    (7, "lead_department"),
    (7, "active"),
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_malformed_file_gives_a_row_report_and_changes_nothing(city, kind):
    before = _state()
    data = csv_bytes(BAD_ROWS) if kind == "csv" else xlsx_bytes(BAD_ROWS)
    report = catalog_import(actor=None, data=data, name=f"bad.{kind}", replace=True)
    assert [(line, column) for line, column, _m in report.errors] == EXPECTED
    assert "C0999" in report.errors[0][2]
    assert _state() == before


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"PK\x03\x04 not really a zip", "x.xlsx"),
        ("分类编码,颜色\nC01,红\n".encode(), "x.csv"),
        (b"\xff\xfe\x00bad", "x.csv"),
        (b"anything", "x.txt"),
    ],
)
def test_an_unreadable_file_is_refused_whole(city, data, name):
    before = _state()
    report = catalog_import(actor=None, data=data, name=name)
    assert not report.ok and report.errors[0][0] == 0
    assert _state() == before


def test_export_then_import_round_trips_and_dry_run_writes_nothing(city, rules):
    for name in ("catalog.xlsx", "catalog.csv"):
        report = catalog_import(actor=None, data=catalog_export(name=name), name=name, replace=True)
        assert report.ok and report.created == report.updated == report.deactivated == 0
        assert report.unchanged == DispatchRule.objects.count()
    before = _state()
    rows = [["C0701", "D02", "SCJ", "WLJ", "8", "5", "", "", "", "是"]]
    report = catalog_import(actor=None, data=xlsx_bytes(rows), name="new.xlsx", dry_run=True)
    assert report.ok and report.created == 1
    assert _state() == before
    report = catalog_import(actor=None, data=xlsx_bytes(rows), name="new.xlsx")
    assert (
        report.created == 1 and DispatchRule.objects.filter(category__code="C0701", area__code="D02").exists()
    )


def test_english_headers_are_accepted(city):
    head = ["category", "area", "lead_department", "assisting_departments", "complete_days"]
    report = catalog_import(
        actor=None, data=csv_bytes([["C0601", "D01", "WJW", "D01GOV", "5"]], head), name="en.csv"
    )
    assert report.ok and report.created == 1


def test_the_cli(city, rules, tmp_path, capsys):
    out = tmp_path / "catalog.xlsx"
    call_command("catalog", "export", str(out))
    assert out.stat().st_size > 0
    call_command("catalog", "check")
    assert "0 conflicts, 0 gaps" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(BAD_ROWS))
    before = _state()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("catalog", "import", str(bad))
    assert "line 3 [category]" in capsys.readouterr().err
    assert _state() == before
    call_command("catalog", "import", str(out), "--dry-run")
    assert "dry run" in capsys.readouterr().out
    rule_save(
        actor=system_user(),
        rule=DispatchRule(category=city.categories["C02"], lead_department=city.departments["SWJ"]),
    )
    with pytest.raises(SystemExit):
        call_command("catalog", "check")
    assert "CONFLICT C02" in capsys.readouterr().out
    call_command("catalog", "resolve", "C020101", "D01S1")
    assert '"department": "CGJ"' in capsys.readouterr().out


def test_admin_pages(city, rules, client):
    client.force_login(city.users["admin"])
    rule = rules[("C02", None)]
    assert client.get("/admin/routing/dispatchrule/").status_code == 200
    page = client.get("/admin/routing/dispatchrule/check/")
    assert page.status_code == 200 and "catalog-conflicts" not in page.content.decode()
    response = client.get(f"/admin/routing/dispatchrule/{rule.pk}/change/")
    assert response.status_code == 200
    form = {
        "category": rule.category_id,
        "area": "",
        "lead_department": city.departments["SWJ"].pk,
        "assisting_departments": [city.departments["HBJ"].pk],
        "ack_hours": "24",
        "complete_days": "9",
        "urgent_ack_hours": "4",
        "urgent_complete_days": "",
        "note": "改",
        "is_active": "on",
    }
    assert client.post(f"/admin/routing/dispatchrule/{rule.pk}/change/", form).status_code == 302
    rule.refresh_from_db()
    assert rule.lead_department == city.departments["SWJ"] and rule.complete_days == 9
    history = client.get(f"/admin/routing/dispatchrule/{rule.pk}/history/").content.decode()
    assert "rule-history" in history and "complete_days" in history and "admin" in history
    export = client.get("/admin/routing/dispatchrule/export/csv/")
    assert export.status_code == 200 and "分类编码" in export.content.decode("utf-8-sig")
    before = _state()
    upload = io.BytesIO(csv_bytes(BAD_ROWS))
    upload.name = "bad.csv"
    response = client.post("/admin/routing/dispatchrule/import/", {"file": upload})
    assert response.status_code == 422 and "import-errors" in response.content.decode()
    assert _state() == before
    upload = io.BytesIO(csv_bytes([["C0601", "", "WJW", "", "", "4", "", "", "", "1"]]))
    upload.name = "ok.csv"
    response = client.post("/admin/routing/dispatchrule/import/", {"file": upload})
    assert response.status_code == 302
    assert DispatchRule.objects.filter(category__code="C0601", complete_days=4).exists()
