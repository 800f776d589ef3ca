"""The administrator's warning on the staff pages, the system check and the `shiyu workcal` CLI."""

import os
import subprocess
import sys
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.utils import translation

from shiyu.core import clock
from shiyu.core.checks import workcal_coverage

TZ = ZoneInfo("Asia/Shanghai")
NOV_2026 = datetime(2026, 11, 26, 10, tzinfo=TZ)  # 2027 is beyond chinese-calendar 1.11's data


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password="shiyu-demo")
    return client


def test_the_workbench_warns_administrators_about_an_unknown_year(city):
    with clock.frozen_at(NOV_2026):
        page = signed_in("admin").get("/staff/").content.decode()
        assert 'id="workcal-warning"' in page and "2027" in page
        assert 'id="workcal-warning"' not in signed_in("handler").get("/staff/").content.decode()
    with clock.frozen_at(datetime(2025, 3, 1, tzinfo=TZ)):
        assert 'id="workcal-warning"' not in signed_in("admin").get("/staff/").content.decode()


def test_the_system_check_warns_and_never_errors(migration_data):
    with clock.frozen_at(NOV_2026):
        messages = workcal_coverage(None)
    assert [m.id for m in messages] == ["workcal.W001"] and not messages[0].is_serious()
    with clock.frozen_at(datetime(2025, 3, 1, tzinfo=TZ)):
        assert workcal_coverage(None) == []


def run(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("workcal", *args, stdout=out)
    return out.getvalue().strip()


def test_cli_add_and_between(migration_data):
    assert run("add", "--start", "2026-09-30T16:00+08:00", "--hours", "8") == "2026-10-08T17:00:00+08:00"
    assert run("add", "--start", "2026-09-30T16:00+08:00", "--days", "3") == "2026-10-10T16:00:00+08:00"
    assert run("add", "--start", "2026-09-30T08:00:00Z", "--hours", "-1.5") == "2026-09-30T14:30:00+08:00"
    assert run("between", "2026-09-30T16:00+08:00", "2026-10-08T17:00+08:00") == "8"
    assert run("between", "2026-10-08T17:00", "2026-09-30T16:00") == "-8"  # no offset: local time
    assert run("day", "2026-10-10") == "2026-10-10 working day"
    assert run("day", "2026-10-01") == "2026-10-01 day off"
    assert "2004–2026" in run("info")


@pytest.mark.parametrize("args, message", [
    (("add", "--start", "30/09/2026 16:00", "--hours", "8"), "Not a date and time"),
    (("add", "--start", "2026-09-30T16:00+08:00", "--days", "1.5"), "Not a whole number"),
    (("add", "--start", "2026-09-30T16:00+08:00", "--hours", "eight"), "Not a number"),
    (("add", "--start", "2026-09-30T16:00+08:00", "--hours", "nan"), "Not a number"),
    (("add", "--start", "1800-01-01T10:00+08:00", "--hours", "1"), "between 2000 and 2199"),
    (("day", "2026-13-01"), "Not a date"),
])
def test_cli_bad_input_is_a_clear_error(migration_data, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def database_url() -> str:
    """The test database, for a subprocess (it sees the migrated tables, not this test's rows)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def test_cli_as_operators_run_it_exits_non_zero_on_bad_input_in_chinese(migration_data):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url()}
    shiyu = [sys.executable, "-c", "from shiyu.cli import main; main()"]
    done = subprocess.run([*shiyu, "workcal", "add", "--start", "2026-09-30T16:00+08:00", "--hours", "8"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "2026-10-08T17:00:00+08:00", done.stderr
    done = subprocess.run([*shiyu, "workcal", "add", "--start", "昨天", "--days", "3"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode != 0
    assert "ISO 8601" in done.stderr and "昨天" in done.stderr
    done = subprocess.run([*shiyu, "workcal", "add", "--start", "2026-09-30T16:00+08:00"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode != 0 and "--hours" in done.stderr
