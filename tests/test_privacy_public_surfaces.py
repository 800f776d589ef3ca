"""No resident's personal data on anything an anonymous caller can reach, and none in a log line.

Cases are submitted with distinctive contact data (names 欧阳测试甲…, phones 1391234000x, e-mails
pii-ouyang-x@pii.test) in the contact fields AND typed into the text, walked through the workflow
(accepted, dispatched, commented, replied, closed, rated, published, merged). Then every URL
pattern of the URL conf and every GET operation of the OpenAPI document is requested anonymously,
its path parameters filled from the data (tracking codes, object ids, formats), and the answer must
hold none of those strings: names and e-mail addresses in no form, phone numbers in no unmasked
form (139****0000 is the house mask and may appear).

Generic on purpose: a new page or API operation is checked without touching this file. A pattern
whose parameters cannot be filled fails `test_every_public_surface_is_reached` unless it is listed
in UNFILLABLE with the reason; a known leak is listed in KNOWN_LEAKS (xfail, with what leaks).
"""

import contextlib
import html
import itertools
import json
import logging
import re
import time
from dataclasses import dataclass, field

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config.api import api
from shiyu.core.logfilter import PersonalDataFilter
from tests.support import module_transaction

pytestmark = pytest.mark.django_db

EXCLUDED_NAMESPACES = {"admin"}  # the Django admin: staff-only configuration, its own permissions
N = 4
NAMES = [f"欧阳测试{c}" for c in "甲乙丙丁"][:N]
PHONES = [f"1391234{i:04d}" for i in range(N)]
EMAILS = [f"pii-ouyang-{i}@pii.test" for i in range(N)]

# Path parameters nothing in the data can fill, with the reason they are not checked here.
UNFILLABLE = {
    "open311:token": "an Open311 submission token exists only for a deferred POST; tested in shiyu/open311",
    "portal:account-link": "a one-time sign-in link token, mailed to the resident; never listed",
}
# Known leaks (URL name → what leaks), reported to the owner; each is an xfail until fixed.
KNOWN_LEAKS: dict[str, str] = {}


@dataclass
class Surface:
    """One URL pattern (or API operation) and the concrete URLs it was requested at."""

    name: str
    route: str
    urls: list[str] = field(default_factory=list)
    unfilled: list[str] = field(default_factory=list)


# --- what counts as a leak ----------------------------------------------------------------------

