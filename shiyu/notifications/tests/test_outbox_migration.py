"""The migration that encrypts the outbox: plaintext rows written before it are encrypted (or,
once sent or given up, blanked), and it runs backwards to plaintext. On SQLite and PostgreSQL."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE, AFTER = ("notifications", "0001_initial"), ("notifications", "0002_encrypt_outbox")
INSERT = ("INSERT INTO notifications_outbox (key, channel, address, subject, body, status, attempts, "
          "next_attempt_at, last_error, created_at) VALUES (%s, %s, %s, '', %s, %s, 0, %s, '', %s)")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, address, body FROM notifications_outbox ORDER BY key")
        return {key: (address, body) for key, address, body in cursor.fetchall()}


def test_existing_rows_are_encrypted_or_blanked_and_the_migration_reverses():
    from shiyu.core import clock, crypto

    _migrate(BEFORE)
    try:
        now = clock.now()
        with connection.cursor() as cursor:
            for key, address, body, status in (
                    ("waiting", "13912340000", "请致电 13912340000", "pending"),
                    ("done", "ouyang@pii.test", "已办结", "sent"),
                    ("dead", "13912340001", "x", "failed")):
                cursor.execute(INSERT, [key, "sms", address, body, status, now, now])
        _migrate(AFTER)
        rows = _rows()
        assert rows["done"] == ("", "") and rows["dead"] == ("", "")
        address, body = rows["waiting"]
        assert crypto.is_encrypted(address) and crypto.is_encrypted(body)
        assert (crypto.decrypt(address), crypto.decrypt(body)) == ("13912340000", "请致电 13912340000")
        _migrate(AFTER)  # a second run changes nothing
        assert _rows() == rows
        _migrate(BEFORE)
        assert _rows()["waiting"] == ("13912340000", "请致电 13912340000")
    finally:
        _migrate(AFTER)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM notifications_outbox")
