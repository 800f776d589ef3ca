"""The reports app's rows of tests/test_authorization_matrix.py (plugin protocol) and their calls.

Reports hold city-wide aggregates only: every staff member reads them; report_generate
(supervisor, leader, admin) makes or refreshes one."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from shiyu.core import clock
from shiyu.reports.models import Report

GENERATORS = {"supervisor", "leader", "admin"}
NO_CHANGE = {("POST", "reports:generate"): {"anonymous"}}


def _page(h, ok: int, *, act: set[str] | None = None) -> dict[str, int]:
    out = {}
    for role in h.ROLES:
        if role == "anonymous":
            out[role] = 302
        elif role == "resident":
            out[role] = 404
        else:
            out[role] = ok if act is None or role in act else 403
    return out


def _api(h, ok: int, *, resident: int = 404, act: set[str] | None = None) -> dict[str, int]:
    out = {}
    for role in h.ROLES:
        if role == "anonymous":
            out[role] = 401
        elif role == "resident":
            out[role] = resident
        else:
            out[role] = ok if act is None or role in act else 403
    return out


def entries(h) -> dict[tuple[str, str], dict[str, int]]:
    return {
        ("GET", "reports:list"): _page(h, 200),
        ("POST", "reports:generate"): _page(h, 302, act=GENERATORS),
        ("GET", "reports:detail"): _page(h, 200),
        ("GET", "reports:print"): _page(h, 200),
        ("GET", "reports:xlsx"): _page(h, 200),
        ("GET", "api:reports"): _api(h, 200, resident=200),  # a resident gets an empty list
        ("GET", "api:report-detail"): _api(h, 200),
        ("POST", "api:report-generate"): _api(h, 201, act=GENERATORS),
    }


def handles(base: str) -> bool:
    return base.startswith(("reports:", "api:report"))


def _day():
    return timezone.localdate(clock.now()) - timedelta(days=7)


def setup(world) -> None:
    from shiyu.reports.services import report_generate

    world.extra["reports"] = {"report": report_generate(actor=None, kind="weekly", day=_day())}


def snapshot() -> tuple:
    return tuple(Report.objects.order_by("pk").values_list("pk", "version"))


def call(world, method: str, base: str, sub: str, role: str, *, client, headers):
    report = world.extra["reports"]["report"]
    if base in ("reports:detail", "reports:print", "reports:xlsx"):
        return client.get(reverse(base, kwargs={"report_id": report.pk}))
    if base == "reports:generate":
        return client.post(reverse(base), {"kind": "weekly", "day": _day().isoformat()})
    if base == "api:report-detail":
        return client.get(reverse(base, kwargs={"report_id": report.pk}), headers=headers)
    if base == "api:report-generate":
        return client.post(reverse(base), {"kind": "weekly", "day": _day().isoformat()},
                           content_type="application/json", headers=headers)
    if base.startswith("api:"):
        return client.get(reverse(base), headers=headers)
    return client.get(reverse(base))
