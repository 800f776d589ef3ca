"""Notifications: inbox dedupe, outbox dedupe, delivery after commit with retry and backoff, SMS
masking. (What cases send, and the inbox pages: shiyu/cases/tests/test_case_notifications.py.)"""

import logging
from datetime import timedelta

import pytest
from django.core import mail

from shiyu.core import clock
from shiyu.notifications import services as notifications
from shiyu.notifications.models import Notification, Outbox
from shiyu.notifications.services import Message

pytestmark = pytest.mark.django_db


class FlakyGateway(notifications.SmsGateway):
    """Fails the first `failures` sends (a provider timing out), then accepts."""

    failures = 2
    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str, *, ref: str) -> None:
        if FlakyGateway.failures > 0:
            FlakyGateway.failures -= 1
            raise TimeoutError("gateway timed out")
        FlakyGateway.sent.append((phone, text))


@pytest.fixture
def u(city):
    return city.users


def test_inbox_entries_are_deduplicated_by_key(u):
    message = Message(key="case:1:test", kind="urge", title="催办", body="请尽快处理")
    assert notifications.notify_users(user_ids=[u["handler"].pk, u["unithead"].pk], message=message) == 2
    assert notifications.notify_users(user_ids=[u["handler"].pk], message=message) == 0
    assert Notification.objects.filter(key="case:1:test").count() == 2


def test_outbox_rows_are_unique_and_email_is_sent_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.notify_address(key="k1", channel="email", address="chen@example.cn",
                                            subject="您的诉求", body="已受理")
        assert not notifications.notify_address(key="k1", channel="email", address="chen@example.cn",
                                                subject="您的诉求", body="已受理")
    assert Outbox.objects.filter(key="k1").count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["chen@example.cn"]
    row = Outbox.objects.get(key="k1")
    assert row.status == "sent" and row.attempts == 1
    # A second delivery of the same row (a retried task) sends nothing.
    assert notifications.outbox_deliver(row.pk) == ""
    assert len(mail.outbox) == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    from django.db import transaction

    with (django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError),
          transaction.atomic()):
        notifications.notify_address(key="k-rolled-back", channel="email", address="a@example.cn",
                                     subject="s", body="b")
        raise RuntimeError("the domain change failed")
    assert callbacks == [] and not Outbox.objects.filter(key="k-rolled-back").exists()
    assert mail.outbox == []


def test_failed_delivery_is_retried_with_backoff_then_sent(settings, caplog):
    settings.SHIYU_SMS_GATEWAY = "shiyu.notifications.tests.test_notifications.FlakyGateway"
    FlakyGateway.failures, FlakyGateway.sent = 2, []
    start = clock.now()
    with clock.frozen_at(start):
        notifications.notify_address(key="sms1", channel="sms", address="13912345678", subject="",
                                     body="您的诉求已办结")
        pk = Outbox.objects.get(key="sms1").pk
        assert notifications.outbox_deliver(pk) == "pending"
    row = Outbox.objects.get(pk=pk)
    assert row.attempts == 1 and row.next_attempt_at == start + timedelta(seconds=60)
    assert row.last_error == "TimeoutError"
    with clock.frozen_at(start + timedelta(seconds=30)):  # too early: not due
        assert notifications.outbox_due_ids() == [] and notifications.outbox_deliver(pk) == ""
    with clock.frozen_at(start + timedelta(seconds=60)):
        assert notifications.outbox_due_ids() == [pk]
        assert notifications.outbox_deliver(pk) == "pending"
    row = Outbox.objects.get(pk=pk)
    assert row.attempts == 2 and row.next_attempt_at == start + timedelta(seconds=180)  # doubled
    with clock.frozen_at(start + timedelta(seconds=180)):
        assert notifications.outbox_deliver(pk) == "sent"
    assert FlakyGateway.sent == [("13912345678", "您的诉求已办结")]
    assert Outbox.objects.get(pk=pk).status == "sent"


def test_delivery_gives_up_after_the_maximum_attempts(settings):
    settings.SHIYU_SMS_GATEWAY = "shiyu.notifications.tests.test_notifications.FlakyGateway"
    FlakyGateway.failures = 100
    moment = clock.now()
    notifications.notify_address(key="sms-dead", channel="sms", address="13900000000", subject="", body="x")
    pk = Outbox.objects.get(key="sms-dead").pk
    status = ""
    for _ in range(notifications.MAX_ATTEMPTS.get()):
        moment += timedelta(hours=7)
        with clock.frozen_at(moment):
            status = notifications.outbox_deliver(pk)
    assert status == "failed" and Outbox.objects.get(pk=pk).attempts == notifications.MAX_ATTEMPTS.get()
    with clock.frozen_at(moment + timedelta(days=1)):
        assert notifications.outbox_deliver(pk) == "" and pk not in notifications.outbox_due_ids()


def test_the_logging_sms_gateway_masks_number_and_text(caplog):
    with caplog.at_level(logging.INFO, logger="shiyu.notifications.services"):
        notifications.LoggingSmsGateway().send("13912345678", "您的诉求 ABC 已办结", ref="42")
    line = "\n".join(r.getMessage() for r in caplog.records)
    assert "sms 42" in line and "139****5678" in line  # the same mask as lists and the log filter
    assert "13912345678" not in line and "办结" not in line


def _stored(pk: int) -> tuple[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT address, body FROM notifications_outbox WHERE id = %s", [pk])
        return cursor.fetchone()


def test_address_and_text_are_encrypted_at_rest_and_blanked_once_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notifications.notify_address(key="enc1", channel="email", address="ouyang@pii.test",
                                     subject="您的诉求", body="请致电 13912340000")
    row = Outbox.objects.get(key="enc1")
    assert (row.address, row.body) == ("ouyang@pii.test", "请致电 13912340000")  # readable by the app
    address, body = _stored(row.pk)
    assert address.startswith("fernet1$") and body.startswith("fernet1$")
    assert "ouyang" not in address and "13912340000" not in body
    for callback in callbacks:
        callback()
    assert mail.outbox[0].to == ["ouyang@pii.test"] and "13912340000" in mail.outbox[0].body
    row.refresh_from_db()
    assert row.status == "sent" and (row.address, row.body) == ("", "") and _stored(row.pk) == ("", "")
    assert row.subject == "您的诉求"  # the subject says what was sent (no personal data in it)


def test_a_message_given_up_keeps_no_address_either(settings):
    settings.SHIYU_SMS_GATEWAY = "shiyu.notifications.tests.test_notifications.FlakyGateway"
    FlakyGateway.failures = 100
    notifications.notify_address(key="sms-gone", channel="sms", address="13912340001", subject="",
                                 body="x")
    pk = Outbox.objects.get(key="sms-gone").pk
    moment = clock.now()
    for attempt in range(1, notifications.MAX_ATTEMPTS.get() + 1):
        moment += timedelta(hours=7)
        with clock.frozen_at(moment):
            notifications.outbox_deliver(pk)
        if attempt < notifications.MAX_ATTEMPTS.get():  # still to be retried: still addressable
            assert Outbox.objects.get(pk=pk).address == "13912340001"
    row = Outbox.objects.get(pk=pk)
    assert row.status == "failed" and (row.address, row.body) == ("", "") and _stored(pk) == ("", "")


def test_outbox_address_cannot_be_searched():
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(Outbox.objects.filter(address="13912340000"))
