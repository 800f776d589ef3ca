"""The anonymised open data: no personal data, rare cells suppressed, served from daily files."""

import csv
import io
import json
import re

import pytest
from django.apps import apps
from django.utils import timezone

from shiyu.accounts.services import config_save, system_user
from shiyu.cases import services
from shiyu.core import citysettings
from shiyu.portal import opendata, tasks

pytestmark = pytest.mark.django_db
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫"
PHONE_RE = re.compile(r"1[3-9]\d{9}")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.SHIYU_OPENDATA_DIR = tmp_path / "opendata"
    return tmp_path


def set_city(key, value):
    config_save(actor=system_user(), obj=apps.get_model("core", "CitySetting")(key=key, value=value))
    citysettings.invalidate()


@pytest.fixture
def people(submit_case):
    """Six residents in one area and topic on one day (a common cell) and one alone (a rare cell)."""
    made = []
    for i in range(6):
        name, phone, email = f"{SURNAMES[i]}{SURNAMES[i + 1]}明", f"1380013{i:04d}", f"res{i}@example.cn"
        case = submit_case(title=f"占道经营{i}", body=f"请联系{name}，电话{phone}，邮箱{email}。",
                           contact_name=name, contact_phone=phone, contact_email=email,
                           address=f"幸福路{i + 10}号", latitude=31.2304, longitude=121.4737)
        made.append((case, name, phone, email))
    rare = submit_case(title="罕见问题", body="只有一件，联系 13900001111。", category="C020101",
                       contact_name="独孤求败", contact_phone="13900001111", contact_email="lone@example.cn")
    made.append((rare, "独孤求败", "13900001111", "lone@example.cn"))
    return made


def rows_of_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_export_has_no_personal_data(city, client, people):
    opendata.generate()
    csv_text = (opendata.directory() / "cases.csv").read_text(encoding="utf-8")
    json_text = (opendata.directory() / "cases.json").read_text(encoding="utf-8")
    for text in (csv_text, json_text):
        assert not PHONE_RE.search(text) and not EMAIL_RE.search(text)
        for case, name, phone, email in people:
            for secret in (name, phone, email, case.code, case.address, case.title, case.body):
                if secret:
                    assert secret not in text, secret
    rows = rows_of_csv(csv_text)
    assert rows and set(rows[0]) == set(opendata.COLUMN_NAMES)
    assert {r["published_text"] for r in rows} == {""}


def test_rare_cells_are_suppressed_and_common_ones_kept(city, people):
    meta = opendata.generate()
    rows = rows_of_csv((opendata.directory() / "cases.csv").read_text(encoding="utf-8"))
    rare_case = people[-1][0]
    assert str(rare_case.pk) not in {r["record_id"] for r in rows}
    assert len(rows) == 6 and meta["suppressed_rows"] == 1 and meta["k"] == 5
    assert {r["area_code"] for r in rows} == {city.grids[0].parent.parent.code}  # the street
    assert len({r["category_code"] for r in rows}) == 1
    cells = {r["h3_cell"] for r in rows}
    assert len(cells) == 1 and cells != {""}  # six cases share the hexagon: it is kept
    set_city("opendata.k", 7)
    meta = opendata.generate()
    assert meta["rows"] == 0 and meta["suppressed_rows"] == 7


def test_a_rare_hexagon_is_blanked_inside_a_common_cell():
    now = timezone.now()
    base = {"submitted_at": now, "kind": "complaint", "channel": "web", "category_id": 1, "area_id": 1,
            "state": "submitted", "lead_department_id": None, "lead_department__name": None,
            "acknowledged_at": None, "ack_due_at": None, "replied_at": None, "reply_due_at": None,
            "closed_at": None, "satisfaction": "", "first_contact": False, "reopen_count": 0,
            "publication__status": None, "publication__title": None, "publication__body": None,
            "publication__reply": None}
    raw = [{**base, "pk": i, "latitude": 31.23, "longitude": 121.47} for i in range(3)]
    raw.append({**base, "pk": 9, "latitude": 39.9, "longitude": 116.4})  # far away, alone
    rows, suppressed = opendata.anonymise(raw, options=opendata.Options(k=3, resolution=7,
                                                                       area_level="street",
                                                                       category_level=2),
                                          areas={1: ("A1", "甲街道")}, categories={1: ("C1", "城建")},
                                          now=now)
    assert suppressed == 0 and len(rows) == 4
    assert [r["h3_cell"] == "" for r in rows] == [False, False, False, True]


def test_published_text_is_included_only_once_published(city, client, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    case = people[0][0]
    apps.get_model("cases", "Publication").objects.create(case=case, consented_at=case.submitted_at)
    services.case_accept(actor=city.users["operator"], case_id=case.pk)
    services.case_answer(actor=city.users["operator"], case_id=case.pk, text="已转城管部门处理。")
    services.case_resident_feedback(code=case.code, satisfaction="satisfied")
    opendata.generate()
    assert "路边摊点问题" not in (opendata.directory() / "cases.csv").read_text(encoding="utf-8")
    services.publication_publish(actor=city.users["operator"], case_id=case.pk, title="路边摊点问题",
                                 body="人行道被摊点占用。", reply="已清理。")
    opendata.generate()
    rows = {r["record_id"]: r for r in rows_of_csv(
        (opendata.directory() / "cases.csv").read_text(encoding="utf-8"))}
    assert rows[str(case.pk)]["published_title"] == "路边摊点问题"
    assert rows[str(case.pk)]["published_reply"] == "已清理。"
    assert rows[str(case.pk)]["state"] == "closed" and rows[str(case.pk)]["satisfaction"] == "satisfied"


def test_files_are_served_and_generated_on_first_request(city, client, people, var_dir):
    assert not (var_dir / "opendata").exists()
    response = client.get("/opendata/cases.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert len(rows_of_csv(b"".join(response.streaming_content).decode("utf-8"))) == 6
    data = json.loads(b"".join(client.get("/opendata/cases.json").streaming_content))
    assert data["rows"] == len(data["records"]) == 6 and data["suppressed_rows"] == 1
    page = client.get("/opendata/").content.decode()
    for name in opendata.COLUMN_NAMES:
        assert f"<dt>{name}</dt>" in page
    assert 'id="opendata-meta"' in page


def test_daily_task_rewrites_the_files(city, people, var_dir):
    tasks.opendata_generate.enqueue()  # the immediate backend runs it now
    first = (var_dir / "opendata" / "meta.json").read_text()
    assert json.loads(first)["rows"] == 6
    tasks.opendata_generate.enqueue()  # safe to run twice
    assert json.loads((var_dir / "opendata" / "meta.json").read_text())["rows"] == 6
    assert not [p for p in (var_dir / "opendata").iterdir() if p.name.startswith(".")]  # no temp files


def test_formula_like_text_cannot_run_in_a_spreadsheet():
    assert opendata._csv_value("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert opendata._csv_value(True) == "true" and opendata._csv_value(None) == ""


def test_command_generates_and_describes(city, people, var_dir):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("opendata", "info", stdout=out)
    assert "No open-data files yet" in out.getvalue()
    out = io.StringIO()
    call_command("opendata", "generate", stdout=out)
    assert '"rows": 6' in out.getvalue() and '"suppressed_rows": 1' in out.getvalue()
    out = io.StringIO()
    call_command("opendata", "info", stdout=out)
    assert '"rows": 6' in out.getvalue()
