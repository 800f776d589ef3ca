"""Two people at the same moment: exactly one wins, the other is told, one event is written.

Each thread has its own database connection (a file-based SQLite test database or PostgreSQL;
see config/settings/test.py), so the locking under test is the database's own.
"""

import json
import threading
from collections.abc import Callable

import pytest
from django.db import connections
from django.test import Client

from shiyu.cases import services
from shiyu.cases.models import Case, CaseEvent
from shiyu.core import errors
from shiyu.intake.models import IdempotencyKey

# transaction=True: the threads must see each other's commits. The flush after each test removes
# the rows the data migrations made; the migration_data fixture (conftest.py) puts them back.
# (serialized_rollback would too, but clashes with the content types post_migrate recreates.)
pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls: Callable[[], object]) -> list[object]:
    """Run the calls in threads released together; each result is a value or the exception."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001  (the exception is the result under test)
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    return results


@pytest.fixture
def world(migration_data):
    from shiyu.demo.city import build_city

    return build_city(small=True)


def _dispatched(world) -> Case:
    from shiyu.cases.services import CaseInput
    from shiyu.intake.services import intake_submit

    case, _ = intake_submit(actor=None, data=CaseInput(title="施工噪音", body="夜间施工噪音扰民",
                                                       category="C020101", area=world.grids[0].pk))
    services.case_accept(actor=world.users["operator"], case_id=case.pk)
    return services.case_dispatch(actor=world.users["dispatcher"], case_id=case.pk,
                                  lead_department=world.departments["HBJ"])


def _fresh(user):
    return type(user).objects.get(pk=user.pk)  # one user object per thread (grants are cached on it)


def _acknowledge_race(world, with_version: bool) -> None:
    case = _dispatched(world)
    version = case.version if with_version else None
    handler, unithead = _fresh(world.users["handler"]), _fresh(world.users["unithead"])
    results = race(
        lambda: services.case_acknowledge(actor=handler, case_id=case.pk, version=version),
        lambda: services.case_acknowledge(actor=unithead, case_id=case.pk, version=version))
    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if not isinstance(r, Case)]
    assert len(winners) == 1, results
    assert len(losers) == 1 and isinstance(losers[0], errors.Conflict), results
    if not with_version:
        # Without a version the loser sees the new state: the move is no longer possible.
        assert isinstance(losers[0], errors.IllegalTransition)
    case.refresh_from_db()
    assert case.state == "in_progress"
    assert case.version == CaseEvent.objects.filter(case=case).count()  # one event per version step
    assert CaseEvent.objects.filter(case=case, action="acknowledge").count() == 1


@pytest.mark.parametrize("with_version", [True, False])
def test_two_staff_acknowledge_at_once(world, with_version):
    for _ in range(3):  # a few rounds, so the threads really do overlap at least once
        _acknowledge_race(world, with_version)


def _transfer_or_reply_race(world) -> None:
    case = _dispatched(world)
    case = services.case_acknowledge(actor=world.users["handler"], case_id=case.pk)
    v = case.version
    dispatcher, handler = _fresh(world.users["dispatcher"]), _fresh(world.users["handler"])
    results = race(
        lambda: services.case_transfer(actor=dispatcher, case_id=case.pk, version=v,
                                       lead_department=world.departments["CGJ"]),
        lambda: services.case_reply(actor=handler, case_id=case.pk, version=v, text="已处理"))
    assert sum(isinstance(r, Case) for r in results) == 1, results
    assert sum(isinstance(r, errors.Conflict) for r in results) == 1, results
    case.refresh_from_db()
    assert case.version == v + 1
    assert CaseEvent.objects.filter(case=case, action__in=["transfer", "reply"]).count() == 1
    assert case.state == ("dispatched" if isinstance(results[0], Case) else "replied")


def test_different_actions_at_once(world):
    """The dispatcher moves the case while the handler replies to it: one of them wins."""
    for _ in range(3):
        _transfer_or_reply_race(world)


BODY = {"title": "电梯故障", "body": "3号楼电梯停运两天", "category": "C010202"}


def _post(body: dict, key: str):
    response = Client().post("/api/v1/cases", data=json.dumps(body), content_type="application/json",
                             headers={"Idempotency-Key": key})
    return response.status_code, response.json()


def test_idempotent_intake_under_concurrency(world):
    results = race(*[lambda: _post(BODY, "retry-key-1") for _ in range(8)])
    assert all(isinstance(r, tuple) for r in results), results
    statuses = sorted(r[0] for r in results)
    assert statuses == [200] * 7 + [201], results
    codes = {r[1]["code"] for r in results}
    assert len(codes) == 1
    assert Case.objects.count() == 1 and Case.objects.get().code == codes.pop()
    assert CaseEvent.objects.count() == 1 and IdempotencyKey.objects.count() == 1

    # The same key with a different body is a client bug, not a retry.
    status, body = _post({**BODY, "body": "另一件事"}, "retry-key-1")
    assert status == 409 and body["code"] == "conflict" and body["message"]
    assert Case.objects.count() == 1
    # A different key is a different submission.
    status, _ = _post(BODY, "retry-key-2")
    assert status == 201 and Case.objects.count() == 2
