"""`shiyu goals …` from the console."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from shiyu.goals import services
from shiyu.goals.models import Project

pytestmark = pytest.mark.django_db


def _xlsx(path, rows):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["ref", "parent", "type", "title", "unit", "start", "due", "weight", "description"])
    for row in rows:
        book.active.append(row)
    book.save(path)


def test_import_projects_and_ladder(city, tmp_path):
    good = tmp_path / "good.xlsx"
    _xlsx(
        good,
        [
            ["P1", "", "project", "背街小巷整治", "CGJ"],
            ["M1", "P1", "milestone", "摸排", "", None, "2026-03-01"],
        ],
    )
    out = io.StringIO()
    call_command("goals", "import-projects", str(good), "--as", "leader", stdout=out)
    assert "背街小巷整治" in out.getvalue()
    bad = tmp_path / "bad.xlsx"
    _xlsx(bad, [["P2", "", "bogus", "x", "CGJ"]])
    with pytest.raises(CommandError, match="2"):
        call_command("goals", "import-projects", str(bad), "--as", "leader")
    with pytest.raises(CommandError):
        call_command("goals", "import-projects", str(good), "--as", "handler")
    assert Project.objects.count() == 1
    out = io.StringIO()
    call_command("goals", "ladder", "--today", "2026-03-02", stdout=out)
    assert out.getvalue().strip() == "reminded 1, escalated 0"


def test_scorecard_prints_the_ranking(city):
    scheme = services.scheme_create(
        actor=city.users["leader"],
        name="考核",
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        department_ids=[city.departments["HBJ"].pk],
        items={"satisfaction_rate": 1},
    )
    out = io.StringIO()
    call_command("goals", "scorecard", str(scheme.pk), "--as", "leader", "--recompute", stdout=out)
    assert "市生态环境局" in out.getvalue()
