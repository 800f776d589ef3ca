from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from shiyu.audit import chain
from shiyu.audit.models import AuditChainHead, AuditEvent


def audit_record(*, actor: Any, verb: str, obj: models.Model | None = None,
                 object_type: str = "", object_id: str = "",
                 data: dict[str, Any] | None = None) -> AuditEvent:
    """Record one audit row. Must run inside the caller's transaction (it asserts so).

    The time is the real time even when the domain clock is set (imports, the demo seed): the
    audit log says when something was done to the data, not when the matter happened.

    The row is only inserted here; it joins the hash chain just after the caller commits
    (`audit_seal`). Chaining inside the caller's transaction would hold the chain's lock for the
    rest of every write transaction on PostgreSQL, serialising all writers and risking
    deadlocks against the case locks they take after auditing."""
    assert transaction.get_connection().in_atomic_block, "audit must share the change's transaction"
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_id = getattr(actor, "pk", None) if actor is not None and getattr(
        actor, "is_authenticated", False) else None
    event = AuditEvent.objects.create(actor_id=actor_id, verb=verb, object_type=object_type,
                                      object_id=object_id, data=data or {},
                                      created_at=timezone.now())
    _seal_after_commit()
    return event


def _seal_after_commit() -> None:
    connection = transaction.get_connection()
    # One seal per transaction, however many rows it audits.
    if any(hook is _seal_quietly for _sids, hook, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_seal_quietly, robust=True)


def _seal_quietly() -> None:
    # robust=True: the change is committed already; a failed seal leaves rows for the next one.
    audit_seal()


def audit_seal() -> int:
    """Chain every committed row not yet in the chain; returns how many. Safe to run any time,
    from any number of processes at once (they take turns on the chain head's lock)."""
    with transaction.atomic():
        connection = transaction.get_connection()
        if connection.vendor == "postgresql":
            # The seal need not wait for its own fsync: a seal lost in a crash leaves its rows
            # unsealed (the head rolls back with them) and the next seal chains them again.
            # This halves the commits an audited write waits for.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        return chain.seal_pending(AuditEvent, AuditChainHead)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    pending: int
    head_seq: int
    head_hash: str
    broken_at: int | None = None  # the chain position of the first bad row
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_verify() -> ChainReport:
    """Recompute the chain from the first row; report the first link that does not hold."""
    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, chain.GENESIS)
    pending = AuditEvent.objects.filter(seq__isnull=True).count()
    expected_seq, prev = 0, chain.GENESIS

    def broken(seq: int, row_id: int | None, reason: str) -> ChainReport:
        return ChainReport(checked=expected_seq, pending=pending, head_seq=head_seq, head_hash=head_hash,
                           broken_at=seq, broken_id=row_id, reason=reason)

    # Only up to the head read above: rows sealed while this runs belong to a later check.
    rows = (AuditEvent.objects.filter(seq__isnull=False, seq__lte=head_seq).order_by("seq")
            .values_list("seq", "prev_hash", "hash", "id", "actor_id", "verb", "object_type", "object_id",
                         "data", "created_at"))
    for seq, prev_hash, digest, row_id, actor_id, verb, object_type, object_id, data, created_at in (
            rows.iterator(chunk_size=5000)):
        if seq != expected_seq + 1:
            return broken(expected_seq + 1, None, f"row {expected_seq + 1} is missing")
        if prev_hash != prev:
            return broken(seq, row_id, "it does not point to the row before it")
        if chain.row_hash(seq=seq, prev_hash=prev_hash, id=row_id, actor_id=actor_id, verb=verb,
                          object_type=object_type, object_id=object_id, data=data,
                          created_at=created_at) != digest:
            return broken(seq, row_id, "its content does not match its hash")
        expected_seq, prev = seq, digest
    if expected_seq < head_seq:
        return broken(expected_seq + 1, None,
                      f"the chain ends at {expected_seq} but the head says {head_seq}: rows were cut off")
    if prev != head_hash:
        return broken(expected_seq, None, "the last row's hash is not the one the head holds")
    return ChainReport(checked=expected_seq, pending=pending, head_seq=head_seq, head_hash=head_hash)
