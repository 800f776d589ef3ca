"""Who may call what: every endpoint × every role, with the status each must get.

MATRIX is the declaration. A test fails when the URL conf has an endpoint the matrix does not
list, so a new endpoint must say who may use it. Every denial must leave the data unchanged.
The Django admin (/admin/) is excluded by the explicit rule in `EXCLUDED_NAMESPACES`: it has its
own permission system and is configuration, not the product's workflow.
"""

import importlib
from copy import deepcopy
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config.api import api
from shiyu.accounts.services import token_issue
from shiyu.audit.models import AuditEvent
from shiyu.cases import services
from shiyu.cases.models import Case, CaseEvent
from shiyu.cases.services.dispatch import VERBS
from shiyu.intake.models import IdempotencyKey
from shiyu.notifications.tests import matrix as notifications_matrix
from shiyu.open311.tests import matrix as open311_matrix
from shiyu.routing.tests import matrix as routing_matrix
from tests.support import module_transaction

pytestmark = pytest.mark.django_db

PASSWORD = "shiyu-demo"  # noqa: S105  (the demo accounts' documented password)
ROLES = ["anonymous", "resident", "operator", "dispatcher", "handler", "unithead", "supervisor", "leader",
         "admin", "operator_d2", "handler_jtj"]
STAFF = [r for r in ROLES if r not in ("anonymous", "resident")]
EXCLUDED_NAMESPACES = {"admin"}  # the Django admin: see the module docstring
# Audit rows a successful call is meant to write even on reads; a denial writes none of them either.
READ_AUDIT_VERBS = ("token.issue", "case.contact.view")


def every(status: int, **overrides: int) -> dict[str, int]:
    return {role: overrides.get(role, status) for role in ROLES}


def api_auth(status: int, **overrides: int) -> dict[str, int]:
    """A bearer-token endpoint: anonymous callers get 401."""
    return every(status, anonymous=401, **overrides)


def case_scope(ok: set[str], *, lead: bool, owner: bool = False, denied: int = 403,
               anonymous: int = 401, resident: int | None = None) -> dict[str, int]:
    """An endpoint on one case in district 1 (lead unit HBJ when `lead`).

    Who cannot see the case gets 404 (the other district's operator; units that are not the
    lead; residents unless they submitted it); who sees it but lacks the permission gets `denied`.
    """
    out = {"anonymous": anonymous}
    for role in ROLES[1:]:
        if role in ok:
            out[role] = 200
        elif role in ("operator_d2", "handler_jtj") or (role in ("handler", "unithead") and not lead):
            out[role] = 404
        elif role == "resident":
            out[role] = resident if resident is not None else (denied if owner else 404)
        else:
            out[role] = denied
    return out


def action(ok: set[str], *, lead: bool) -> dict[str, int]:
    return case_scope(ok | {"admin"}, lead=lead)


def page(ok_status: int, ok: set[str], *, lead: bool, denied: int = 403) -> dict[str, int]:
    """A staff page on one case: anonymous → 302 to sign in; residents are not staff → 404."""
    out = case_scope(ok | {"admin"}, lead=lead, denied=denied, anonymous=302, resident=404)
    return {role: (ok_status if role in ok | {"admin"} else s) for role, s in out.items()}


