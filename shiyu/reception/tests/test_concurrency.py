"""Many residents book the last slots at the same moment: the capacity holds.

Each thread has its own database connection (a file-based SQLite test database or PostgreSQL),
so what is under test is the database's own locking (IMMEDIATE transactions / SELECT FOR UPDATE)."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connections

from shiyu.core import clock, errors
from shiyu.reception import services
from shiyu.reception.models import Booking

pytestmark = pytest.mark.django_db(transaction=True)


def race(calls):
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i, call):
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
        t.join(timeout=90)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    return results


def test_concurrent_bookings_never_exceed_capacity_nor_double_book(city):
    start = clock.now() + timedelta(days=1)
    session = services.session_create(
        actor=city.users["operator"],
        leader_id=city.users["leader"].pk,
        leader_title="周市长",
        place="市民中心",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=3,
    )
    phones = [f"139000000{i:02d}" for i in range(6)] + ["13900000000", "13900000001"]  # two twins

    def booking(phone):
        return lambda: services.booking_create(
            actor=AnonymousUser(), session_id=session.pk, topic="诉求", name="居民", phone=phone
        )

    results = race([booking(p) for p in phones])
    made = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, errors.Conflict)]
    assert len(made) == 3 and len(refused) == len(phones) - 3, results
    assert Booking.objects.filter(session=session, status="active").count() == 3
    assert len({b.phone_key for b in Booking.objects.filter(session=session)}) == 3
