"""The audit log's hash chain: pure functions, shared by the services and the migrations.

Each sealed row carries its chain position (`seq`), the hash of the row before it and its own
hash over its content, position and predecessor. Editing a row breaks its own hash; editing and
re-hashing it breaks the next row's link; deleting a row leaves a gap in `seq`; cutting rows off
the end disagrees with the chain head.
"""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from shiyu.core import clock

GENESIS = "0" * 64


def row_hash(*, seq: int, prev_hash: str, id: int, actor_id: int | None, verb: str,  # noqa: A002
             object_type: str, object_id: str, data: Any, created_at: datetime) -> str:
    # Canonical JSON: sorted keys and a UTC timestamp, so the hash does not depend on how the
    # database returns a JSON object (PostgreSQL's jsonb reorders keys) or on the time zone.
    payload = json.dumps(
        [seq, prev_hash, id, actor_id, verb, object_type, object_id, data,
         created_at.astimezone(UTC).isoformat(timespec="microseconds")],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def hash_of(row: Any, *, seq: int, prev_hash: str) -> str:
    """The hash of an AuditEvent (current or historical model) at a position in the chain."""
    return row_hash(seq=seq, prev_hash=prev_hash, id=row.id, actor_id=row.actor_id, verb=row.verb,
                    object_type=row.object_type, object_id=row.object_id, data=row.data,
                    created_at=row.created_at)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def seal_pending(event_model: Any, head_model: Any, *, batch: int = 2000) -> int:
    """Give every committed, unsealed row its place in the chain; returns how many were sealed.

    The caller runs this in a transaction. The chain head row is locked first (an UPDATE …
    RETURNING: a row lock on PostgreSQL; on SQLite the IMMEDIATE transaction already holds the
    only write lock), so sealers take turns and the chain cannot fork. Rows are chained in the
    order they are sealed, not by id: on PostgreSQL ids come from a sequence and a transaction
    with a smaller id can commit after one with a larger id, so id order would leave a late row
    nowhere to go.

    It runs after every audited write, so it is four plain SQL statements: building ORM queries
    cost several times more than running them.
    """
    from django.db import connection

    q = connection.ops.quote_name
    events, heads = q(event_model._meta.db_table), q(head_model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {heads} SET {q('seq')} = {q('seq')} WHERE {q('id')} = 1 "  # noqa: S608
                       f"RETURNING {q('seq')}, {q('hash')}")
        head = cursor.fetchone()
        if head is None:
            # A head that is missing (a new database, or tables flushed by tests) continues from
            # the last sealed row, so the head can never be used to restart the chain.
            cursor.execute(f"SELECT {q('seq')}, {q('hash')} FROM {events} "  # noqa: S608
                           f"WHERE {q('seq')} IS NOT NULL ORDER BY {q('seq')} DESC LIMIT 1")
            last = cursor.fetchone()
            head_model.objects.get_or_create(pk=1, defaults={"seq": last[0] if last else 0,
                                                             "hash": last[1] if last else GENESIS})
            cursor.execute(f"UPDATE {heads} SET {q('seq')} = {q('seq')} WHERE {q('id')} = 1 "  # noqa: S608
                           f"RETURNING {q('seq')}, {q('hash')}")
            head = cursor.fetchone()
        seq, prev = head
        select = (f"SELECT {q('id')}, {q('actor_id')}, {q('verb')}, {q('object_type')}, {q('object_id')}, "  # noqa: S608
                  f"{q('data')}, {q('created_at')} FROM {events} WHERE {q('seq')} IS NULL "
                  f"ORDER BY {q('id')} LIMIT %s")
        update = (f"UPDATE {events} SET {q('seq')} = %s, {q('prev_hash')} = %s, {q('hash')} = %s "  # noqa: S608
                  f"WHERE {q('id')} = %s")
        sealed = 0
        while True:
            cursor.execute(select, [batch])
            rows = cursor.fetchall()
            if not rows:
                break
            params = []
            for row_id, actor_id, verb, object_type, object_id, data, created_at in rows:
                seq += 1
                digest = row_hash(seq=seq, prev_hash=prev, id=row_id, actor_id=actor_id, verb=verb,
                                  object_type=object_type, object_id=object_id, data=_json(data),
                                  created_at=clock.as_utc(created_at))
                params.append((seq, prev, digest, row_id))
                prev = digest
            cursor.executemany(update, params)
            sealed += len(rows)
            if len(rows) < batch:
                break
        if sealed:
            cursor.execute(f"UPDATE {heads} SET {q('seq')} = %s, {q('hash')} = %s WHERE {q('id')} = 1",  # noqa: S608
                           [seq, prev])
    return sealed
