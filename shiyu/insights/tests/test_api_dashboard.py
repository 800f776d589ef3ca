"""The metrics API and the dashboard against the rollups, and the drill-down to the cases."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from shiyu.cases import services as cases
from shiyu.cases.models import Case
from shiyu.core import clock
from shiyu.insights.metrics import local_day
from shiyu.insights.selectors import MetricFilter, cases_url, metrics_by, metrics_compute
from shiyu.insights.services import rollups_refresh_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city, submit_case):
    u = city.users
    made = [submit_case(title=f"事项{i}", area=city.grids[i % len(city.grids)].pk) for i in range(6)]
    for case in made[:4]:
        cases.case_accept(actor=u["operator"], case_id=case.pk)
    for case in made[:3]:
        cases.case_dispatch(actor=u["dispatcher"], case_id=case.pk, lead_department=city.departments["HBJ"])
    cases.case_dispatch(actor=u["dispatcher"], case_id=made[3].pk, lead_department=city.departments["JTJ"])
    cases.case_acknowledge(actor=u["handler"], case_id=made[0].pk)
    cases.case_reply(actor=u["handler"], case_id=made[0].pk, text="已处理")
    cases.case_follow_up(actor=u["operator"], case_id=made[0].pk, satisfaction="satisfied")
    rollups_refresh_all()
    today = local_day(clock.now())
    return {"cases": made, "f": MetricFilter(start=today - timedelta(days=6), end=today)}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_metrics_api_scoped(world, city):
    f = world["f"]
    params = {"start": f.start.isoformat(), "end": f.end.isoformat()}
    leader = signed_in(city.users["leader"]).get(reverse("api:insights-metrics"), params).json()
    assert leader["metrics"] == metrics_compute(f=f)
    assert leader["metrics"]["intake"] == 6 and leader["metrics"]["completed"] == 1
    handler = signed_in(city.users["handler"]).get(reverse("api:insights-metrics"), params).json()
    assert handler["metrics"]["intake"] == 3  # HBJ leads three of them
    other = signed_in(city.users["handler"]).get(
        reverse("api:insights-metrics"), {**params, "department": city.departments["JTJ"].pk})
    assert other.status_code == 404
    bad = signed_in(city.users["leader"]).get(reverse("api:insights-metrics"), {"start": "2026-13-01"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"
    backwards = signed_in(city.users["leader"]).get(
        reverse("api:insights-metrics"), {"start": f.end.isoformat(), "end": f.start.isoformat()})
    assert backwards.status_code == 422
    rows = signed_in(city.users["leader"]).get(
        reverse("api:insights-breakdown"), {**params, "dimension": "department"}).json()["rows"]
    assert {r["key"]: r["intake"] for r in rows} == {city.departments["HBJ"].pk: 3,
                                                       city.departments["JTJ"].pk: 1}
    # Open now: HBJ's two dispatched cases (the third closed), JTJ's one.
    assert {r["key"]: r["backlog"] for r in rows} == {city.departments["HBJ"].pk: 2,
                                                        city.departments["JTJ"].pk: 1}
    areas = signed_in(city.users["leader"]).get(
        reverse("api:insights-breakdown"), {**params, "dimension": "area"}).json()["rows"]
    assert sum(r["intake"] for r in areas) == 6 and sum(r["backlog"] for r in areas) == 5
    days = signed_in(city.users["leader"]).get(
        reverse("api:insights-breakdown"), {**params, "dimension": "day"}).json()["rows"]
    assert len(days) == 7 and sum(r["intake"] for r in days) == 6
    assert signed_in(city.users["leader"]).get(
        reverse("api:insights-breakdown"), {**params, "dimension": "weather"}).status_code == 422


def test_dashboard_figures_equal_rollups(world, city):
    f = world["f"]
    client = signed_in(city.users["leader"])
    page = client.get(reverse("insights:dashboard"), {"start": f.start.isoformat(), "end": f.end.isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    figures = metrics_compute(f=f)
    for key in ("intake", "completed", "backlog", "overdue"):
        shown = re.search(rf'id="card-{key}"[^>]*data-value="([^"]*)"', html).group(1)
        assert int(shown) == figures[key]
    row = r'<tr data-department="(\d+)">.*?<td>\d+</td><td>.*?</td>\s*<td>(\d+)</td>'
    ranked = {int(k): v for k, v in re.findall(row, html, re.S)}
    rows = metrics_by(actor=city.users["leader"], f=f, dimension="department")
    by_unit = {r["key"]: r["intake"] for r in rows}
    assert {k: int(v) for k, v in ranked.items()} == by_unit


def test_drill_down_lists_the_cases_behind_a_figure(world, city):
    f = world["f"]
    client = signed_in(city.users["leader"])
    for metric, expected in (("intake", 6), ("completed", 1), ("backlog", 5), ("accepted", 4)):
        url = cases_url(f=f, metric=metric)
        page = client.get(url)
        assert page.status_code == 200
        codes = set(re.findall(r'href="/staff/cases/(\d+)/"', unescape(page.content.decode())))
        assert len(codes) == expected, metric
    hbj = cases_url(f=MetricFilter(start=f.start, end=f.end, department_id=city.departments["HBJ"].pk))
    codes = set(re.findall(r'href="/staff/cases/(\d+)/"', client.get(hbj).content.decode()))
    assert {int(c) for c in codes} == set(Case.objects.filter(
        lead_department=city.departments["HBJ"]).values_list("pk", flat=True))


def test_unit_head_sees_unit_against_city(world, city):
    f = world["f"]
    page = signed_in(city.users["unithead"]).get(reverse("insights:dashboard"),
                                                  {"start": f.start.isoformat(), "end": f.end.isoformat()})
    html = page.content.decode()
    assert 'id="unit-vs-city"' in html
    assert re.search(r'id="card-intake"[^>]*data-value="3"', html)


def test_a_head_of_two_units_switches_between_them(world, city):
    from shiyu.accounts.services import membership_grant

    head = city.users["unithead"]  # heads HBJ, whose three cases open the page
    membership_grant(user=head, role_code="unithead", department=city.departments["JTJ"])
    f = world["f"]
    period = {"start": f.start.isoformat(), "end": f.end.isoformat()}
    client = signed_in(head)
    html = unescape(client.get(reverse("insights:dashboard"), period).content.decode())
    nav = re.search(r'<nav id="my-units".*?</nav>', html, re.S).group(0)
    jtj = city.departments["JTJ"]
    assert f"department={jtj.pk}" in nav and "<strong>" in nav
    assert re.search(r'id="card-intake"[^>]*data-value="3"', html)
    other = client.get(reverse("insights:dashboard"), {**period, "department": jtj.pk}).content.decode()
    assert re.search(r'id="card-intake"[^>]*data-value="1"', other) and 'id="unit-vs-city"' in other
    # One unit only: no switcher.
    from shiyu.accounts.services import user_create

    single = user_create(username="jtj_head", password="x-pass-123", display_name="交通局长")
    membership_grant(user=single, role_code="unithead", department=jtj)
    page = signed_in(single).get(reverse("insights:dashboard"), period).content.decode()
    assert 'id="unit-vs-city"' in page and 'id="my-units"' not in page
