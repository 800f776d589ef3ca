"""Residents' contact details: encrypted at rest, readable only through the code, rotated to a new
key, erased after the retention period (shiyu/core/crypto.py, cases.services.retention)."""

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

from shiyu.accounts.services import config_save, system_user
from shiyu.audit.models import AuditEvent
from shiyu.cases import services
from shiyu.cases.models import Case
from shiyu.cases.search import apply_search
from shiyu.cases.services.retention import case_contacts_expire, months_before
from shiyu.core import clock, crypto, periodic
from shiyu.core.models import CitySetting

PHONE, NAME, EMAIL = "13812345678", "陈先生", "chen@example.cn"
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def stored(case_id: int) -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_name, contact_phone, contact_email FROM cases_case WHERE id = %s",
                       [case_id])
        return cursor.fetchone()


@pytest.mark.django_db
def test_contact_is_stored_encrypted_and_read_back_in_clear(city, submit_case, client):
    case = submit_case(contact_name=NAME, contact_phone=PHONE, contact_email=EMAIL)
    raw = stored(case.pk)
    assert all(value.startswith(crypto.PREFIX) for value in raw)
    assert not any(secret in "".join(raw) for secret in (PHONE, NAME, EMAIL, "13812"))
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.contact_name, fresh.contact_phone, fresh.contact_email) == (NAME, PHONE, EMAIL)
    assert list(Case.objects.filter(pk=case.pk).values_list("contact_phone", flat=True)) == [PHONE]
    revealed = services.case_contact_reveal(actor=city.users["operator"], case_id=case.pk)
    assert revealed == {"name": NAME, "phone": PHONE, "email": EMAIL}
    # "" stays "": the has-a-phone filter works; an equality lookup on a value is refused, not empty.
    empty = submit_case(contact_name="", contact_phone="")
    assert stored(empty.pk) == ("", "", "")
    assert list(Case.objects.exclude(contact_phone="").values_list("pk", flat=True)) == [case.pk]
    with pytest.raises(FieldError):
        list(Case.objects.filter(contact_phone=PHONE))
    with pytest.raises(FieldError):
        list(Case.objects.filter(contact_phone__contains="138"))


@pytest.mark.django_db
def test_rotation_re_encrypts_with_the_new_key(city, submit_case):
    with override_settings(SHIYU_FIELD_KEYS=[OLD]):
        case = submit_case(contact_name=NAME, contact_phone=PHONE)
        assert f"${crypto.key_id(OLD)}$" in stored(case.pk)[1]
    with override_settings(SHIYU_FIELD_KEYS=[NEW, OLD]):
        assert crypto.rotate(dry_run=True)["cases.Case.contact_phone"] == 1
        call_command("crypto", "rotate")
        assert crypto.rotate(dry_run=True)["cases.Case.contact_phone"] == 0  # all on the new key
    assert all(f"${crypto.key_id(NEW)}$" in v for v in stored(case.pk)[:2])
    with override_settings(SHIYU_FIELD_KEYS=[NEW]):  # the old key can go now
        assert Case.objects.get(pk=case.pk).contact_phone == PHONE


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_rows_and_keeps_search(migration_data):
    executor = MigrationExecutor(connection)
    before = [("cases", "0008_attachments_publication")]
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("cases", "Case")
        now = clock.now()
        legacy = old.objects.create(code="T0000001", title="路灯不亮", body="滨江路路灯不亮",
                                    submitted_at=now, updated_at=now, contact_name=NAME,
                                    contact_phone=PHONE, search_tokens="路灯 不亮 滨江路")
        assert stored(legacy.pk)[:2] == (NAME, PHONE)
        after = [("cases", "0009_contact_encryption")]
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        raw = stored(legacy.pk)
        assert raw[0].startswith(crypto.PREFIX) and raw[1].startswith(crypto.PREFIX) and raw[2] == ""
        # The model as of 0009 (later migrations may add columns the current model has).
        encrypted = executor.loader.project_state(after).apps.get_model("cases", "Case")
        assert encrypted.objects.get(pk=legacy.pk).contact_phone == PHONE
        assert list(apply_search(encrypted.objects.all(), "路灯").values_list("pk", flat=True)) == [legacy.pk]
        MigrationExecutor(connection).migrate(before)  # and back: plaintext again
        assert stored(legacy.pk)[:2] == (NAME, PHONE)
    finally:
        MigrationExecutor(connection).migrate(latest)


def test_months_before_is_calendar_months():
    moment = clock.now().replace(year=2026, month=3, day=31, hour=9)
    assert months_before(moment, 1).date().isoformat() == "2026-02-28"
    assert months_before(moment, 14).date().isoformat() == "2025-01-31"
    assert months_before(moment, 24).hour == 9


@pytest.mark.django_db
def test_retention_erases_contact_of_long_ended_cases_only(city, submit_case):
    config_save(actor=system_user(), obj=CitySetting(key="cases.contact_retention_months", value=6))
    operator = city.users["operator"]
    now = clock.now()
    with clock.frozen_at(now - timedelta(days=200)):
        old_rejected = submit_case(title="早已办结", body="诉求内容应保留", contact_phone=PHONE,
                                   contact_email=EMAIL)
        services.case_perform(actor=operator, case_id=old_rejected.pk, action="reject",
                              payload={"reason": "不属于受理范围"})
        old_open = submit_case(title="仍在办理", contact_phone=PHONE)
    recent = submit_case(title="刚办结", contact_phone=PHONE)
    services.case_perform(actor=operator, case_id=recent.pk, action="reject", payload={"reason": "重复"})

    assert case_contacts_expire(now=now) == 1
    gone = Case.objects.get(pk=old_rejected.pk)
    assert (gone.contact_name, gone.contact_phone, gone.contact_email) == ("", "", "")
    assert (gone.title, gone.body.startswith("诉求内容应保留"), gone.state) == ("早已办结", True, "rejected")
    assert Case.objects.get(pk=old_open.pk).contact_phone == PHONE
    assert Case.objects.get(pk=recent.pk).contact_phone == PHONE
    erased = AuditEvent.objects.filter(verb="case.contact.erase")
    assert [(e.object_id, e.data["months"]) for e in erased] == [(str(old_rejected.pk), 6)]
    assert PHONE not in str(erased[0].data)
    assert case_contacts_expire(now=now) == 0  # a second run erases nothing twice
    # The recent case's turn comes when its own period has passed.
    assert case_contacts_expire(now=now + timedelta(days=190)) == 1


def test_retention_is_a_daily_periodic_job():
    periodic.autodiscover()
    job = periodic.jobs()["cases.contact_retention"]
    assert job.every == timedelta(days=1)