def _plugins() -> list:
    """Each app's `tests/matrix.py` that follows the plugin protocol (it defines `handles`).

    A plugin module defines:
    - `entries(h) -> {(method, url name): {role: status}}`; `h` carries every, api_auth, page,
      case_scope, action, ROLES and STAFF;
    - `handles(base) -> bool`: the url names (without the `[sub]` part) it knows how to call;
    - `call(world, method, base, sub, role, *, client, headers)`: make the request. `client` is the
      role's signed-in Django test client for pages, the shared API client for `api:` names
      (send `headers`, which carries the role's bearer token);
    - optionally `setup(world)` (build what its calls need, kept in `world.extra[<app label>]`),
      `snapshot() -> tuple` (its rows that a denial must leave unchanged) and
      `NO_CHANGE = {(method, name): {roles}}` (calls that answer below 400 but change nothing).
    """
    found = []
    for config in django_apps.get_app_configs():
        if not config.name.startswith("shiyu."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.matrix")
        except ModuleNotFoundError as exc:
            if exc.name in (f"{config.name}.tests", f"{config.name}.tests.matrix"):
                continue
            raise
        if hasattr(module, "handles"):
            found.append(module)
    return found


PLUGINS = _plugins()
HELPERS = SimpleNamespace(every=every, api_auth=api_auth, page=page, case_scope=case_scope, action=action,
                          ROLES=ROLES, STAFF=STAFF)

MATRIX: dict[tuple[str, str], dict[str, int]] = {
    # --- the JSON API -------------------------------------------------------------------------
    ("GET", "api:openapi-json"): every(200),
    ("GET", "api:openapi-view"): every(200),
    ("GET", "api:api-root"): every(404),
    ("POST", "api:auth-token"): every(200, anonymous=422),  # anonymous: a wrong password
    ("GET", "api:me"): api_auth(200),
    ("GET", "api:departments"): api_auth(200),
    ("GET", "api:areas"): api_auth(200),
    ("GET", "api:area-lookup"): every(200),  # reference data: a resident's app places a point
    ("GET", "api:area-boundaries"): every(200),
    ("GET", "api:map-cases"): api_auth(200),  # scoped like the case list (a resident: own cases)
    ("GET", "api:map-heat"): api_auth(200),
    ("GET", "api:map-public"): every(200),  # counts per hexagon only
    ("GET", "api:categories"): every(200),
    ("GET", "api:case-list"): api_auth(200),
    ("POST", "api:case-create"): every(201),
    ("GET", "api:case-detail"): case_scope(set(STAFF) - {"operator_d2", "handler_jtj"} | {"resident"},
                                           lead=True),
    ("GET", "api:case-events"): case_scope(set(STAFF) - {"operator_d2", "handler_jtj"} | {"resident"},
                                           lead=True),
    ("GET", "api:case-contact"): case_scope({"operator", "handler", "unithead", "admin"}, lead=True,
                                            owner=True),
    ("GET", "api:track"): every(200),
    ("POST", "api:track-feedback"): every(200),
    ("POST", "api:track-reopen"): every(200),
    ("POST", "api:case-action[accept]"): action({"operator"}, lead=False),
    ("POST", "api:case-action[reject]"): action({"operator"}, lead=False),
    ("POST", "api:case-action[merge]"): action({"operator"}, lead=False),
    ("POST", "api:case-action[answer]"): action({"operator"}, lead=False),
    ("POST", "api:case-action[dispatch]"): action({"dispatcher"}, lead=False),
    ("POST", "api:case-action[transfer]"): action({"dispatcher"}, lead=True),
    ("POST", "api:case-action[acknowledge]"): action({"handler", "unithead"}, lead=True),
    ("POST", "api:case-action[return]"): action({"handler", "unithead"}, lead=True),
    ("POST", "api:case-action[reply]"): action({"handler", "unithead"}, lead=True),
    ("POST", "api:case-action[follow_up]"): action({"operator"}, lead=True),
    ("POST", "api:case-action[close]"): action({"operator"}, lead=True),
    ("POST", "api:case-action[reopen]"): action({"operator", "supervisor"}, lead=True),
    ("POST", "api:case-action[extend_request]"): action({"handler"}, lead=True),
    ("POST", "api:case-action[extend_approve]"): action({"unithead", "supervisor"}, lead=True),
    ("POST", "api:case-action[extend_deny]"): action({"unithead", "supervisor"}, lead=True),
    ("POST", "api:case-action[urge]"): action({"supervisor"}, lead=True),
    ("POST", "api:case-action[escalate]"): action({"supervisor"}, lead=True),
    ("POST", "api:case-action[pause]"): action({"handler", "unithead"}, lead=True),
    ("POST", "api:case-action[resume]"): action({"handler", "unithead"}, lead=True),
    ("POST", "api:case-action[reply_approve]"): action({"supervisor"}, lead=True),
    ("POST", "api:case-action[reply_reject]"): action({"supervisor"}, lead=True),
    ("POST", "api:case-action[comment]"): action(
        {"operator", "dispatcher", "handler", "unithead", "supervisor", "leader"}, lead=True),
    # An action that does not exist: 404 for whoever sees the case.
    ("POST", "api:case-action[bogus]"): case_scope(set(), lead=True, denied=404),
    # --- resident portal (public; the tracking code is the capability) ------------------------
    ("GET", "portal:home"): every(200),
    ("GET", "portal:submit"): every(200),
    ("POST", "portal:submit"): every(422),  # an empty form: refused, nothing made
    ("GET", "portal:submitted"): every(200),
    ("GET", "portal:track"): every(200),
    ("GET", "portal:track-detail"): every(200),
    ("POST", "portal:track-feedback"): every(302),
    ("POST", "portal:track-reopen"): every(302),
    # --- staff pages ---------------------------------------------------------------------------
    ("GET", "cases:workbench"): every(200, anonymous=302, resident=404),
    ("GET", "cases:case"): page(200, set(STAFF) - {"operator_d2", "handler_jtj"}, lead=True),
    ("POST", "cases:case-action[accept]"): page(302, {"operator"}, lead=False),
    ("POST", "cases:case-action[acknowledge]"): page(302, {"handler", "unithead"}, lead=True),
    ("POST", "cases:case-action[comment]"): page(
        302, {"operator", "dispatcher", "handler", "unithead", "supervisor", "leader"}, lead=True),
    ("POST", "cases:case-contact"): page(200, {"operator", "handler", "unithead"}, lead=True),
    # Bulk accept: roles without "accept" are refused outright; the other district's operator is
    # let through but its one case fails (not visible), so nothing changes for it either.
    ("POST", "cases:bulk"): every(403, anonymous=302, resident=404, operator=302, admin=302,
                                  operator_d2=302),
    # --- maps ---------------------------------------------------------------------------------
    ("GET", "maps:staff"): every(200, anonymous=302, resident=404),
    ("GET", "maps:public"): every(200),
    # --- the staff inbox (personal: only the recipient marks an entry read) --------------------
    **notifications_matrix.entries(every=every),
    # --- accounts and language ----------------------------------------------------------------
    ("GET", "accounts:login"): every(200),
    ("POST", "accounts:logout"): every(302),
    ("POST", "set_language"): every(302),
    # --- Open311 GeoReport v2 (an api_key is not a session: every role alike) ------------------
    **open311_matrix.entries(ROLES),
    # --- routing: the case page's routing fragment and its actions; the resident's hint -------
    **routing_matrix.entries(page=page, every=every, staff=STAFF),
}
for _plugin in PLUGINS:
    MATRIX.update(_plugin.entries(HELPERS))

# Calls that answer below 400 but must still change nothing.
NO_CHANGE = {
    ("POST", "cases:bulk"): {"anonymous", "operator_d2"},
    **{key: {"anonymous"} for key in MATRIX if key[1].startswith("cases:")},
    **{key: {"anonymous"} for key in MATRIX if key[1].startswith("routing:")},
}
for _plugin in PLUGINS:
    NO_CHANGE.update(getattr(_plugin, "NO_CHANGE", {}))


# --- the world the calls run against ----------------------------------------------------------

@dataclass
class World:
    city: object
    tokens: dict
    clients: dict
    api: Client
    cases: dict
    extra: dict = field(default_factory=dict)


def _build() -> World:
    from shiyu.cases.services import CaseInput
    from shiyu.demo.city import build_city
    from shiyu.intake.services import intake_submit

    city = build_city(small=True)
    u, hbj = city.users, city.departments["HBJ"]

    def new(state: str, *, actor=None, title: str = "夜间施工噪音") -> Case:
        case, _ = intake_submit(actor=actor, data=CaseInput(
            title=title, body="工地每晚施工到十二点。", category="C020101", area=city.grids[0].pk,
            contact_name="陈女士", contact_phone="13912345678"))
        steps = ["submitted", "accepted", "dispatched", "in_progress", "pending", "replied", "closed"]
        for step in steps[1:steps.index(state) + 1]:
            if step == "accepted":
                services.case_accept(actor=u["operator"], case_id=case.pk)
            elif step == "dispatched":
                services.case_dispatch(actor=u["dispatcher"], case_id=case.pk, lead_department=hbj)
            elif step == "in_progress":
                services.case_acknowledge(actor=u["handler"], case_id=case.pk)
            elif step == "pending":
                services.case_extend_request(actor=u["handler"], case_id=case.pk, days=5, reason="需勘查")
            elif step == "replied":
                if state == "pending":
                    break
                services.case_reply(actor=u["handler"], case_id=case.pk, text="已责令停工。")
            elif step == "closed":
                services.case_close(actor=u["operator"], case_id=case.pk)
        return Case.objects.get(pk=case.pk)

    cases = {s: new(s) for s in ("submitted", "accepted", "dispatched", "in_progress", "pending",
                                 "replied", "closed")}
    cases["replied_only"] = new("replied")  # "pending" skips the reply; keep a true replied case
    assert cases["pending"].state == "in_progress" and cases["pending"].extension_pending_days == 5
    cases["target"] = new("submitted", title="合并目标")
    cases["paused"] = new("in_progress", title="等待居民补充材料")
    services.case_pause(actor=u["handler"], case_id=cases["paused"].pk, reason="等待居民补充材料")
    cases["paused"].refresh_from_db()
    # A reply held for review (reply quality): the hold is switched on just for this reply.
    from shiyu.core import citysettings
    from shiyu.core.models import CitySetting
    cases["held"] = new("in_progress", title="回复待审核")
    CitySetting.objects.update_or_create(key="replyquality.hold", defaults={"value": True})
    CitySetting.objects.update_or_create(key="replyquality.threshold", defaults={"value": 1.0})
    citysettings.invalidate()
    services.case_reply(actor=u["handler"], case_id=cases["held"].pk, text="已处理。")
    CitySetting.objects.filter(key__in=("replyquality.hold", "replyquality.threshold")).delete()
    citysettings.invalidate()
    cases["held"].refresh_from_db()
    assert cases["held"].state == "in_progress" and cases["held"].held_reply_text
    # The case the read endpoints look at: the resident's own, in progress at HBJ.
    cases["read"] = new("in_progress", actor=u["resident"], title="居民本人的诉求")
    tokens = {role: token_issue(username=role, password=PASSWORD) for role in ROLES[1:]}
    clients = {"anonymous": Client()}
    for role in ROLES[1:]:
        clients[role] = Client()
        clients[role].force_login(u[role])
    world = World(city=city, tokens=tokens, clients=clients, api=Client(), cases=cases)
    for plugin in PLUGINS:
        if hasattr(plugin, "setup"):
            plugin.setup(world)
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with module_transaction(django_db_blocker):
        yield _build()


# --- how each endpoint is called ------------------------------------------------------------

ACTION_CALLS = {
    # action: (case, payload)
    "accept": ("submitted", {}),
    "reject": ("submitted", {"reason": "不属于受理范围"}),
    "merge": ("submitted", {"target": "target"}),
    "answer": ("accepted", {"text": "请向街道办咨询。"}),
    "dispatch": ("accepted", {"lead_department": "HBJ"}),
    "transfer": ("dispatched", {"lead_department": "JTJ"}),
    "acknowledge": ("dispatched", {}),
    "return": ("dispatched", {"reason": "不属于本单位"}),
    "reply": ("in_progress", {"text": "已处理。"}),
    "follow_up": ("replied", {"satisfaction": "satisfied"}),
    "close": ("replied", {}),
    "reopen": ("closed", {"reason": "问题复发"}),
    "extend_request": ("in_progress", {"days": 5, "reason": "需勘查"}),
    "extend_approve": ("pending", {}),
    "extend_deny": ("pending", {"reason": "理由不足"}),
    "urge": ("in_progress", {}),
    "escalate": ("in_progress", {}),
    "comment": ("in_progress", {"text": "内部意见"}),
    "pause": ("in_progress", {"reason": "等待居民补充材料"}),
    "resume": ("paused", {}),
    "reply_approve": ("held", {}),
    "reply_reject": ("held", {"reason": "答复未回应诉求"}),
    "bogus": ("in_progress", {}),
}


def _action_payload(world: World, action: str) -> tuple[Case, dict]:
    case_key, raw = ACTION_CALLS[action]
    case = world.cases[case_key]
    if case_key == "replied":
        case = world.cases["replied_only"]
    payload = dict(raw)
    if "target" in payload:
        payload["target"] = world.cases["target"].pk
    if "lead_department" in payload:
        payload["lead_department"] = world.city.departments[payload["lead_department"]].pk
    return case, payload


def call(world: World, method: str, name: str, role: str):
    base, _, sub = name.partition("[")
    sub = sub.rstrip("]")
    namespace = base.split(":")[0] if ":" in base else ""
    if namespace == "open311":
        return open311_matrix.call(world, method, base, sub, role)
    read = world.cases["read"]
    headers = {}
    if namespace == "api" and role != "anonymous":
        headers["Authorization"] = f"Bearer {world.tokens[role]}"
    for plugin in PLUGINS:
        if plugin.handles(base):
            if namespace == "api":
                return plugin.call(world, method, base, sub, role, client=world.api, headers=headers)
            saved = deepcopy(world.clients[role].cookies)
            try:
                return plugin.call(world, method, base, sub, role, client=world.clients[role], headers={})
            finally:
                world.clients[role].cookies = saved
    if namespace == "api":
        client = world.api
        if base == "api:auth-token":
            body = {"username": role, "password": PASSWORD} if role != "anonymous" else {
                "username": "operator", "password": "wrong"}
            return client.post(reverse(base), body, content_type="application/json")
        if base == "api:case-create":
            body = {"title": "路灯不亮", "body": "解放路口路灯不亮。", "category": "C010302"}
            return client.post(reverse(base), body, content_type="application/json", headers=headers)
        if base == "api:track-feedback":
            url = reverse(base, kwargs={"code": world.cases["replied_only"].code})
            return client.post(url, {"satisfaction": "satisfied"}, content_type="application/json")
        if base == "api:track-reopen":
            url = reverse(base, kwargs={"code": world.cases["closed"].code})
            return client.post(url, {"reason": "问题复发"}, content_type="application/json")
        if base == "api:case-action":
            case, payload = _action_payload(world, sub)
            payload["version"] = case.version
            url = reverse(base, kwargs={"case_id": case.pk, "action": sub})
            return client.post(url, payload, content_type="application/json", headers=headers)
        if base == "api:area-lookup":
            return client.get(reverse(base), {"lat": 30.5, "lon": 114.1}, headers=headers)
        kwargs = {}
        if base in ("api:case-detail", "api:case-events", "api:case-contact"):
            kwargs = {"case_id": read.pk}
        elif base == "api:track":
            kwargs = {"code": read.code}
        return client.get(reverse(base, kwargs=kwargs), headers=headers)

    client = world.clients[role]
    saved = deepcopy(client.cookies)  # logout must not sign the module's client out for good
    try:
        if namespace == "notifications":
            return notifications_matrix.call(world, client, method, base)
        if namespace in ("routing", "routing-public"):
            return routing_matrix.call(world, client, method, base)
        if base == "cases:case-action":
            case, payload = _action_payload(world, sub)
            url = reverse(base, kwargs={"case_id": case.pk, "action": sub})
            return client.post(url, {**payload, "version": case.version})
        if base in ("cases:case", "cases:case-contact"):
            url = reverse(base, kwargs={"case_id": read.pk})
        elif base == "cases:bulk":
            return client.post(reverse(base), {"action": "accept",
                                               "case_ids": [world.cases["submitted"].pk]})
        elif base in ("portal:submitted", "portal:track-detail"):
            url = reverse(base, kwargs={"code": read.code})
        elif base == "portal:track-feedback":
            url = reverse(base, kwargs={"code": world.cases["replied_only"].code})
            return client.post(url, {"satisfaction": "satisfied"})
        elif base == "portal:track-reopen":
            url = reverse(base, kwargs={"code": world.cases["closed"].code})
            return client.post(url, {"reason": "问题复发"})
        elif base == "set_language":
            return client.post(reverse(base), {"language": "en", "next": "/"})
        else:
            url = reverse(base)
        return client.post(url, {}) if method == "POST" else client.get(url)
    finally:
        client.cookies = saved


def snapshot() -> tuple:
    audit = AuditEvent.objects.exclude(Q(verb__in=READ_AUDIT_VERBS))
    return tuple(plugin.snapshot() for plugin in PLUGINS if hasattr(plugin, "snapshot")) + (
        Case.objects.count(), CaseEvent.objects.count(), audit.count(), IdempotencyKey.objects.count(),
            tuple(Case.objects.order_by("pk").values_list("pk", "state", "version", "lead_department_id",
                                                          "extension_pending_days")))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(MATRIX), ids=lambda e: f"{e[0]} {e[1]}")
