"""Schemathesis over the API's own OpenAPI document (/api/v1/openapi.json), in process (WSGI):
generated valid and invalid requests for every operation, as an administrator, as a staff
member and anonymously. No answer may be a server error, and every answer must match the
document (status code declared, body of the declared shape and content type).

The budget is bounded: at most SHIYU_FUZZ_EXAMPLES generated requests per operation and caller
(default 5 in the ordinary suite; .ci/run's fuzz step raises it), and SHIYU_FUZZ_SECONDS per
caller (default 30), after which the remaining operations get 3 each. Each caller's run prints
how many requests it made.

Open311 (/open311/v2/) publishes no OpenAPI document (GeoReport v2 is specified in prose, with
.xml and .json forms of each path), so it is not fuzzed here; its bad-input handling is tested
with the app's own tests.
"""

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shiyu.accounts.services import token_issue
from tests.support import module_transaction

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SHIYU_FUZZ_EXAMPLES", "5"))
SECONDS = float(os.environ.get("SHIYU_FUZZ_SECONDS", "30"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CALLERS = ["admin", "operator", "anonymous"]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[dict]:
    with module_transaction(django_db_blocker):
        from shiyu.cases import services
        from shiyu.cases.services import CaseInput
        from shiyu.demo.city import build_city
        from shiyu.intake.services import intake_submit

        city = build_city(small=True)
        case, _ = intake_submit(actor=city.users["resident"], data=CaseInput(
            title="夜间施工噪音", body="工地每晚施工到十二点。", category="C020101", area=city.grids[0].pk,
            contact_name="陈女士", contact_phone="13912345678"))
        services.case_accept(actor=city.users["operator"], case_id=case.pk)
        tokens = {role: token_issue(username=role, password="shiyu-demo") for role in CALLERS[:-1]}
        yield {"case": case, "tokens": tokens}


@contextmanager
def _same_connection() -> Iterator[None]:
    """Requests run in this thread inside the module's transaction: like Django's test client,
    keep the request signals from closing that connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def schema(world):
    with _same_connection():
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def same_connection() -> Iterator[None]:
    with _same_connection():
        yield


def _strategies(operation, fixed: dict[str, object]):
    """Valid and invalid requests; operations on one case or tracking code also get a real one
    (random ids almost always miss, and would only ever test the 404)."""
    path = operation.path
    real = {name: value for name, value in fixed.items() if "{" + name + "}" in path}
    options = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    if real:
        options.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real))
    return st.one_of(options)


@pytest.mark.parametrize("caller", CALLERS)
def test_fuzz_api(world, schema, same_connection, caller, capsys):
    headers = {"Authorization": f"Bearer {world['tokens'][caller]}"} if caller != "anonymous" else {}
    case = world["case"]
    fixed = {"case_id": case.pk, "code": case.code}
    started = time.monotonic()
    requests = 0
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10, "the OpenAPI document lists too few operations"
    for operation in operations:
        budget = EXAMPLES if time.monotonic() - started < SECONDS else 3

        @settings(max_examples=budget, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        @given(generated=_strategies(operation, fixed))
        def run(generated) -> None:
            nonlocal requests
            requests += 1
            response = generated.call(headers=headers)
            generated.validate_response(response, checks=CHECKS, headers=headers)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001  (every operation is tried; all are reported)
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:3000])
    with capsys.disabled():
        print(f"\nfuzz[{caller}]: {len(operations)} operations, {requests} requests, "
              f"{len(failures)} failing, {time.monotonic() - started:.1f}s")
    assert not failures, "\n\n".join(failures)


def test_open311_still_has_no_openapi_document(client):
    """A tripwire: when Open311 publishes an OpenAPI document, fuzz it here like /api/v1/."""
    for path in ("/open311/v2/openapi.json", "/open311/v2/openapi.yaml"):
        assert client.get(path).status_code == 404, f"{path} exists now: add it to test_fuzz_api"
