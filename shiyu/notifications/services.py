"""The only code that writes notifications.

Domain services call `notify_users` / `notify_address` inside their own transaction: the inbox
rows and the outbox rows commit or vanish with the change that caused them. Each carries a
dedupe key (unique), so a step repeated after a crash writes nothing new. Email and SMS leave
after commit, one task per outbox row; a failed send is retried with exponential backoff.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from functools import partial
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from shiyu.accounts.models import User
from shiyu.core import citysettings, clock, crypto, errors
from shiyu.core.masking import mask_phone
from shiyu.core.tasks import enqueue_on_commit
from shiyu.notifications.models import Notification, Outbox

_Row = TypeVar("_Row")

log = logging.getLogger(__name__)

MAX_ATTEMPTS = citysettings.declare(
    "notifications.max_attempts", 8, _("Delivery attempts before a message is given up"),
    minimum=1, maximum=30)
RETRY_BASE_SECONDS = citysettings.declare(
    "notifications.retry_base_seconds", 60, _("First retry delay (seconds), doubled at each attempt"),
    minimum=1, maximum=3600)
STAFF_EMAIL = citysettings.declare(
    "notifications.staff_email", True, _("Also email staff their inbox notices"))
# A row left "sending" this long belongs to a worker that died mid-send: it is tried again.
STALE_SENDING = timedelta(minutes=15)
RETRY_CAP = timedelta(hours=6)


class Message(NamedTuple):
    # A named tuple (immutable, like the frozen dataclass it was): a sweep makes tens of thousands.
    key: str
    kind: str
    title: str
    body: str = ""
    link: str = ""


def _schedule_delivery(ids: list[int]) -> None:
    """One delivery task per new row, after commit (a lost enqueue is picked up by the retry job)."""
    if not ids:
        return
    from shiyu.notifications import tasks

    for pk in ids:
        enqueue_on_commit(tasks.deliver, pk)


def notify_users(*, user_ids: Iterable[int], message: Message, email: bool = True) -> int:
    """Inbox entries (and, if they have an address, emails) for staff users. Returns how many
    inbox entries are new. Must run in the caller's transaction."""
    ids = sorted({int(u) for u in user_ids if u})
    if not ids:
        return 0
    now = clock.now()
    before = Notification.objects.filter(recipient_id__in=ids, key=message.key).count()
    Notification.objects.bulk_create(
        [Notification(recipient_id=uid, key=message.key, kind=message.kind, title=message.title[:200],
                      body=message.body, link=message.link, created_at=now) for uid in ids],
        ignore_conflicts=True)
    created = Notification.objects.filter(recipient_id__in=ids, key=message.key).count() - before
    if email and STAFF_EMAIL.get():
        addresses = dict(User.objects.filter(pk__in=ids, is_active=True).exclude(email="").values_list(
            "pk", "email"))
        base = getattr(settings, "SHIYU_BASE_URL", "")
        text = message.body + (f"\n\n{base}{message.link}" if message.link and base else "")
        _outbox([Outbox(key=f"{message.key}:email:{uid}", channel=Outbox.Channel.EMAIL, recipient_id=uid,
                        address=addr, subject=message.title[:200], body=text, next_attempt_at=now,
                        created_at=now) for uid, addr in addresses.items()])
    return created