def test_matrix(world, endpoint, role):
    method, name = endpoint
    expected = MATRIX[endpoint][role]
    before = snapshot()
    response = call(world, method, name, role)
    detail = response.content[:300]
    assert response.status_code == expected, (role, endpoint, response.status_code, detail)
    if expected >= 400 or role in NO_CHANGE.get(endpoint, ()):
        assert snapshot() == before, (role, endpoint, "a denied call changed data")
    if expected >= 400 and response["Content-Type"].startswith("application/json"):
        body = response.json()
        assert body.get("code") and body.get("message"), body
    if name.startswith("cases:") and role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))


# --- the matrix covers the URL conf -----------------------------------------------------------

def _url_names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXCLUDED_NAMESPACES:
                continue
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _url_names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def _api_operations() -> set[tuple[str, str]]:
    ops = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for method in operation.methods:
                    ops.add((method, f"api:{operation.url_name}"))
    return ops


def _declared() -> set[tuple[str, str]]:
    return {(method, name.partition("[")[0]) for method, name in MATRIX}


def test_every_api_operation_is_in_the_matrix():
    missing = _api_operations() - _declared()
    assert not missing, f"declare these endpoints in MATRIX: {sorted(missing)}"
    schema_ops = {(m.upper(), p) for p, ops in api.get_openapi_schema()["paths"].items() for m in ops}
    assert len(schema_ops) == len(_api_operations())


