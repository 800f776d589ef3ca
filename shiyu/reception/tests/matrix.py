"""The reception app's rows of tests/test_authorization_matrix.py (plugin protocol) and how each
is called. The session is city-wide (no area), led by the demo leader: the schedule and booking
are public; running the session (walk-ins, visits) needs `reception_manage` (operators and
leaders of the city), handing a visit's case to a unit needs `reception_assign` (the leader)."""

from datetime import timedelta

from django.urls import reverse

SEES = {"operator", "dispatcher", "supervisor", "leader", "admin", "operator_d2"}


def _staff(h, ok: set[str], *, ok_status: int, anonymous: int, denied: int = 403) -> dict[str, int]:
    out = {}
    for role in h.ROLES:
        if role == "anonymous":
            out[role] = anonymous
        elif role in ok:
            out[role] = ok_status
        elif role in SEES:
            out[role] = denied
        else:
            out[role] = 404  # residents (not staff) and units (no area): they do not find the session
    return out


def entries(h) -> dict[tuple[str, str], dict[str, int]]:
    manage = {"operator", "leader", "admin"}
    return {
        ("GET", "api:reception-sessions"): h.every(200),
        ("GET", "api:reception-session"): h.every(200),
        ("POST", "api:reception-book"): h.every(201),
        ("POST", "api:reception-cancel"): h.every(200),
        ("GET", "api:reception-bookings"): _staff(h, manage, ok_status=200, anonymous=401),
        ("GET", "api:reception-report"): _staff(h, SEES, ok_status=200, anonymous=401),
        ("GET", "reception-public:sessions"): h.every(200),
        ("GET", "reception-public:session"): h.every(200),
        ("POST", "reception-public:session"): h.every(422),  # an empty form: refused, nothing made
        ("GET", "reception-public:booking"): h.every(200),
        ("POST", "reception-public:cancel"): h.every(302),
        ("GET", "reception:sessions"): h.every(200, anonymous=302, resident=404),
        ("GET", "reception:session-new"): h.every(
            403, anonymous=302, resident=404, operator=200, leader=200, admin=200, operator_d2=200
        ),
        # An empty form: invalid for who may schedule city-wide; the district operator may not.
        ("POST", "reception:session-new"): h.every(
            403, anonymous=302, resident=404, operator=422, leader=422, admin=422
        ),
        ("GET", "reception:session"): _staff(h, SEES, ok_status=200, anonymous=302),
        ("POST", "reception:walk-in"): _staff(h, manage, ok_status=302, anonymous=302),
        ("POST", "reception:visit"): _staff(h, manage, ok_status=302, anonymous=302),
        ("POST", "reception:assign"): _staff(h, {"leader", "admin"}, ok_status=302, anonymous=302),
    }


def handles(base: str) -> bool:
    return base.startswith("reception") or base.startswith("api:reception")


def setup(world) -> None:
    from django.contrib.auth.models import AnonymousUser

    from shiyu.core import clock
    from shiyu.reception import services

    u = world.city.users
    start = clock.now() + timedelta(days=3)
    session = services.session_create(
        actor=u["operator"],
        leader_id=u["leader"].pk,
        leader_title="周市长",
        place="市民中心",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=20,
        topics="住房",
    )

    def book(phone: str):
        return services.booking_create(
            actor=AnonymousUser(), session_id=session.pk, topic="电梯故障", name="陈美华", phone=phone
        )

    cancel, visit, visited = book("13900000001"), book("13900000002"), book("13900000003")
    services.visit_record(
        actor=u["operator"], booking_id=visited.pk, title="电梯故障", body="三号楼电梯坏了。"
    )
    world.extra["reception"] = {
        "session": session.pk,
        "cancel": cancel.code,
        "visit": visit.pk,
        "visited": visited.pk,
    }


def snapshot() -> tuple:
    from shiyu.reception.models import Booking, ReceptionSession

    return (
        ReceptionSession.objects.count(),
        tuple(Booking.objects.order_by("pk").values_list("pk", "status", "case_id")),
    )


def call(world, method: str, base: str, sub: str, role: str, *, client, headers):
    r = world.extra["reception"]
    session = {"session_id": r["session"]}
    if base == "api:reception-sessions":
        return client.get(reverse(base), headers=headers)
    if base in ("api:reception-session", "api:reception-bookings", "api:reception-report"):
        return client.get(reverse(base, kwargs=session), headers=headers)
    if base == "api:reception-book":
        body = {"topic": "学校门口拥堵", "name": "王五", "phone": "13711112222"}
        return client.post(
            reverse(base, kwargs=session), body, content_type="application/json", headers=headers
        )
    if base == "api:reception-cancel":
        return client.post(reverse(base, kwargs={"code": r["cancel"]}), headers=headers)
    if base in ("reception-public:sessions", "reception:sessions"):
        return client.get(reverse(base))
    if base == "reception-public:session":
        url = reverse(base, kwargs=session)
        return client.post(url, {}) if method == "POST" else client.get(url)
    if base == "reception-public:booking":
        return client.get(reverse(base, kwargs={"code": r["cancel"]}))
    if base == "reception-public:cancel":
        return client.post(reverse(base, kwargs={"code": r["cancel"]}), {})
    if base == "reception:session-new":
        return client.post(reverse(base), {}) if method == "POST" else client.get(reverse(base))
    if base == "reception:session":
        return client.get(reverse(base, kwargs=session))
    if base == "reception:walk-in":
        return client.post(reverse(base, kwargs=session), {"name": "张三", "phone": "", "topic": "低保"})
    if base == "reception:visit":
        return client.post(
            reverse(base, kwargs=session),
            {"booking": r["visit"], "title": "电梯故障", "body": "三号楼电梯坏了。"},
        )
    if base == "reception:assign":
        dept = world.city.departments["ZJJ"].pk
        return client.post(reverse(base, kwargs=session), {"booking": r["visited"], "department": dept})
    raise AssertionError(f"no call for {method} {base}")
