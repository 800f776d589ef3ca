"""The alerts app's rows of tests/test_authorization_matrix.py (plugin protocol) and their calls.

The alert looked at is in district 1 with HBJ responsible (like the matrix's case): the other
district's operator and the other unit's handler do not find it; alert_handle (supervisor,
leader, unithead, admin) may act on it. Each role acts on its own alert, so one role's success
does not turn the next role's call into a conflict."""

from django.urls import reverse

from shiyu.alerts.models import Alert

ROLES_SEE = {"operator", "dispatcher", "handler", "unithead", "supervisor", "leader", "admin"}
HANDLERS = {"unithead", "supervisor", "leader", "admin"}
ACTIONS = ("acknowledge", "resolve", "false_alarm")
API_ACTIONS = {"api:alert-acknowledge": "acknowledge", "api:alert-resolve": "resolve",
               "api:alert-false-alarm": "false_alarm"}
NO_CHANGE = {("POST", f"alerts:action[{a}]"): {"anonymous"} for a in ACTIONS}


def _page(h, ok: int, *, see: set[str] | None = None, act: set[str] | None = None) -> dict[str, int]:
    out = {}
    for role in h.ROLES:
        if role == "anonymous":
            out[role] = 302
        elif role == "resident" or (see is not None and role not in see):
            out[role] = 404
        elif act is not None and role not in act:
            out[role] = 403
        else:
            out[role] = ok
    return out


def _api(h, ok: int, *, see: set[str] | None = None, act: set[str] | None = None) -> dict[str, int]:
    out = {}
    for role in h.ROLES:
        if role == "anonymous":
            out[role] = 401
        elif see is not None and role not in see:
            out[role] = 404
        elif act is not None and role not in act:
            out[role] = 403
        else:
            out[role] = ok
    return out


def entries(h) -> dict[tuple[str, str], dict[str, int]]:
    rows = {
        ("GET", "alerts:list"): _page(h, 200),
        ("GET", "alerts:hot-issues"): _page(h, 200),
        ("GET", "alerts:detail"): _page(h, 200, see=ROLES_SEE),
        ("GET", "api:alerts"): _api(h, 200),  # a resident gets an empty list
        ("GET", "api:hot-issues"): _api(h, 200, see=set(h.STAFF)),
        ("GET", "api:alert-detail"): _api(h, 200, see=ROLES_SEE),
    }
    for action in ACTIONS:
        rows[("POST", f"alerts:action[{action}]")] = _page(h, 302, see=ROLES_SEE, act=HANDLERS)
    for name in API_ACTIONS:
        rows[("POST", name)] = _api(h, 200, see=ROLES_SEE, act=HANDLERS)
    return rows


def handles(base: str) -> bool:
    return base.startswith(("alerts:", "api:alert")) or base == "api:hot-issues"


def setup(world) -> None:
    from shiyu.alerts.services import alert_raise

    case = world.cases["read"]
    district = case.area
    while district is not None and district.level != "district":
        district = district.parent
    hbj = world.city.departments["HBJ"]

    def make(key: str) -> Alert:
        alert, _ = alert_raise(kind=Alert.Kind.SPIKE, dedupe_key=f"matrix:{key}", title=f"矩阵 {key}",
                               day=case.submitted_at.date(), area_id=district.pk if district else None,
                               category_id=case.category_id, department_id=hbj.pk, observed=9, expected=2.0,
                               p_value=1e-5)
        return alert

    world.extra["alerts"] = {"read": make("read"), **{
        (action, role): make(f"{action}:{role}") for action in (*ACTIONS, *API_ACTIONS)
        for role in ("anonymous", "resident", *world.tokens)}}


def snapshot() -> tuple:
    return tuple(Alert.objects.order_by("pk").values_list("pk", "status", "note", "resolution"))


def call(world, method: str, base: str, sub: str, role: str, *, client, headers):
    alerts = world.extra["alerts"]
    if base == "alerts:detail":
        return client.get(reverse(base, kwargs={"alert_id": alerts["read"].pk}))
    if base == "alerts:action":
        alert = alerts[(sub, role)]
        return client.post(reverse(base, kwargs={"alert_id": alert.pk, "action": sub}),
                           {"note": "已安排排查"})
    if base == "api:alert-detail":
        return client.get(reverse(base, kwargs={"alert_id": alerts["read"].pk}), headers=headers)
    if base in API_ACTIONS:
        alert = alerts[(base, role)]
        return client.post(reverse(base, kwargs={"alert_id": alert.pk}), {"note": "已安排排查"},
                           content_type="application/json", headers=headers)
    if base.startswith("api:"):
        return client.get(reverse(base), headers=headers)
    return client.get(reverse(base))
