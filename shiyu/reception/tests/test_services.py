"""Reception sessions, bookings and visits against a real database."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from shiyu.audit.models import AuditEvent
from shiyu.cases.models import Case
from shiyu.core import clock, errors
from shiyu.reception import selectors, services
from shiyu.reception.models import Booking

pytestmark = pytest.mark.django_db
ANON = AnonymousUser()


def make_session(city, *, capacity=2, starts_in=timedelta(days=2), area=None):
    start = clock.now() + starts_in
    return services.session_create(
        actor=city.users["operator"],
        leader_id=city.users["leader"].pk,
        leader_title="周市长",
        place="市民中心三楼接待室",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=capacity,
        topics="住房、物业",
        area_id=area.pk if area else None,
    )


def book(session, phone, *, actor=ANON, name="陈美华", topic="小区电梯长期故障"):
    return services.booking_create(actor=actor, session_id=session.pk, topic=topic, name=name, phone=phone)


def test_capacity_double_booking_and_cancellation(city):
    session = make_session(city, capacity=2)
    first = book(session, "139 1234 5678")
    with pytest.raises(errors.Conflict):  # the same phone, written differently
        book(session, "+86 13912345678", name="陈女士")
    book(session, "13800001111")
    with pytest.raises(errors.Conflict):  # full
        book(session, "13700002222")
    assert (
        selectors.session_public_dict(selectors.session_get_public(session_id=session.pk))["remaining"] == 0
    )
    services.booking_cancel(actor=ANON, code=first.code.lower())
    with pytest.raises(errors.Conflict):
        services.booking_cancel(actor=ANON, code=first.code)
    again = book(session, "13912345678")  # the freed slot; the cancelled person may book again
    assert again.status == "active" and again.code != first.code
    with pytest.raises(errors.Conflict):
        book(session, "13700002222")
    assert Booking.objects.filter(session=session, status="active").count() == 2


def test_capacity_counts_only_active_booked_slots(city):
    session = make_session(city, capacity=1)
    services.walk_in_register(
        actor=city.users["operator"], session_id=session.pk, name="张三", phone="", topic="低保申请"
    )
    b = book(session, "13912345678")  # walk-ins do not take the booked slot
    with pytest.raises(errors.Conflict):
        book(session, "13800001111")
    services.booking_cancel(actor=ANON, code=b.code)
    book(session, "13800001111")


def test_signed_in_resident_books_once(city):
    session = make_session(city)
    resident = city.users["resident"]
    b = services.booking_create(actor=resident, session_id=session.pk, topic="学校门口交通拥堵")
    assert b.resident == resident and b.name == resident.display_name
    with pytest.raises(errors.Conflict):
        services.booking_create(actor=resident, session_id=session.pk, topic="again")


def test_bad_input_and_closed_sessions_change_nothing(city):
    session = make_session(city)
    before = Booking.objects.count()
    with pytest.raises(errors.InvalidInput):
        book(session, "")  # anonymous: a phone is required
    with pytest.raises(errors.InvalidInput):
        book(session, "12")
    with pytest.raises(errors.InvalidInput):
        book(session, "13912345678", name="")
    with pytest.raises(errors.InvalidInput):
        book(session, "13912345678", topic=" ")
    assert Booking.objects.count() == before
    with clock.frozen_at(session.starts_at + timedelta(minutes=1)), pytest.raises(errors.InvalidInput):
        book(session, "13912345678")
    with pytest.raises(errors.Forbidden):
        services.session_create(
            actor=city.users["dispatcher"],
            leader_id=city.users["leader"].pk,
            leader_title="x",
            place="y",
            starts_at=clock.now() + timedelta(days=1),
            ends_at=clock.now() + timedelta(days=1, hours=1),
            capacity=3,
        )
    with pytest.raises(errors.InvalidInput):  # not a leader
        services.session_create(
            actor=city.users["operator"],
            leader_id=city.users["handler"].pk,
            leader_title="x",
            place="y",
            starts_at=clock.now() + timedelta(days=1),
            ends_at=clock.now() + timedelta(days=1, hours=1),
            capacity=3,
        )


def test_personal_data_is_encrypted_and_masked(city):
    session = make_session(city)
    book(session, "13912345678")
    with connection.cursor() as cur:
        cur.execute("SELECT name, phone FROM reception_booking")
        name, phone = cur.fetchone()
    assert "陈美华" not in name and "13912345678" not in phone
    rows = selectors.bookings_for_staff(actor=city.users["operator"], session_id=session.pk)
    assert rows[0]["name"] == "陈**" and rows[0]["phone"] == "139****5678"
    public = selectors.session_public_dict(selectors.session_get_public(session_id=session.pk))
    assert "陈" not in str(public) and "139" not in str(public)
    audit = str(list(AuditEvent.objects.values_list("data", flat=True)))
    assert "13912345678" not in audit and "陈美华" not in audit


def test_a_visit_becomes_a_reception_case_the_leader_assigns_and_follows(city):
    session = make_session(city, area=city.districts[0])
    b = book(session, "13912345678")
    op, leader = city.users["operator"], city.users["leader"]
    b = services.visit_record(
        actor=op, booking_id=b.pk, title="电梯长期故障", body="小区3号楼电梯坏了两个月。", category="C010202"
    )
    case = Case.objects.get(pk=b.case_id)
    assert case.channel == "reception" and case.contact_phone == "13912345678"
    assert b.status == "visited"
    with pytest.raises(errors.Conflict):
        services.visit_record(actor=op, booking_id=b.pk, title="x", body="y")
    with pytest.raises(errors.Forbidden):  # only the leader assigns
        services.visit_assign(actor=op, booking_id=b.pk, lead_department_id=city.departments["ZJJ"].pk)
    case = services.visit_assign(
        actor=leader,
        booking_id=b.pk,
        lead_department_id=city.departments["ZJJ"].pk,
        note="请住建局一周内解决",
    )
    assert case.state == "dispatched" and case.lead_department == city.departments["ZJJ"]
    assert case.events.filter(action="dispatch", note="请住建局一周内解决").exists()
    report = selectors.session_report(actor=leader, session_id=session.pk)
    assert report["raised"] == 1 and report["resolved"] == 0 and report["visited"] == 1
    rows = selectors.bookings_for_staff(actor=leader, session_id=session.pk)
    assert (
        rows[0]["case"]["code"] == case.code and rows[0]["case"]["department"] == city.departments["ZJJ"].name
    )
    # Another district's operator does not find the session.
    with pytest.raises(errors.NotFound):
        services.walk_in_register(
            actor=city.users["operator_d2"], session_id=session.pk, name="x", phone="", topic="y"
        )
