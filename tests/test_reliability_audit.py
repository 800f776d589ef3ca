"""The tamper-evident audit log: each row is chained to the one before it by a hash; `shiyu audit
verify` finds the first broken link; concurrent writers never fork the chain; the admin can only look.
"""

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from shiyu.accounts.services import user_create
from shiyu.audit import chain
from shiyu.audit.models import AuditChainHead, AuditEvent
from shiyu.audit.services import audit_record, audit_seal, audit_verify


def _write(n: int, *, verb: str = "test.write", data: dict | None = None) -> list[AuditEvent]:
    rows = []
    for i in range(n):
        with transaction.atomic():
            rows.append(audit_record(actor=None, verb=verb, object_type="test", object_id=str(i),
                                     data=data if data is not None else {"i": i, "text": "夜间施工"}))
    return rows


@pytest.mark.django_db
def test_rows_join_the_chain_when_their_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as hooks, transaction.atomic():
        first = audit_record(actor=None, verb="a", object_type="t", object_id="1")
        audit_record(actor=None, verb="b", object_type="t", object_id="2")
        assert AuditEvent.objects.get(pk=first.pk).seq is None  # not before the commit
    assert len(hooks) == 1  # one seal per transaction, not per row
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [r.seq for r in rows] == [1, 2]
    assert rows[0].prev_hash == chain.GENESIS and rows[1].prev_hash == rows[0].hash
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (2, rows[1].hash)
    report = audit_verify()
    assert report.ok and report.checked == 2 and report.pending == 0


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_row_and_no_seal(django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks(execute=True) as hooks, pytest.raises(RuntimeError),
          transaction.atomic()):
        audit_record(actor=None, verb="a", object_type="t", object_id="1")
        raise RuntimeError
    assert hooks == [] and AuditEvent.objects.count() == 0


@pytest.fixture
def sealed(db):
    audit_seal()  # whatever a fixture wrote before
    _write(6)
    assert audit_seal() == 6
    return list(AuditEvent.objects.order_by("seq"))


def _broken(expected_seq: int, reason: str) -> None:
    report = audit_verify()
    assert not report.ok
    assert report.broken_at == expected_seq and reason in report.reason, report
    with pytest.raises(CommandError, match=f"BROKEN at position {expected_seq}"):
        call_command("audit", "verify")


def test_verify_says_ok_with_the_count(sealed, capsys):
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "audit chain OK: 6 rows" in out and sealed[-1].hash in out


def test_an_edited_row_is_found(sealed):
    AuditEvent.objects.filter(pk=sealed[2].pk).update(data={"i": 2, "text": "已改"})
    _broken(sealed[2].seq, "content does not match")


def test_an_edited_and_rehashed_row_breaks_the_next_link(sealed):
    row = AuditEvent.objects.get(pk=sealed[2].pk)
    row.verb = "something.else"
    row.hash = chain.hash_of(row, seq=row.seq, prev_hash=row.prev_hash)
    AuditEvent.objects.filter(pk=row.pk).update(verb=row.verb, hash=row.hash)
    _broken(sealed[3].seq, "does not point to the row before it")


def test_a_deleted_row_is_found(sealed):
    AuditEvent.objects.filter(pk=sealed[3].pk).delete()
    _broken(sealed[3].seq, "missing")


def test_rows_cut_off_the_end_are_found(sealed):
    AuditEvent.objects.filter(pk__in=[sealed[4].pk, sealed[5].pk]).delete()
    _broken(sealed[4].seq, "cut off")


def test_a_forged_actor_or_time_is_found(sealed):
    AuditEvent.objects.filter(pk=sealed[0].pk).update(created_at=sealed[1].created_at)
    _broken(sealed[0].seq, "content does not match")


def test_unsealed_rows_are_reported_and_sealed_by_the_command(sealed, capsys):
    with transaction.atomic():  # inside the test's transaction: the after-commit seal never runs
        audit_record(actor=None, verb="late", object_type="t", object_id="x")
    call_command("audit", "verify")
    assert "1 rows not sealed yet" in capsys.readouterr().out
    call_command("audit", "verify", "--seal")
    out = capsys.readouterr().out
    assert "audit chain OK: 7 rows" in out and "not sealed" not in out


def test_json_key_order_and_unicode_do_not_change_the_hash(db):
    _write(1, data={"b": 1, "a": {"z": "陈", "y": [1, 2.5, None]}})
    audit_seal()
    assert audit_verify().ok