def test_every_url_name_is_in_the_matrix():
    names = _url_names(get_resolver())
    assert {"api:case-list", "portal:home", "cases:workbench", "accounts:login"} <= names
    declared = {name for _method, name in _declared()}
    missing = names - declared
    assert not missing, f"declare these URL names in MATRIX: {sorted(missing)}"
    assert not declared - names, f"MATRIX lists endpoints that no longer exist: {sorted(declared - names)}"


def test_every_workflow_action_is_in_the_matrix():
    declared = {name.partition("[")[2].rstrip("]") for _m, name in MATRIX
                if name.startswith("api:case-action")}
    assert set(VERBS) <= declared


def test_every_role_is_in_every_row():
    for endpoint, row in MATRIX.items():
        assert set(row) == set(ROLES), endpoint


def test_admin_is_excluded_explicitly():
    assert any(isinstance(p, URLResolver) and p.namespace == "admin" for p in get_resolver().url_patterns)


# --- the matrix covers the OpenAPI document, and users of another area or unit ----------------

# Another district's operator and a handler of another unit: they see none of the world's cases.
OUTSIDERS = ("operator_d2", "handler_jtj")


def _router_operations() -> dict[str, str]:
    """operationId → URL name of every operation the API's routers serve."""
    out = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                op_id = operation.operation_id or api.get_openapi_operation_id(operation)
                out[op_id] = f"api:{operation.url_name}"
    return out


