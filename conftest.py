"""Fixtures shared by every test: a small city built through the real services."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


def _on_postgres() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or ''}".rstrip()


def pytest_collection_modifyitems(config, items):
    """`postgres` tests skip on SQLite; with SHIYU_REQUIRE_POSTGRES=1 (CI's PostgreSQL run) a suite
    that is not on PostgreSQL stops at once instead of passing on SQLite by mistake."""
    if os.environ.get("SHIYU_REQUIRE_POSTGRES") == "1" and not _on_postgres():
        raise pytest.UsageError("SHIYU_REQUIRE_POSTGRES=1 but DATABASE_URL does not point to PostgreSQL")
    if not _on_postgres():
        skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


def restore_migration_data() -> None:
    """Put back the rows the data migrations made (roles, the default policy, the system user).

    Transactional tests (live server, threads) end with a flush that removes them, and
    serialized_rollback cannot always restore them; the data migrations are idempotent.
    """
    import importlib

    from django.apps import apps

    for module in ("shiyu.accounts.migrations.0002_roles", "shiyu.cases.migrations.0002_default_policy",
                   "shiyu.cases.migrations.0008_attachments_publication",
                   "shiyu.disputes.migrations.0002_defaults", "shiyu.reception.migrations.0002_defaults",
                   "shiyu.knowledge.migrations.0003_permissions",
                   "shiyu.goals.migrations.0002_permissions",
                   "shiyu.participation.migrations.0002_permissions",
                   "shiyu.alerts.migrations.0002_permissions", "shiyu.reports.migrations.0002_permissions"):
        importlib.import_module(module).forwards(apps, None)


@pytest.fixture
def migration_data(db):
    restore_migration_data()


@pytest.fixture
def city(migration_data):
    from shiyu.demo.city import build_city

    return build_city(small=True)


@pytest.fixture
def submit_case(city):
    """Make a case the way a resident would (through the intake service)."""
    from shiyu.cases.services import CaseInput
    from shiyu.intake.services import intake_submit

    def make(**overrides):
        data = {"title": "小区门口占道经营", "body": "每天傍晚有摊贩占用人行道，行人无法通行。",
                "category": "C010101", "area": city.grids[0].pk, "contact_name": "陈先生",
                "contact_phone": "13812345678"}
        data.update(overrides)
        case, _ = intake_submit(actor=None, data=CaseInput(**data))
        return case

    return make


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    from shiyu.core import workcal

    cache.clear()
    # The calendar table outlives a test's rollback of the overrides it was built from.
    workcal.invalidate()
