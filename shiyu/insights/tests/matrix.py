"""The insights app's rows of tests/test_authorization_matrix.py (plugin protocol) and their calls.

Every staff role sees the metrics, scoped: a unit's staff their unit, an operator their district,
supervisors and leaders the city. Residents are not staff: 404 (as for every staff API/page);
anonymous API callers 401, anonymous page visitors are sent to sign in (302). An area filter
outside one's scope is 404 like any scope miss (the "[d1]" rows name district 1)."""

from django.urls import reverse


def entries(h) -> dict[tuple[str, str], dict[str, int]]:
    staff_ok = {role: 200 for role in h.STAFF}
    api = {"anonymous": 401, "resident": 404, **staff_ok}
    return {
        ("GET", "api:insights-metrics"): api,
        ("GET", "api:insights-breakdown"): api,
        # Filtered on district 1: out of the other district's operator's scope. Unit staff keep
        # their unit's scope (their unit's cases in district 1), whatever their unit.
        ("GET", "api:insights-metrics[d1]"): {**api, "operator_d2": 404},
        ("GET", "insights:dashboard"): {"anonymous": 302, "resident": 404, **staff_ok},
    }


def handles(base: str) -> bool:
    return base in ("api:insights-metrics", "api:insights-breakdown", "insights:dashboard")


def call(world, method: str, base: str, sub: str, role: str, *, client, headers):
    params = {"start": "2026-01-01", "end": "2026-12-31"}
    if sub == "d1":
        params["area"] = str(world.city.districts[0].pk)
    if base == "api:insights-breakdown":
        params["dimension"] = "department"
    if base.startswith("api:"):
        return client.get(reverse(base), params, headers=headers)
    return client.get(reverse(base), params)
