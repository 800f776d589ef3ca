"""`shiyu open311_key` and `shiyu import_open311_csv`, run as an administrator would."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from shiyu.audit.models import AuditEvent
from shiyu.cases.models import Case, CaseEvent, Category
from shiyu.open311.models import Application, Service
from shiyu.open311.tests.conftest import BASE, lamp_post

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
SAMPLE = DATA / "nyc311" / "nyc311_2023-02-28_sample.csv"
HEADER = ["Unique Key", "Created Date", "Closed Date", "Agency", "Agency Name", "Complaint Type",
          "Descriptor", "Location Type", "Incident Zip", "Incident Address", "Intersection Street 1",
          "Intersection Street 2", "City", "Status", "Resolution Description", "Community Board", "Borough",
          "Latitude", "Longitude"]
DOT = {"Agency": "DOT", "Agency Name": "Department of Transportation",
       "Complaint Type": "Street Light Condition"}


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_key_create_prints_a_key_that_posts(api):
    out, err = run("open311_key", "create", "FixMyStreet", "--contact", "ops@example.org")
    key = out.strip()
    assert len(key) >= 30 and "shown only now" in err
    app = Application.objects.get(name="FixMyStreet")
    assert app.key_hash != key and key.startswith(app.prefix)
    assert AuditEvent.objects.filter(verb="open311.application.create", object_id=str(app.pk)).exists()
    assert api.post(BASE + "requests.json", lamp_post(api_key=key)).status_code == 201
    listed, _err = run("open311_key", "list")
    assert "FixMyStreet" in listed and key not in listed

    new_key, _err = run("open311_key", "rotate", "FixMyStreet")
    assert api.post(BASE + "requests.json", lamp_post(api_key=key)).status_code == 403
    assert api.post(BASE + "requests.json", lamp_post(api_key=new_key.strip())).status_code == 201
    run("open311_key", "disable", "FixMyStreet")
    assert api.post(BASE + "requests.json", lamp_post(api_key=new_key.strip())).status_code == 403
    with pytest.raises(CommandError):
        run("open311_key", "create", "FixMyStreet")
    with pytest.raises(CommandError):
        run("open311_key", "rotate", "nobody")


def _csv(tmp_path, rows: list[dict]) -> Path:
    path = tmp_path / "export.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in HEADER})
    return path


ROWS = [
    {**DOT, "Unique Key": "900001", "Created Date": "02/28/2023 11:45:00 PM",
     "Closed Date": "03/01/2023 01:00:00 AM", "Descriptor": "Street Light Out", "Status": "Closed",
     "Resolution Description": "Repaired the lamp.", "Community Board": "04 MANHATTAN",
     "Borough": "MANHATTAN", "Latitude": "40.7482", "Longitude": "-74.0074",
     "Incident Address": "11 AVENUE", "City": "NEW YORK", "Incident Zip": "10011"},
    {"Unique Key": "900002", "Created Date": "02/28/2023 10:00:00 PM", "Agency": "NYPD",
     "Agency Name": "New York City Police Department", "Complaint Type": "Noise - Residential",
     "Descriptor": "Loud Music/Party", "Status": "In Progress", "Community Board": "01 BRONX",
     "Borough": "BRONX",
     "Intersection Street 1": "WESTCHESTER AVENUE", "Intersection Street 2": "EAST 156 STREET"},
    # Closed before it was opened (the NYC sample has two): closed at its creation time, reported.
    {**DOT, "Unique Key": "900003", "Created Date": "02/28/2023 09:00:00 PM",
     "Closed Date": "01/01/2023 01:00:00 AM", "Status": "Closed", "Borough": "Unspecified"},
    {"Unique Key": "", "Created Date": "02/28/2023 09:00:00 PM", "Complaint Type": "Noise - Residential"},
    {"Unique Key": "900005", "Created Date": "yesterday", "Complaint Type": "Noise - Residential"},
]


def test_import_makes_services_units_areas_and_history(city, tmp_path, api):
    path = _csv(tmp_path, ROWS)
    report = tmp_path / "report.csv"
    with pytest.raises(CommandError) as failed:
        run("import_open311_csv", str(path), "--timezone", "America/New_York", "--report", str(report))
    assert "2 row(s) failed" in str(failed.value)
    with open(report, encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["line", "ticket", "status", "message"]
    by_key = {line[1]: line for line in lines[1:]}
    assert by_key["900001"][2] == by_key["900002"][2] == by_key["900003"][2] == "imported"
    assert "closed before it was created" in by_key["900003"][3]
    failed_rows = [line for line in lines[1:] if line[2] == "failed"]
    assert [line[0] for line in failed_rows] == ["5", "6"] and "yesterday" in failed_rows[1][3]

    closed = Case.objects.get(channel="import", external_ref="900001")
    assert closed.state == "closed" and closed.lead_department.code == "DOT"
    assert closed.category.parent.code == "IMPORTED" and closed.category.name == "Street Light Condition"
    assert closed.area.name == "Community Board 04 Manhattan" and closed.area.parent.name == "Manhattan"
    assert closed.submitted_at.isoformat() == "2023-03-01T04:45:00+00:00"  # 11:45 PM in New York
    assert closed.closed_at.isoformat() == "2023-03-01T06:00:00+00:00"
    assert closed.reply_text == "Repaired the lamp." and closed.address == "11 AVENUE, NEW YORK, 10011"
    actions = list(CaseEvent.objects.filter(case=closed).order_by("id").values_list("action", "created_at"))
    assert [a for a, _t in actions] == ["submit", "accept", "dispatch", "acknowledge", "reply", "close"]
    assert actions[0][1] == closed.submitted_at and actions[-1][1] == closed.closed_at
    open_case = Case.objects.get(external_ref="900002")
    assert open_case.state == "in_progress" and open_case.lead_department.code == "NYPD"
    assert open_case.address == "WESTCHESTER AVENUE & EAST 156 STREET"
    early = Case.objects.get(external_ref="900003")
    assert early.state == "closed" and early.closed_at == early.submitted_at and early.area is None
    # Complaint types are published as Open311 services.
    service = Service.objects.get(category=closed.category)
    codes = [s["service_code"] for s in api.get(BASE + "services.json").json()]
    assert service.service_code in codes

    # Again: nothing new, every good row skipped, the bad ones still reported.
    before = (Case.objects.count(), CaseEvent.objects.count(), Category.objects.count())
    with pytest.raises(CommandError):
        out, _err = run("import_open311_csv", str(path), "--timezone", "America/New_York")
    assert (Case.objects.count(), CaseEvent.objects.count(), Category.objects.count()) == before


def test_import_with_a_mapping_uses_the_city_categories(city, tmp_path):
    path = _csv(tmp_path, ROWS[:1])
    mapping = tmp_path / "map.csv"
    mapping.write_text("complaint type,category\nStreet Light Condition,C010302\n", encoding="utf-8")
    out, _err = run("import_open311_csv", str(path), "--mapping", str(mapping), "--quiet")
    assert "imported 1, skipped 0, failed 0" in out
    assert Case.objects.get(external_ref="900001").category.code == "C010302"
    assert not Category.objects.filter(code="IMPORTED").exists()


def test_import_refuses_a_file_that_is_not_an_export(city, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Unique Key"):
        run("import_open311_csv", str(path))
    assert not Case.objects.exists()


@pytest.mark.skipif(not SAMPLE.exists(), reason="../shared/data/nyc311 is absent")
def test_the_real_nyc_sample_imports(city, tmp_path):
    out, _err = run("import_open311_csv", str(SAMPLE), "--timezone", "America/New_York", "--limit", "60",
                    "--quiet")
    assert "imported 60, skipped 0, failed 0" in out
    imported = Case.objects.filter(channel="import")
    assert imported.count() == 60
    assert imported.filter(state="closed").exists() and imported.exclude(lead_department=None).count() == 60
    # The export's mojibake is repaired: "Transportation’s website", not "Transportationâ\x80\x99s".
    assert not imported.filter(reply_text__contains="â").exists()
    assert imported.filter(reply_text__contains="Transportation’s website").exists()