def notify_users_bulk(items: list[tuple[list[int], Message]], *, email: bool = True) -> None:
    """Many notices at once (a sweep's batch): one insert for the inbox, one for the outbox."""
    now = clock.now()
    created = clock.to_db()(now)
    inbox = [(uid, m.key, m.kind, m.title[:200], m.body, m.link, created)
             for who, m in items for uid in sorted(set(who))]
    if not inbox:
        return
    # In the unique index's order (recipient, key): neighbouring inserts land on the same pages.
    inbox.sort()
    # One executemany (bulk_create's per-value preparation dominates a large sweep); a key already
    # there is skipped by the unique constraint, which is what makes a re-run add nothing.
    table, key = connection.ops.quote_name(Notification._meta.db_table), connection.ops.quote_name("key")
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (recipient_id, {key}, kind, title, body, link, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING", inbox)
    if email and STAFF_EMAIL.get():
        users = {uid for who, _m in items for uid in who}
        addresses = dict(User.objects.filter(pk__in=users, is_active=True).exclude(email="").values_list(
            "pk", "email"))
        if addresses:
            # Encrypted once per address and once per message, not once per row (a Fernet token
            # costs about 11 µs; a sweep's batch emails the same few staff about many cases). A
            # shared token shows only what the row already shows in clear: the same recipient,
            # or the same message (its key) to several recipients.
            address = {uid: crypto.encrypt(addr) for uid, addr in addresses.items()}
            rows = []
            for who, m in items:
                to = [uid for uid in sorted(set(who)) if uid in addresses]
                if to:
                    body = crypto.encrypt(m.body) if m.body else ""
                    rows += [(f"{m.key}:email:{uid}", uid, address[uid], m.title[:200], body) for uid in to]
            _outbox_bulk(rows, now)


def _outbox_bulk(rows: list[tuple[str, int, str, str, str]], now: Any) -> None:
    """Staff emails as (key, recipient, encrypted address, subject, encrypted body), inserted by
    one executemany per chunk instead of bulk_create, whose field preparation would encrypt every
    value again. The other columns take the model's defaults."""
    table = connection.ops.quote_name(Outbox._meta.db_table)
    key = connection.ops.quote_name("key")
    sql = (f"INSERT INTO {table} ({key}, channel, recipient_id, address, subject, body, status, "  # noqa: S608
           "attempts, next_attempt_at, last_error, created_at) "
           "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING")
    at = clock.to_db()(now)
    blank = Outbox()  # the model's defaults

    def insert(fresh: list[tuple[str, int, str, str, str]]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(k, Outbox.Channel.EMAIL.value, uid, address, subject, body,
                                      blank.status, blank.attempts, at, blank.last_error, at)
                                     for k, uid, address, subject, body in fresh])

    _outbox_new(rows, itemgetter(0), insert)


def notify_address(*, key: str, channel: str, address: str, subject: str, body: str) -> bool:
    """A message to a resident's own address (email or phone). True when it is new."""
    if not address or channel not in Outbox.Channel.values:
        return False
    now = clock.now()
    return bool(_outbox([Outbox(key=key, channel=channel, address=address, subject=subject[:200],
                                body=body, next_attempt_at=now, created_at=now)]))


def _outbox(rows: list[Outbox]) -> list[int]:
    return _outbox_new(rows, attrgetter("key"), partial(Outbox.objects.bulk_create, ignore_conflicts=True))


def _outbox_new(
    rows: Sequence[_Row], key: Callable[[_Row], str], insert: Callable[[list[_Row]], Any]
) -> list[int]:
    """Insert the rows whose key the outbox does not hold yet, 500 at a time, and schedule their
    delivery: the ids of the new rows (a retried task or a repeated event sends nothing twice)."""
    new_ids: list[int] = []
    for start in range(0, len(rows), 500):
        chunk = rows[start:start + 500]
        existing = set(Outbox.objects.filter(key__in=[key(r) for r in chunk]).values_list("key", flat=True))
        fresh = [r for r in chunk if key(r) not in existing]
        if fresh:
            insert(fresh)
            new_ids += Outbox.objects.filter(key__in=[key(r) for r in fresh]).values_list("pk", flat=True)
    _schedule_delivery(new_ids)
    return new_ids


# --- the inbox ---------------------------------------------------------------------------------

@transaction.atomic
def notification_mark_read(*, actor: Any, notification_id: int) -> Notification:
    """Only the recipient may mark it; anyone else is told it does not exist."""
    found = Notification.objects.filter(pk=notification_id, recipient_id=getattr(actor, "pk", None)).first()
    if found is None:
        raise errors.NotFound()
    if found.read_at is None:
        found.read_at = clock.now()
        Notification.objects.filter(pk=found.pk, read_at__isnull=True).update(read_at=found.read_at)
    return found


