"""Goals, projects, problems, the milestone ladder and scorecards through the real services."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shiyu.audit.models import AuditEvent
from shiyu.cases import services as cases
from shiyu.core import clock, errors
from shiyu.goals import selectors, services
from shiyu.goals.models import Milestone, Project, ProjectAttachment, ProjectUpdate, Scorecard, ScoreItem
from shiyu.goals.selectors import indicators as ind
from shiyu.goals.selectors.scorecards import item_value
from shiyu.goals.services.files import Upload
from shiyu.insights.services import rollups_refresh_all
from shiyu.notifications.models import Notification

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
JAN = datetime(2026, 1, 12, 10, 0, tzinfo=TZ)
FEB = datetime(2026, 2, 10, 10, 0, tzinfo=TZ)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def noise(city, submit_case):
    """Noise complaints (C020101) in January (3) and February (1), one street-vending case in
    January that no noise indicator may count; January's first noise case is closed on time."""
    u, hbj = city.users, city.departments["HBJ"]
    with clock.frozen_at(JAN):
        jan = [submit_case(title=f"工地夜间施工噪音{i}", category="C020101") for i in range(3)]
        other = submit_case(title="占道经营", category="C010101")
        cases.case_accept(actor=u["operator"], case_id=jan[0].pk)
        cases.case_dispatch(actor=u["dispatcher"], case_id=jan[0].pk, lead_department=hbj)
        cases.case_acknowledge(actor=u["handler"], case_id=jan[0].pk)
        cases.case_reply(actor=u["handler"], case_id=jan[0].pk, text="已责令停工")
        cases.case_follow_up(actor=u["operator"], case_id=jan[0].pk, satisfaction="satisfied")
    with clock.frozen_at(FEB):
        feb = [submit_case(title="广场舞噪音", category="C020101")]
    rollups_refresh_all()
    return {"jan": jan, "feb": feb, "other": other}


def _goal(city, **kw):
    return services.goal_create(
        actor=city.users["leader"],
        title="长安区噪音投诉下降20%",
        year=2026,
        owner_department_id=city.departments["HBJ"].pk,
        **kw,
    )


def test_computed_indicator_equals_a_hand_count(city, noise):
    goal = _goal(city)
    noise_category = city.categories["C0201"]  # a mid-level category: its leaves are included
    indicator = services.indicator_create(
        actor=city.users["leader"],
        goal_id=goal.pk,
        name="噪音投诉量（月）",
        source="computed",
        metric="intake",
        category_id=noise_category.pk,
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        baseline=4,
        target=2,
        direction="decrease",
    )
    as_of = date(2026, 3, 5)
    points = ind.series(indicator, as_of=as_of)
    assert [(p.start, p.end, p.value) for p in points] == [
        (date(2026, 1, 1), date(2026, 1, 31), 3.0),
        (date(2026, 2, 1), date(2026, 2, 28), 1.0),
        (date(2026, 3, 1), date(2026, 3, 5), 0.0),
    ]
    view = selectors.indicator_view(indicator, as_of=as_of)
    assert view["current"] == pytest.approx(2.0)  # mean of the two ended months: (3 + 1) / 2
    assert view["attainment"] == pytest.approx(1.0)  # from 4 down to 2: reached
    assert f"category={noise_category.pk}" in view["cases_url"]
    assert points[0].cases_url.startswith("/staff/")
    rate = services.indicator_create(
        actor=city.users["leader"],
        goal_id=goal.pk,
        name="满意率",
        source="computed",
        metric="satisfaction_rate",
        category_id=noise_category.pk,
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        baseline=0.5,
        target=1.0,
        direction="increase",
    )
    assert selectors.indicator_view(rate, as_of=as_of)["current"] == 1.0  # one rating, satisfied


