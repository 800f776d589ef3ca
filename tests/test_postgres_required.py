"""CI's PostgreSQL job sets SHIYU_REQUIRE_POSTGRES=1: then the run must really be on PostgreSQL,
so a missing or mistyped DATABASE_URL cannot turn it silently into a second SQLite run."""

import os

import pytest
from django.db import connection

REQUIRED = os.environ.get("SHIYU_REQUIRE_POSTGRES", "") == "1"


@pytest.mark.skipif(not REQUIRED, reason="SHIYU_REQUIRE_POSTGRES is not 1: any database will do")
@pytest.mark.django_db
def test_the_database_is_postgresql():
    assert connection.vendor == "postgresql", (
        f"SHIYU_REQUIRE_POSTGRES=1 but the tests ran on {connection.vendor}; "
        "set DATABASE_URL=postgres://…")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        assert cursor.fetchone()[0].startswith("test_")