def test_every_openapi_operation_is_in_the_matrix():
    """What the published document offers (method + path) is what the matrix must declare."""
    by_id = _router_operations()
    published = [(method.upper(), path, op.get("operationId"))
                 for path, ops in api.get_openapi_schema()["paths"].items() for method, op in ops.items()]
    assert len(published) >= 15
    unknown = [(m, p) for m, p, op_id in published if op_id not in by_id]
    assert not unknown, f"the OpenAPI document lists operations no router serves: {unknown}"
    declared = _declared()
    missing = sorted({(m, p, by_id[op_id]) for m, p, op_id in published if (m, by_id[op_id]) not in declared})
    assert not missing, f"declare these OpenAPI operations in MATRIX (method, path, URL name): {missing}"


def _case_scoped_names() -> set[str]:
    """URL names whose route takes a case id."""
    names: set[str] = set()

    def walk(resolver: URLResolver, prefix: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace not in EXCLUDED_NAMESPACES:
                    walk(pattern, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
            elif isinstance(pattern, URLPattern) and pattern.name and "case_id" in str(pattern.pattern):
                names.add(prefix + pattern.name)

    walk(get_resolver(), "")
    return names


def test_users_of_another_area_or_unit_are_declared_not_to_find_a_case():
    """Every endpoint on one case answers 404 to them (missing and forbidden are the same answer);
    test_matrix then proves each answer and that nothing changed."""
    assert set(OUTSIDERS) <= set(ROLES)
    scoped = _case_scoped_names()
    assert {"api:case-detail", "api:case-action", "cases:case"} <= scoped
    rows = [(endpoint, row) for endpoint, row in MATRIX.items() if endpoint[1].partition("[")[0] in scoped]
    assert len(rows) >= 10
    wrong = [(endpoint, role, row[role]) for endpoint, row in rows for role in OUTSIDERS if row[role] != 404]
    assert not wrong, f"a case endpoint lets another area's or unit's user find the case: {wrong}"


def test_matrix_size():
    """The figure README's Reliability section quotes: declared calls × callers."""
    size = len(MATRIX) * len(ROLES)
    print(f"\nauthorization matrix: {len(MATRIX)} endpoints × {len(ROLES)} callers = {size}")
    assert size >= 500