def test_manual_indicator_and_bad_input(city):
    goal = _goal(city)
    leader = city.users["leader"]
    manual = services.indicator_create(
        actor=leader,
        goal_id=goal.pk,
        name="隔音屏障（公里）",
        source="manual",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        baseline=0,
        target=10,
        direction="increase",
    )
    services.indicator_value_enter(
        actor=leader, indicator_id=manual.pk, on=date(2026, 2, 1), value=4, evidence="验收单 2026-02"
    )
    view = selectors.indicator_view(manual, as_of=date(2026, 3, 1))
    assert view["current"] == 4 and view["attainment"] == pytest.approx(0.4)
    with pytest.raises(errors.InvalidInput):
        services.indicator_create(
            actor=leader,
            goal_id=goal.pk,
            name="x",
            source="computed",
            metric="bogus",
            start=date(2026, 1, 1),
            end=date(2026, 12, 31),
            baseline=0,
            target=1,
            direction="increase",
        )
    with pytest.raises(errors.InvalidInput):
        services.indicator_value_enter(
            actor=leader, indicator_id=manual.pk, on=date(2026, 2, 1), value=1, evidence="  "
        )
    with pytest.raises(errors.Forbidden):  # the unit head may not set goals
        services.goal_create(actor=city.users["unithead"], title="x", year=2026)


def test_long_standing_problem_counts_incoming_cases_per_month(city, noise):
    problem = services.problem_create(
        actor=city.users["supervisor"],
        year=2026,
        title="工地夜间施工扰民",
        category_ids=[city.categories["C02"].pk],
        keywords="工地 施工",
    )
    months = selectors.monthly_counts(problem, as_of=date(2026, 3, 31))
    assert months == [
        {"month": "2026-01", "count": 3},
        {"month": "2026-02", "count": 0},
        {"month": "2026-03", "count": 0},
    ]  # February's case says neither keyword
    with pytest.raises(errors.InvalidInput):
        services.problem_create(actor=city.users["supervisor"], year=2026, title="无所指")


def test_project_tree_rolls_up_by_weight_and_c3_is_idempotent(city):
    leader, hbj = city.users["leader"], city.departments["HBJ"]
    top = services.project_create(actor=leader, title="噪音综合整治", owner_department_id=hbj.pk)
    a = services.project_create(
        actor=leader, title="工地整治", owner_department_id=hbj.pk, parent_id=top.pk, weight=3
    )
    b = services.project_create(actor=leader, title="声屏障", owner_department_id=hbj.pk, parent_id=top.pk)
    m1 = services.milestone_create(actor=leader, project_id=a.pk, title="排查", due=date(2026, 3, 1))
    services.milestone_create(actor=leader, project_id=a.pk, title="整改", due=date(2026, 6, 1))
    services.milestone_complete(actor=city.users["unithead"], milestone_id=m1.pk)
    services.project_update_post(actor=city.users["unithead"], project_id=b.pk, text="完成一半", progress=0.5)
    progress = selectors.progress_map()
    assert progress[a.pk] == pytest.approx(0.5)
    assert progress[top.pk] == pytest.approx((3 * 0.5 + 1 * 0.5) / 4)
    with pytest.raises(errors.InvalidInput):  # a parent's progress is rolled up, not entered
        services.project_update_post(actor=leader, project_id=a.pk, text="x", progress=0.9)
    with pytest.raises(errors.Forbidden):  # another unit's handler
        services.project_update_post(actor=city.users["handler_jtj"], project_id=b.pk, text="x")

    first = services.project_create_from_proposal(
        actor=leader,
        title="增设口袋公园",
        description="居民提议",
        owner_department_id=hbj.pk,
        source_ref="proposal:42",
    )
    again = services.project_create_from_proposal(
        actor=leader,
        title="增设口袋公园",
        description="居民提议",
        owner_department_id=hbj.pk,
        source_ref="proposal:42",
    )
    assert first.pk == again.pk and Project.objects.filter(source_ref="proposal:42").count() == 1
    info = selectors.project_progress(source_ref="proposal:42")
    assert info["id"] == first.pk and info["progress"] == 0.0 and info["url"].startswith("/goals/")
    assert selectors.project_progress(source_ref="proposal:404") is None