@transaction.atomic
def notification_mark_all_read(*, actor: Any) -> int:
    return Notification.objects.filter(recipient_id=getattr(actor, "pk", None), read_at__isnull=True).update(
        read_at=clock.now())


# --- delivery ----------------------------------------------------------------------------------

def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=int(RETRY_BASE_SECONDS.get()) * 2 ** max(attempts - 1, 0)), RETRY_CAP)


def _claim(outbox_id: int) -> Outbox | None:
    """Take the row for this worker: a conditional update, so two workers never both send it."""
    now = clock.now()
    with transaction.atomic():
        row = Outbox.objects.filter(pk=outbox_id).first()
        if row is None or row.status in (Outbox.Status.SENT, Outbox.Status.FAILED):
            return None
        if row.status == Outbox.Status.SENDING and row.next_attempt_at > now - STALE_SENDING:
            return None
        if row.status == Outbox.Status.PENDING and row.next_attempt_at > now:
            return None
        claimed = Outbox.objects.filter(pk=row.pk, status=row.status, attempts=row.attempts).update(
            status=Outbox.Status.SENDING, attempts=row.attempts + 1, next_attempt_at=now)
    if not claimed:
        return None
    row.attempts += 1
    return row


# What a row no longer needs once it is sent or given up: the resident's address and the text
# (which may quote a case title holding contact details). Kept only while a send may still happen.
SPENT = {"address": "", "body": ""}


def outbox_deliver(outbox_id: int) -> str:
    """Send one message; returns its status afterwards ("" when another worker has it)."""
    row = _claim(outbox_id)
    if row is None:
        return ""
    try:
        if row.channel == Outbox.Channel.EMAIL:
            send_mail(row.subject, row.body, None, [row.address], fail_silently=False)
        else:
            sms_gateway().send(row.address, row.body, ref=str(row.pk))
    except Exception as exc:  # any gateway failure: retry later, never lose the row
        final = row.attempts >= int(MAX_ATTEMPTS.get())
        status = Outbox.Status.FAILED if final else Outbox.Status.PENDING
        with transaction.atomic():
            Outbox.objects.filter(pk=row.pk).update(
                status=status, next_attempt_at=clock.now() + backoff(row.attempts),
                last_error=f"{type(exc).__name__}"[:300], **(SPENT if final else {}))
        log.warning("delivery of outbox row %s failed (attempt %s): %s", row.pk, row.attempts,
                    type(exc).__name__)
        return status
    with transaction.atomic():
        Outbox.objects.filter(pk=row.pk).update(status=Outbox.Status.SENT, sent_at=clock.now(),
                                                last_error="", **SPENT)
    return Outbox.Status.SENT


def outbox_due_ids(limit: int = 500) -> list[int]:
    now = clock.now()
    pending = Outbox.objects.filter(status=Outbox.Status.PENDING, next_attempt_at__lte=now)
    stale = Outbox.objects.filter(status=Outbox.Status.SENDING, next_attempt_at__lte=now - STALE_SENDING)
    return list((pending | stale).order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])


# --- SMS -----------------------------------------------------------------------------------------

class SmsGateway:
    """The interface a city's SMS provider implements (settings.SHIYU_SMS_GATEWAY)."""

    def send(self, phone: str, text: str, *, ref: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class LoggingSmsGateway(SmsGateway):
    """The default: logs that a message would leave, without the number or the text."""

    def send(self, phone: str, text: str, *, ref: str) -> None:
        log.info("sms %s to %s (%d characters)", ref, mask_phone(phone), len(text))


def sms_gateway() -> SmsGateway:
    path = getattr(settings, "SHIYU_SMS_GATEWAY", "shiyu.notifications.services.LoggingSmsGateway")
    return import_string(path)()