def test_a_missing_head_continues_the_chain_instead_of_restarting_it(sealed):
    AuditChainHead.objects.all().delete()
    _write(1)
    audit_seal()
    assert AuditEvent.objects.order_by("-seq").first().seq == 7
    assert audit_verify().ok


# --- the admin only looks ---------------------------------------------------------------------

def test_the_admin_cannot_add_change_or_delete_audit_rows(sealed):
    admin = user_create(username="root", password="a-long-admin-password", is_superuser=True)
    client = Client()
    client.force_login(admin)
    row = sealed[0]
    base = "/admin/audit/auditevent/"
    assert client.get(base).status_code == 200  # may look
    assert client.get(f"{base}{row.pk}/change/").status_code == 200
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}add/", {"verb": "forged", "object_type": "t", "object_id": "1",
                                       "created_at": "2026-01-01 00:00"}).status_code == 403
    assert client.post(f"{base}{row.pk}/change/", {"verb": "forged"}).status_code == 403
    assert client.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(base, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert response.status_code in (200, 302)  # the action is not offered; nothing is deleted
    assert AuditEvent.objects.count() == len(sealed) + AuditEvent.objects.filter(seq__isnull=True).count()
    assert AuditEvent.objects.get(pk=row.pk).verb == row.verb
    audit_seal()
    assert audit_verify().ok
    assert "/admin/audit/auditchainhead/" not in client.get("/admin/").content.decode()


# --- concurrency: real commits from several connections ---------------------------------------

def _threads(count: int, target) -> None:
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            target(i)
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    per_thread = 25

    def writer(i: int) -> None:
        for n in range(per_thread):
            with transaction.atomic():
                audit_record(actor=None, verb="race", object_type="thread", object_id=f"{i}-{n}")

    _threads(2, writer)
    total = 2 * per_thread
    assert AuditEvent.objects.count() == total
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 0  # every writer sealed after commit
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    report = audit_verify()
    assert report.ok and report.checked == total


@pytest.mark.django_db(transaction=True)
def test_concurrent_sealers_take_turns():
    for i in range(40):
        AuditEvent.objects.create(verb="unsealed", object_type="t", object_id=str(i),
                                  created_at="2026-11-26T00:00:00Z")
    counts: list[int] = []
    _threads(4, lambda i: counts.append(audit_seal()))
    assert sum(counts) == 40  # each row sealed by exactly one of them
    assert audit_verify().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_row_committed_late_is_chained_after_rows_committed_before_it():
    """The case id order gets wrong on PostgreSQL: a transaction takes a smaller id, another one
    takes a larger id and commits first. Chaining by seal order puts the late row after it."""
    inserted, b_done = threading.Event(), threading.Event()
    ids: dict[str, int] = {}

    def slow(_i: int) -> None:
        with transaction.atomic():
            ids["slow"] = audit_record(actor=None, verb="slow", object_type="t", object_id="1").pk
            inserted.set()
            assert b_done.wait(timeout=30)

    def fast(_i: int) -> None:
        assert inserted.wait(timeout=30)
        with transaction.atomic():
            ids["fast"] = audit_record(actor=None, verb="fast", object_type="t", object_id="2").pk
        b_done.set()

    _threads(2, lambda i: (slow if i == 0 else fast)(i))
    assert ids["slow"] < ids["fast"]
    seq = dict(AuditEvent.objects.values_list("verb", "seq"))
    assert seq == {"fast": 1, "slow": 2}
    assert audit_verify().ok


# --- the migration seals the rows that existed before the chain -------------------------------

@pytest.mark.django_db(transaction=True)
def test_the_migration_hashes_existing_rows_in_id_order():
    executor = MigrationExecutor(connection)
    before = [("audit", "0002_field_labels")]
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("audit", "AuditEvent")
        for i in range(5):
            old.objects.create(verb="old", object_type="t", object_id=str(i), data={"i": i},
                               created_at="2026-11-01T08:00:00Z")
        executor = MigrationExecutor(connection)
        executor.migrate([("audit", "0003_hash_chain")])
    finally:
        MigrationExecutor(connection).migrate(latest)
    rows = list(AuditEvent.objects.order_by("id"))
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    report = audit_verify()
    assert report.ok and report.checked == 5