def test_attachments_are_checked_and_a_bad_one_refuses_the_update(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    leader, hbj = city.users["leader"], city.departments["HBJ"]
    project = services.project_create(actor=leader, title="声屏障", owner_department_id=hbj.pk)
    update = services.project_update_post(
        actor=leader, project_id=project.pk, text="现场照片", uploads=[Upload(name="现场.png", content=PNG)]
    )
    stored = ProjectAttachment.objects.get(update=update)
    assert stored.content_type == "image/png" and (tmp_path / stored.file).exists()
    for bad in (
        Upload(name="x.png", content=b"MZ\x90\x00 not a png"),
        Upload(name="x.exe", content=PNG),
        Upload(name="empty.pdf", content=b""),
    ):
        with pytest.raises(errors.InvalidInput):
            services.project_update_post(actor=leader, project_id=project.pk, text="再传", uploads=[bad])
    assert ProjectUpdate.objects.filter(project=project).count() == 1


def _xlsx(rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["ref", "parent", "type", "title", "unit", "start", "due", "weight", "description"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_import_all_or_nothing(city):
    leader = city.users["leader"]
    good = _xlsx(
        [
            ["P1", "", "project", "背街小巷整治", "CGJ", "2026-01-01", "2026-12-31", 2, "说明"],
            ["P1.1", "P1", "项目", "解放路段", "", None, "2026-06-30", None, None],
            ["M1", "P1.1", "里程碑", "完成摸排", "", None, date(2026, 3, 31), 1, None],
        ]
    )
    top = services.projects_import_xlsx(actor=leader, content=good)
    assert [p.title for p in top] == ["背街小巷整治"]
    child = Project.objects.get(title="解放路段")
    assert child.parent_id == top[0].pk and child.owner_department.code == "CGJ"
    assert Milestone.objects.get(title="完成摸排").project_id == child.pk
    before = Project.objects.count()
    bad = _xlsx(
        [
            ["P2", "", "project", "新项目", "CGJ", None, None, None, None],
            ["M2", "P2", "milestone", "没有期限", "", None, None, None, None],
        ]
    )
    with pytest.raises(errors.InvalidInput) as caught:
        services.projects_import_xlsx(actor=leader, content=bad)
    assert "3" in str(caught.value.message)  # the row number
    assert Project.objects.count() == before
    with pytest.raises(errors.InvalidInput):
        services.projects_import_xlsx(actor=leader, content=b"not a workbook")
    with pytest.raises(errors.Forbidden):
        services.projects_import_xlsx(actor=city.users["handler"], content=good)


def test_milestone_ladder_reminds_then_escalates_once_each(city):
    leader, hbj = city.users["leader"], city.departments["HBJ"]
    project = services.project_create(actor=leader, title="工地整治", owner_department_id=hbj.pk)
    stone = services.milestone_create(actor=leader, project_id=project.pk, title="排查", due=date(2026, 3, 1))
    notices = Notification.objects.filter(key__startswith=f"goals.milestone:{stone.pk}:")
    assert services.milestone_ladder_run(today=date(2026, 3, 1)).reminded == 0  # not overdue yet
    assert services.milestone_ladder_run(today=date(2026, 3, 2)).reminded == 1
    assert services.milestone_ladder_run(today=date(2026, 3, 3)).reminded == 0  # never twice
    unit_heads = set(notices.values_list("recipient_id", flat=True))
    assert city.users["unithead"].pk in unit_heads and city.users["supervisor"].pk not in unit_heads
    assert services.milestone_ladder_run(today=date(2026, 3, 5)).escalated == 0  # within the margin
    assert services.milestone_ladder_run(today=date(2026, 3, 6)).escalated == 1
    assert services.milestone_ladder_run(today=date(2026, 3, 20)).escalated == 0
    stone.refresh_from_db()
    assert stone.ladder_stage == "escalated"
    assert notices.filter(key__endswith=":escalated", recipient=city.users["supervisor"]).count() == 1
    assert (
        AuditEvent.objects.filter(verb__startswith="goals.milestone.", object_id=str(stone.pk)).count() == 3
    )
    from shiyu.core import periodic

    periodic.autodiscover()
    assert "goals.milestone_ladder" in periodic.jobs()


@pytest.fixture
def scheme(city, noise):
    leader = city.users["leader"]
    s = services.scheme_create(
        actor=leader,
        name="2026年一季度考核",
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        department_ids=[city.departments["HBJ"].pk, city.departments["JTJ"].pk],
        items={"satisfaction_rate": 2, "on_time_completion_rate": 1, "redo_rate": 1},
    )
    services.scheme_recompute(actor=leader, scheme_id=s.pk)
    return s


def _row(result, dept):
    return next(r for r in result["rows"] if r["department_id"] == dept.pk)


def test_scorecard_breakdown_and_units_without_cases(city, scheme):
    result = selectors.scheme_result(scheme)
    hbj, jtj = _row(result, city.departments["HBJ"]), _row(result, city.departments["JTJ"])
    assert hbj["total"] == pytest.approx(100.0) and hbj["rank"] == 1  # satisfied, on time, no redo
    assert jtj["total"] is None and jtj["rank"] is None  # no cases: not ranked, not zero
    assert [i["key"] for i in hbj["items"]] == ["satisfaction_rate", "on_time_completion_rate", "redo_rate"]
    assert sum(i["points"] for i in hbj["items"]) == pytest.approx(hbj["total"])


def test_appeal_changes_only_the_appealed_item_and_is_audited(city, scheme):
    u, hbj = city.users, city.departments["HBJ"]
    before = {s.pk: (s.value, s.corrected) for s in ScoreItem.objects.filter(scheme=scheme)}
    target = ScoreItem.objects.get(scheme=scheme, department=hbj, item__key="redo_rate")
    with pytest.raises(errors.Forbidden):
        services.appeal_submit(actor=u["handler"], score_id=target.pk, reason="r", evidence="e")
    with pytest.raises(errors.Forbidden):  # the other unit's people cannot appeal for HBJ
        services.appeal_submit(actor=u["handler_jtj"], score_id=target.pk, reason="r", evidence="e")
    appeal = services.appeal_submit(
        actor=u["unithead"],
        score_id=target.pk,
        reason="重办系居民误操作",
        evidence="回访录音编号 123",
        proposed_value=0.0,
    )
    with pytest.raises(errors.Conflict):
        services.scheme_publish(actor=u["leader"], scheme_id=scheme.pk)  # decide appeals first
    with pytest.raises(errors.Forbidden):
        services.appeal_review(actor=u["unithead"], appeal_id=appeal.pk, accept=True, decision="")
    services.appeal_review(
        actor=u["supervisor"], appeal_id=appeal.pk, accept=True, decision="证据属实", value=0.5
    )
    after = {s.pk: (s.value, s.corrected) for s in ScoreItem.objects.filter(scheme=scheme)}
    changed = {pk for pk in before if before[pk] != after[pk]}
    assert changed == {target.pk} and after[target.pk] == (before[target.pk][0], 0.5)
    services.scheme_recompute(actor=u["leader"], scheme_id=scheme.pk)  # the correction survives
    assert ScoreItem.objects.get(pk=target.pk).corrected == 0.5
    row = _row(selectors.scheme_result(scheme), hbj)
    assert row["total"] == pytest.approx((2 * 100 + 1 * 100 + 1 * 50) / 4)
    audit = AuditEvent.objects.get(verb="goals.appeal.accept", object_id=str(appeal.pk))
    assert audit.data["before"] == before[target.pk][0] and audit.data["after"] == 0.5
    # Rejecting needs a reason; a rejected appeal changes nothing.
    second = services.appeal_submit(actor=u["unithead"], score_id=target.pk, reason="再诉", evidence="同上")
    with pytest.raises(errors.InvalidInput):
        services.appeal_review(actor=u["leader"], appeal_id=second.pk, accept=False, decision=" ")
    services.appeal_review(actor=u["leader"], appeal_id=second.pk, accept=False, decision="已按证据更正")
    assert ScoreItem.objects.get(pk=target.pk).corrected == 0.5
    assert AuditEvent.objects.filter(verb="goals.appeal.reject", object_id=str(second.pk)).exists()


def test_published_scorecard_never_changes(city, scheme, submit_case):
    u, hbj = city.users, city.departments["HBJ"]
    card = services.scheme_publish(actor=u["leader"], scheme_id=scheme.pk)
    scheme.refresh_from_db()
    frozen = selectors.scheme_result(scheme)
    assert frozen["published"] and _row(frozen, hbj)["total"] == pytest.approx(100.0)
    # New live data: an unsatisfied rating for HBJ inside the period.
    with clock.frozen_at(FEB + timedelta(days=1)):
        case = submit_case(title="施工噪音", category="C020101")
        cases.case_accept(actor=u["operator"], case_id=case.pk)
        cases.case_dispatch(actor=u["dispatcher"], case_id=case.pk, lead_department=hbj)
        cases.case_acknowledge(actor=u["handler"], case_id=case.pk)
        cases.case_reply(actor=u["handler"], case_id=case.pk, text="已处理")
        cases.case_follow_up(actor=u["operator"], case_id=case.pk, satisfaction="unsatisfied")
    rollups_refresh_all()
    live = item_value(key="satisfaction_rate", department=hbj, start=scheme.start, end=scheme.end)
    assert live == pytest.approx(0.5)  # the live figure did move
    with pytest.raises(errors.Conflict):
        services.scheme_recompute(actor=u["leader"], scheme_id=scheme.pk)
    with pytest.raises(errors.Conflict):
        services.scheme_publish(actor=u["leader"], scheme_id=scheme.pk)
    score = ScoreItem.objects.filter(scheme=scheme).first()
    with pytest.raises(errors.Conflict):
        services.appeal_submit(actor=u["unithead"], score_id=score.pk, reason="r", evidence="e")
    # Even rows changed behind the services' back do not reach a published scorecard.
    ScoreItem.objects.filter(scheme=scheme).update(value=0.0)
    scheme.refresh_from_db()
    assert selectors.scheme_result(scheme) == frozen
    assert _row(selectors.scheme_result(scheme), hbj)["total"] == pytest.approx(100.0)
    assert Scorecard.objects.get(pk=card.pk).data == card.data


def test_clusters_and_dispute_figures(city):
    leader, hbj = city.users["leader"], city.departments["HBJ"]
    project = services.project_create(actor=leader, title="工地整治", owner_department_id=hbj.pk)
    with pytest.raises(errors.InvalidInput):  # a cluster must say something about the cases
        services.project_add_cluster(actor=leader, project_id=project.pk)
    cluster = services.project_add_cluster(
        actor=leader, project_id=project.pk, category_id=city.categories["C0201"].pk, keywords=" 工地   夜间 "
    )
    assert cluster.keywords == "工地 夜间"
    from shiyu.goals.presenters import cluster_cases_url

    assert f"category={city.categories['C0201'].pk}" in cluster_cases_url(cluster)
    # C2: a district's government is assessed on its area's mediation figures; no disputes, no value.
    gov = city.departments[f"{city.districts[0].code}GOV"]
    assert (
        item_value(
            key="mediation_success_rate", department=gov, start=date(2026, 1, 1), end=date(2026, 3, 31)
        )
        is None
    )
    assert (
        item_value(
            key="mediation_success_rate", department=hbj, start=date(2026, 1, 1), end=date(2026, 3, 31)
        )
        is None
    )