def _normalised(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    text = raw.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        with contextlib.suppress(ValueError):  # "\u6b27\u9633" must be read as 欧阳
            text = json.dumps(json.loads(text), ensure_ascii=False)
    return html.unescape(text)


def leaks(text: str) -> list[str]:
    """Every PII string found in `text`, in whatever form it would still identify someone."""
    found = []
    digits_only = re.sub(r"[\s\-().+]", "", text)
    for name in NAMES:
        if name[1:] in text:  # 欧* masks the rest: anything beyond the first character is a leak
            found.append(name)
    for email in EMAILS:
        if email.split("@")[0] in text:
            found.append(email)
    for phone in PHONES:
        if phone[3:] in digits_only:  # anything but the first three digits unmasked
            found.append(phone)
    return found


def test_the_leak_detector_itself():
    assert leaks("欧阳测试甲 来电") == [NAMES[0]] and leaks("欧** 来电") == []
    assert leaks("电话：139 1234 0001") == [PHONES[1]] and leaks("\\u6b27") == []
    assert leaks("+86-139-1234-0002") == [PHONES[2]] and leaks("139****0002") == []
    assert leaks("PII-OUYANG-3@pii.test".lower()) == [EMAILS[3]] and leaks("***@pii.test") == []


# --- the world ----------------------------------------------------------------------------------

class Capture(logging.Handler):
    """Every record at DEBUG, through the same filter as every configured handler."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.addFilter(PersonalDataFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class capturing_logs:  # noqa: N801 - a context manager, read like one
    def __enter__(self) -> Capture:
        self.handler = Capture()
        root = logging.getLogger()
        self.loggers = [root] + [logging.getLogger(n) for n in list(logging.Logger.manager.loggerDict)
                                 if n.split(".")[0] in ("shiyu", "django", "config")]
        self.levels = [lg.level for lg in self.loggers]
        for lg in self.loggers:
            lg.setLevel(logging.DEBUG)
        root.addHandler(self.handler)
        for lg in self.loggers[1:]:  # loggers that do not propagate still reach the capture
            if not lg.propagate:
                lg.addHandler(self.handler)
        return self.handler

    def __exit__(self, *exc) -> None:
        for lg, level in zip(self.loggers, self.levels, strict=True):
            lg.setLevel(level)
            if self.handler in lg.handlers:
                lg.removeHandler(self.handler)


@dataclass
class World:
    cases: list
    build_logs: list[logging.LogRecord]
    seconds: float


def _walk(city) -> list:
    from shiyu.cases import services
    from shiyu.cases.services import CaseInput
    from shiyu.cases.services.publication import publication_publish
    from shiyu.intake.services import intake_submit

    u, hbj = city.users, city.departments["HBJ"]
    cases = []
    for i in range(N):
        body = (f"楼下夜间施工噪音扰民。我是{NAMES[i]}，电话 {PHONES[i][:3]} {PHONES[i][3:7]} "
                f"{PHONES[i][7:]}，邮箱 {EMAILS[i]}，请联系{NAMES[i]}。")
        case, _ = intake_submit(actor=None, data=CaseInput(
            title=f"{NAMES[i]}反映施工噪音 {PHONES[i]}", body=body, category="C020101",
            area=city.grids[0].pk, address=f"解放路{i + 1}号 {NAMES[i]}家",
            contact_name=NAMES[i], contact_phone=PHONES[i], contact_email=EMAILS[i],
            publish_consent=True))
        cases.append(case)
    # 0 stays submitted; 1 in progress with staff notes quoting the contact; 2 closed, rated and
    # published; 3 merged into 2.
    for case in cases[1:3]:
        services.case_accept(actor=u["operator"], case_id=case.pk, note=f"已致电{NAMES[1]}")
        services.case_dispatch(actor=u["dispatcher"], case_id=case.pk, lead_department=hbj)
        services.case_acknowledge(actor=u["handler"], case_id=case.pk)
        services.case_comment(actor=u["handler"], case_id=case.pk,
                              text=f"联系人{NAMES[1]} {PHONES[1]} {EMAILS[1]}")
    services.case_reply(actor=u["handler"], case_id=cases[2].pk, text="已责令工地夜间停工。")
    services.case_follow_up(actor=u["operator"], case_id=cases[2].pk, satisfaction="satisfied")
    if type(cases[2]).objects.get(pk=cases[2].pk).state != "closed":  # a rating may close it already
        services.case_close(actor=u["operator"], case_id=cases[2].pk)
    services.case_merge(actor=u["operator"], case_id=cases[3].pk, target_id=cases[2].pk)
    publication_publish(actor=u["admin"], case_id=cases[2].pk, title="夜间施工噪音",
                        body="居民反映楼下工地夜间施工扰民。", reply="已责令工地夜间停工。")
    return [type(c).objects.get(pk=c.pk) for c in cases]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with module_transaction(django_db_blocker):
        from shiyu.demo.city import build_city

        start = time.monotonic()
        city = build_city(small=True)
        with capturing_logs() as capture:
            cases = _walk(city)
        yield World(cases=cases, build_logs=capture.records, seconds=time.monotonic() - start)


# --- discovering the surfaces -------------------------------------------------------------------

def _patterns() -> list[tuple[str, URLPattern, str]]:
    out = []

    def walk(resolver: URLResolver, prefix: str, route: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in EXCLUDED_NAMESPACES:
                    continue
                ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                walk(pattern, ns, route + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                out.append((prefix + pattern.name, pattern, route + str(pattern.pattern)))

    walk(get_resolver(), "", "")
    # API operations are requested from the OpenAPI document (with their query parameters).
    return sorted({name: (name, p, r) for name, p, r in out if not name.startswith("api:")}.values(),
                  key=lambda t: t[0])


def _kwargs(pattern: URLPattern) -> list[str]:
    return list(pattern.pattern.regex.groupindex)


PATTERNS = _patterns()
OPENAPI = api.get_openapi_schema()
API_GETS = sorted((path, op) for path, ops in OPENAPI["paths"].items()
                  for method, op in ops.items() if method == "get")


def _models_for(kwarg: str, module: str):
    """Models an `<x>_id` parameter can mean: named like x, those of the view's own app first."""
    stem = kwarg.removesuffix("_id").replace("_", "")
    found = [m for m in django_apps.get_models() if m.__name__.lower().endswith(stem)]
    own = [m for m in found if module.startswith(m._meta.app_config.name)]
    return own or found


def _candidates(world: World, kwarg: str, module: str) -> list[str]:
    cases = world.cases
    if kwarg == "fmt":
        return ["json", "xml"]
    if kwarg in ("code", "request_id"):
        values = [c.code for c in cases] + [str(c.pk) for c in cases]
        for model in django_apps.get_app_config(module.split(".")[1]).get_models():
            if any(f.name == "code" for f in model._meta.fields):
                values += [str(v) for v in model.objects.order_by("-pk").values_list("code", flat=True)[:2]]
        return values
    if kwarg == "case_id":
        return [str(c.pk) for c in cases]
    if kwarg == "action":
        return ["accept"]
    if kwarg.endswith("_id"):
        models = _models_for(kwarg, module)
        values = []
        for model in models:
            values += [str(pk) for pk in model.objects.order_by("-pk").values_list("pk", flat=True)[:3]]
        # The model exists but the demo city has no row of it: the URL is still requested (its
        # not-found answer must not leak either), and counted in the summary.
        return values or (["0"] if models else [])
    return []


def _fill(world: World, names: list[str], module: str, limit: int = 16) -> tuple[list[dict], list[str]]:
    options = {k: _candidates(world, k, module) for k in names}
    unfilled = [k for k, v in options.items() if not v]
    if unfilled:
        return [], unfilled
    combos = itertools.islice(itertools.product(*options.values()), limit)
    return [dict(zip(options, combo, strict=True)) for combo in combos], []


def _page_surface(world: World, name: str, pattern: URLPattern, route: str) -> Surface:
    surface = Surface(name=name, route=route)
    module = getattr(pattern.callback, "__module__", "shiyu.portal") or "shiyu.portal"
    if not module.startswith("shiyu."):
        module = "shiyu.portal"
    fills, surface.unfilled = _fill(world, _kwargs(pattern), module)
    for kwargs in fills:
        surface.urls.append(reverse(name, kwargs=kwargs))
    return surface


QUERY_VALUES = {"lat": "30.5", "lon": "114.1", "q": "施工噪音"}


def _api_surface(world: World, path: str, op: dict) -> Surface:
    surface = Surface(name=f"api {op.get('operationId')}", route=path)
    params = op.get("parameters", [])
    in_path = [p["name"] for p in params if p["in"] == "path"]
    query = {}
    for p in params:
        if p["in"] == "query" and p.get("required"):
            kind = p.get("schema", {}).get("type")
            query[p["name"]] = QUERY_VALUES.get(p["name"], "1" if kind in ("integer", "number") else "x")
    module = "shiyu." + (op.get("tags") or ["cases"])[0].lower()
    if module.split(".")[1] not in {c.label for c in django_apps.get_app_configs()}:
        module = "shiyu.cases"
    fills, surface.unfilled = _fill(world, in_path, module)
    for kwargs in fills:
        url = path
        for key, value in kwargs.items():
            url = url.replace("{" + key + "}", value)
        if query:
            url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        surface.urls.append(url)
    return surface


_CLIENT = Client()  # one client: building the middleware (static files) per request is slow


def _get(url: str):
    _CLIENT.cookies.clear()  # every request anonymous and fresh: no session carried over
    return _CLIENT.get(url, HTTP_ACCEPT="text/html,application/json")


def _check(surface: Surface) -> tuple[list[str], dict[int, int]]:
    problems, statuses = [], {}
    for url in surface.urls:
        response = _get(url)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        found = leaks(_normalised(response))
        if found:
            problems.append(f"{url} ({response.status_code}) shows {found}")
    return problems, statuses


# --- the checks ---------------------------------------------------------------------------------

@pytest.mark.parametrize("entry", PATTERNS, ids=lambda e: e[0])
def test_no_personal_data_on_pages(world, entry):
    name, pattern, route = entry
    surface = _page_surface(world, name, pattern, route)
    if surface.unfilled:
        assert name in UNFILLABLE, (
            f"{name} ({route}): cannot fill {surface.unfilled}; teach _candidates or list it in UNFILLABLE")
        return
    problems, statuses = _check(surface)
    if problems and name in KNOWN_LEAKS:
        pytest.xfail(f"known leak: {KNOWN_LEAKS[name]}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("entry", API_GETS, ids=lambda e: f"{e[1].get('operationId')}")
def test_no_personal_data_in_anonymous_api_answers(world, entry):
    path, op = entry
    surface = _api_surface(world, path, op)
    assert not surface.unfilled, f"{path}: cannot fill {surface.unfilled}; teach _candidates"
    problems, statuses = _check(surface)
    if problems and surface.name in KNOWN_LEAKS:
        pytest.xfail(f"known leak: {KNOWN_LEAKS[surface.name]}")
    assert not problems, "\n".join(problems)


def test_every_public_surface_is_reached(world):
    """The flow really exposes the cases: the public surfaces answer 200 with the cases' data, so
    a page that only answers 404 is not counted as clean by mistake."""
    reached, answered, pages_ok = 0, [], set()
    for name, pattern, route in PATTERNS:
        surface = _page_surface(world, name, pattern, route)
        assert not surface.unfilled or name in UNFILLABLE, (name, surface.unfilled)
        reached += len(surface.urls)
        if any(_get(url).status_code == 200 for url in surface.urls):
            pages_ok.add(name)
    # The bulk public outputs, where they exist, really answered (and so were really checked).
    bulk = {"portal:opendata-csv", "portal:opendata-json", "open311:requests", "portal:track-detail",
            "portal:published-list", "portal:published-detail"}
    assert bulk & {n for n, _p, _r in PATTERNS} <= pages_ok, bulk - pages_ok
    for path, op in API_GETS:
        surface = _api_surface(world, path, op)
        for url in surface.urls:
            if _get(url).status_code == 200:
                answered.append(url)
    stale = set(UNFILLABLE) - {name for name, _p, _r in PATTERNS}
    assert not stale, f"UNFILLABLE lists patterns that no longer exist: {stale}"
    assert not set(KNOWN_LEAKS) - {n for n, _p, _r in PATTERNS} - {
        f"api {op.get('operationId')}" for _path, op in API_GETS}, "KNOWN_LEAKS names an unknown surface"
    submitted = world.cases[0]
    # The surfaces where the cases are shown to the public answer and show them.
    track = _get(reverse("portal:track-detail", kwargs={"code": submitted.code}))
    assert track.status_code == 200 and submitted.code in track.content.decode()
    public = _get(reverse("portal:published-list")).content.decode()
    assert "夜间施工噪音" in public
    assert reached >= len(PATTERNS) and len(answered) >= 5
    print(f"\nprivacy: {reached} page URLs over {len(PATTERNS)} patterns ({len(pages_ok)} answering "
          f"200 to anonymous callers), {len(API_GETS)} API GET "
          f"operations ({len(answered)} answering 200 to anonymous callers); world built in "
          f"{world.seconds:.1f}s")


def test_no_personal_data_in_any_log_record(world):
    """The flow (built under capture) and every anonymous request, logged at DEBUG: no record,
    after the filter every configured handler carries, holds a PII string."""
    with capturing_logs() as capture:
        for name, pattern, route in PATTERNS:
            for url in _page_surface(world, name, pattern, route).urls:
                _get(url)
        # Unknown paths and query strings carrying the data: Django logs each 404's path.
        _get(f"/track/{PHONES[0]}/?email={EMAILS[0]}&name={NAMES[0]}")
        _get(f"/no-such-page/{NAMES[1]}/{PHONES[1]}/")
    records = world.build_logs + capture.records
    assert records, "nothing was logged: the capture is not attached"
    assert any("Not Found" in r.getMessage() for r in capture.records)
    # The data did reach the logs (and was masked there): the check is not vacuous.
    assert any(f"{PHONES[0][:3]}****{PHONES[0][-4:]}" in r.getMessage() for r in capture.records)
    bad = []
    for record in records:
        text = " ".join(str(v) for v in (record.getMessage(), record.exc_text, record.stack_info,
                                         {k: v for k, v in record.__dict__.items()
                                          if k not in ("msg", "args", "request", "exc_info")}))
        found = leaks(text)
        if found:
            bad.append(f"{record.name}: {record.getMessage()[:200]} → {found}")
    assert not bad, "\n".join(bad)


def test_known_names_and_template_context_dumps_are_masked():
    """The two pieces the surfaces above rely on: a case's own contact name masked in public text
    (no pattern finds a bare Chinese name), and a template's failed-lookup traceback (a dump of
    the page's whole context) dropped from the log record."""
    from shiyu.core.masking import scrub_public

    assert scrub_public(f"我是{NAMES[0]}，电话{PHONES[0]}", names=[NAMES[0]]) == "我是欧****，电话139****"
    assert scrub_public("路灯不亮", names=["", "王"]) == "路灯不亮"  # one character is no name
    try:
        raise KeyError(f"Failed lookup in [{{'title': '{NAMES[1]}'}}]")
    except KeyError:
        import sys

        record = logging.LogRecord("django.template", logging.DEBUG, __file__, 1,
                                   "Exception while resolving variable %r", ("x",), sys.exc_info())
    PersonalDataFilter().filter(record)
    assert record.exc_info is None and not record.exc_text and "resolving variable 'x'" in record.getMessage()
