"""The disputes app's rows of tests/test_authorization_matrix.py (plugin protocol) and how each
is called. The disputes looked at are in the first district's first community committee: the
area-scoped staff of the whole city see them, units (department scope) and the other district's
operator do not (404), and among the matrix's roles only the administrator holds the mediator's
permissions (the supervisor may also set the risk level). A mediator's own scope is proven in
tests/test_services.py::test_a_mediator_sees_only_their_committees_disputes."""

from datetime import timedelta

from django.urls import reverse

ACTIONS = {
    # action: (dispute state key, payload)
    "assign": ("registered", {"mediator": "mediator"}),
    "hold_session": ("assigned", {"summary": "双方到场陈述", "place": "调解室"}),
    "agree": ("mediating", {"terms": "赔偿两千元", "working_days": 5}),
    "follow_up": ("agreed", {"performance": "performed"}),
    "refer": ("registered", {"target": "up", "reason": "涉及多个社区"}),
    "withdraw": ("registered", {"reason": "当事人撤回"}),
    "assess_risk": ("registered", {"level": "high", "reason": "情绪激动"}),
    "bogus": ("registered", {}),
}
PAGE_ACTIONS = ("assign", "withdraw", "assess_risk")
SEES = {"operator", "dispatcher", "supervisor", "leader", "admin"}


def _scoped(h, ok: set[str], *, ok_status: int, anonymous: int, denied: int = 403) -> dict[str, int]:
    out = {}
    for role in h.ROLES:
        if role == "anonymous":
            out[role] = anonymous
        elif role in ok:
            out[role] = ok_status
        elif role in SEES:
            out[role] = denied
        else:
            out[role] = 404
    return out


def entries(h) -> dict[tuple[str, str], dict[str, int]]:
    rows = {
        ("GET", "api:disputes"): h.api_auth(200),
        # Registering for the community committee: a mediator's permission (here: the admin only).
        ("POST", "api:dispute-create"): h.api_auth(403, admin=201),
        ("POST", "api:dispute-convert"): {
            **h.case_scope({"operator", "admin"}, lead=False),
            "operator": 201,
            "admin": 201,
        },
        ("GET", "api:dispute-detail"): _scoped(h, SEES, ok_status=200, anonymous=401),
        ("GET", "api:dispute-events"): _scoped(h, SEES, ok_status=200, anonymous=401),
        ("GET", "disputes:list"): h.every(200, anonymous=302, resident=404),
        ("GET", "disputes:new"): h.every(404, anonymous=302, admin=200),
        ("POST", "disputes:new"): h.every(404, anonymous=302, admin=422),  # an empty form
        ("GET", "disputes:detail"): _scoped(h, SEES, ok_status=200, anonymous=302),
        ("GET", "disputes:agreement"): _scoped(h, SEES, ok_status=200, anonymous=302),
        ("GET", "disputes:case-panel"): h.page(200, set(h.STAFF) - {"operator_d2", "handler_jtj"}, lead=True),
        ("POST", "disputes:case-convert"): h.page(302, {"operator"}, lead=False),
    }
    for action in ACTIONS:
        ok = {"admin"} | ({"supervisor"} if action == "assess_risk" else set())
        if action == "bogus":
            rows[("POST", f"api:dispute-action[{action}]")] = _scoped(
                h, set(), ok_status=200, anonymous=401, denied=404
            )
        else:
            rows[("POST", f"api:dispute-action[{action}]")] = _scoped(h, ok, ok_status=200, anonymous=401)
        if action in PAGE_ACTIONS:
            rows[("POST", f"disputes:action[{action}]")] = _scoped(h, ok, ok_status=302, anonymous=302)
    return rows


def handles(base: str) -> bool:
    return base.startswith("disputes:") or base.startswith("api:dispute")


def setup(world) -> None:
    from shiyu.core import clock
    from shiyu.disputes import services
    from shiyu.disputes.services import PartyInput

    city, admin = world.city, world.city.users["admin"]
    mediator = city.users["mediator"]

    def new(title: str):
        return services.dispute_register(
            actor=admin,
            title=title,
            description="楼上装修漏水，协商未果。",
            type_code="neighbour",
            area_id=city.grids[0].pk,
            parties=[PartyInput(side="applicant", name="陈美华", contact="13912345678")],
        )

    disputes = {key: new(f"纠纷-{key}") for key in ("registered", "assigned", "mediating", "agreed")}
    for key in ("assigned", "mediating", "agreed"):
        services.dispute_assign(actor=admin, dispute_id=disputes[key].pk, mediator_id=mediator.pk)
    for key in ("mediating", "agreed"):
        services.dispute_session_record(
            actor=admin,
            dispute_id=disputes[key].pk,
            held_at=clock.now() - timedelta(hours=1),
            summary="双方陈述",
        )
    services.dispute_agree(actor=admin, dispute_id=disputes["agreed"].pk, terms="赔偿两千元", working_days=5)
    world.extra["disputes"] = {key: d.pk for key, d in disputes.items()}


def snapshot() -> tuple:
    from shiyu.disputes.models import Agreement, Dispute, DisputeEvent, MediationSession, Party

    return (
        tuple(
            Dispute.objects.order_by("pk").values_list(
                "pk", "state", "version", "committee_id", "risk_level", "case_id"
            )
        ),
        DisputeEvent.objects.count(),
        Party.objects.count(),
        MediationSession.objects.count(),
        Agreement.objects.count(),
    )


def _payload(world, action: str) -> tuple[int, dict]:
    key, raw = ACTIONS[action]
    payload = dict(raw)
    if payload.get("mediator") == "mediator":
        payload["mediator"] = world.city.users["mediator"].pk
    if action == "hold_session":
        from shiyu.core import clock

        payload["held_at"] = (clock.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    return world.extra["disputes"][key], payload


def call(world, method: str, base: str, sub: str, role: str, *, client, headers):
    ids = world.extra["disputes"]
    api = base.startswith("api:")
    if base == "api:disputes":
        return client.get(reverse(base), headers=headers)
    if base == "api:dispute-create":
        body = {
            "title": "邻里噪音",
            "description": "楼上夜间噪音。",
            "type": "neighbour",
            "area": world.city.grids[0].pk,
            "parties": [{"side": "applicant", "name": "王五"}],
        }
        return client.post(reverse(base), body, content_type="application/json", headers=headers)
    if base == "api:dispute-convert":
        url = reverse(base, kwargs={"case_id": world.cases["submitted"].pk})
        return client.post(url, {"type": "property"}, content_type="application/json", headers=headers)
    if base in ("api:dispute-detail", "api:dispute-events", "disputes:detail"):
        return client.get(reverse(base, kwargs={"dispute_id": ids["registered"]}), headers=headers)
    if base == "disputes:agreement":
        return client.get(reverse(base, kwargs={"dispute_id": ids["agreed"]}))
    if base in ("api:dispute-action", "disputes:action"):
        dispute_id, payload = _payload(world, sub)
        url = reverse(base, kwargs={"dispute_id": dispute_id, "action": sub})
        if api:
            return client.post(url, payload, content_type="application/json", headers=headers)
        return client.post(url, payload)
    if base == "disputes:list":
        return client.get(reverse(base))
    if base == "disputes:new":
        return client.post(reverse(base), {}) if method == "POST" else client.get(reverse(base))
    if base == "disputes:case-panel":
        return client.get(reverse(base, kwargs={"case_id": world.cases["read"].pk}))
    if base == "disputes:case-convert":
        return client.post(
            reverse(base, kwargs={"case_id": world.cases["submitted"].pk}), {"type": "property"}
        )
    raise AssertionError(f"no call for {method} {base}")
