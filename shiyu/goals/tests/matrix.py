"""The goals app's rows of tests/test_authorization_matrix.py (plugin protocol) and their calls.

Everything here is staff reading (all staff read goals, projects, scorecards, problems; residents
get 404 like any staff page; anonymous API callers 401, page visitors are sent to sign in).
Leaders and supervisors (and the administrator) manage goals, projects, schemes and review
appeals; the unit head of HBJ updates HBJ's project and appeals HBJ's score; everyone else is
refused with 403 and nothing changes. The public pages are open to all."""

import io
from datetime import date

from django.urls import reverse

from shiyu.goals.models import (
    Appeal,
    ComplaintCluster,
    Goal,
    Indicator,
    IndicatorEntry,
    LongStandingProblem,
    Milestone,
    Project,
    ProjectCase,
    ProjectUpdate,
    Scheme,
    Scorecard,
    ScoreItem,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
MANAGERS = {"leader", "supervisor", "admin"}
UNIT = MANAGERS | {"unithead"}


def _rows(h, ok: set[str], status: int, *, page: bool) -> dict[str, int]:
    out = {role: (status if role in ok else 403) for role in h.STAFF}
    out["resident"] = 404
    out["anonymous"] = 302 if page else 401
    return out


def entries(h) -> dict[tuple[str, str], dict[str, int]]:
    staff = set(h.STAFF)
    read_api = _rows(h, staff, 200, page=False)
    read_page = _rows(h, staff, 200, page=True)
    rows: dict[tuple[str, str], dict[str, int]] = {}
    for name in (
        "goals",
        "goal-detail",
        "projects",
        "project-detail",
        "scorecards",
        "scorecard-detail",
        "problems",
        "problem-detail",
    ):
        rows[("GET", f"api:{name}")] = read_api
    for name in (
        "goal-create",
        "goal-indicator-create",
        "indicator-value",
        "project-create",
        "scorecard-create",
        "problem-create",
    ):
        rows[("POST", f"api:{name}")] = _rows(h, MANAGERS, 201, page=False)
    for name in ("scorecard-recompute", "scorecard-publish"):
        rows[("POST", f"api:{name}")] = _rows(h, MANAGERS, 200, page=False)
    for name in ("project-update", "milestone-create", "project-link-case", "project-add-cluster"):
        rows[("POST", f"api:{name}")] = _rows(h, UNIT, 201, page=False)
    rows[("POST", "api:milestone-complete")] = _rows(h, UNIT, 200, page=False)
    rows[("POST", "api:scorecard-appeal")] = _rows(h, {"unithead", "admin"}, 201, page=False)
    rows[("POST", "api:appeal-review")] = _rows(h, MANAGERS, 200, page=False)
    # An appeal's files: the appealing unit, reviewers and managers; others as if it did not exist.
    rows[("GET", "goals:appeal-attachment")] = {**_rows(h, UNIT, 200, page=True),
                                               **{role: 404 for role in set(h.STAFF) - UNIT}}
    for name in ("index", "goal", "project", "scheme", "project-import", "attachment"):
        rows[("GET", f"goals:{name}")] = read_page
    for name in (
        "goal-create",
        "indicator-create",
        "indicator-value",
        "scheme-create",
        "scheme-recompute",
        "scheme-publish",
        "problem-create",
        "project-import",
    ):
        rows[("POST", f"goals:{name}")] = _rows(h, MANAGERS, 302, page=True)
    for name in (
        "project-update",
        "milestone-create",
        "milestone-complete",
        "project-link-case",
        "project-add-cluster",
    ):
        rows[("POST", f"goals:{name}")] = _rows(h, UNIT, 302, page=True)
    rows[("POST", "goals:appeal-submit")] = _rows(h, {"unithead", "admin"}, 302, page=True)
    rows[("POST", "goals:appeal-review")] = _rows(h, MANAGERS, 302, page=True)
    for name in ("index", "goal", "project"):
        rows[("GET", f"goals-public:{name}")] = h.every(200)
    return rows


NO_CHANGE: dict[tuple[str, str], set[str]] = {}


def _no_change() -> None:
    for name in (
        "goal-create",
        "indicator-create",
        "indicator-value",
        "scheme-create",
        "scheme-recompute",
        "scheme-publish",
        "problem-create",
        "project-import",
        "project-update",
        "milestone-create",
        "milestone-complete",
        "project-link-case",
        "project-add-cluster",
        "appeal-submit",
        "appeal-review",
    ):
        NO_CHANGE[("POST", f"goals:{name}")] = {"anonymous"}


_no_change()


def handles(base: str) -> bool:
    return base.startswith(("goals:", "goals-public:")) or base.removeprefix("api:") in {
        "goals",
        "goal-detail",
        "goal-create",
        "goal-indicator-create",
        "indicator-value",
        "projects",
        "project-detail",
        "project-create",
        "project-update",
        "milestone-create",
        "project-link-case",
        "project-add-cluster",
        "milestone-complete",
        "scorecards",
        "scorecard-detail",
        "scorecard-create",
        "scorecard-recompute",
        "scorecard-publish",
        "scorecard-appeal",
        "appeal-review",
        "problems",
        "problem-detail",
        "problem-create",
    }


def _xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["ref", "parent", "type", "title", "unit", "start", "due", "weight", "description"])
    book.active.append(["P1", "", "project", "导入项目", "HBJ", None, None, None, None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def setup(world) -> None:
    from shiyu.goals import services
    from shiyu.goals.services.files import Upload

    city = world.city
    leader, hbj = city.users["leader"], city.departments["HBJ"]
    goal = services.goal_create(actor=leader, title="噪音投诉下降", year=2026, owner_department_id=hbj.pk)
    manual = services.indicator_create(
        actor=leader,
        goal_id=goal.pk,
        name="声屏障",
        source="manual",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        baseline=0,
        target=10,
        direction="increase",
    )
    services.indicator_create(
        actor=leader,
        goal_id=goal.pk,
        name="噪音投诉量",
        source="computed",
        metric="intake",
        category_id=city.categories["C0201"].pk,
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        baseline=10,
        target=8,
        direction="decrease",
    )
    project = services.project_create(actor=leader, title="工地整治", owner_department_id=hbj.pk)
    milestone = services.milestone_create(
        actor=leader, project_id=project.pk, title="排查", due=date(2026, 3, 1)
    )
    update = services.project_update_post(
        actor=leader, project_id=project.pk, text="照片", uploads=[Upload(name="p.png", content=PNG)]
    )
    leaf = services.project_create(actor=leader, title="声屏障", owner_department_id=hbj.pk)
    problem = services.problem_create(actor=leader, year=2026, title="夜间施工", keywords="施工")
    scheme_args = {
        "start": date(2026, 1, 1),
        "end": date(2026, 12, 31),
        "department_ids": [hbj.pk, city.departments["JTJ"].pk],
        "items": {"satisfaction_rate": 1, "project_progress": 1},
    }
    open_scheme = services.scheme_create(actor=leader, name="考核A", **scheme_args)
    services.scheme_recompute(actor=leader, scheme_id=open_scheme.pk)
    appealed = services.scheme_create(actor=leader, name="考核B", **scheme_args)
    services.scheme_recompute(actor=leader, scheme_id=appealed.pk)
    score_b = ScoreItem.objects.get(scheme=appealed, department=hbj, item__key="project_progress")
    appeal = services.appeal_submit(
        actor=city.users["unithead"],
        score_id=score_b.pk,
        reason="进度已更新",
        evidence="验收单",
        proposed_value=0.5,
        uploads=[Upload(name="验收单.png", content=PNG)],
    )
    world.extra["goals"] = {
        "goal": goal.pk,
        "manual": manual.pk,
        "project": project.pk,
        "leaf": leaf.pk,
        "milestone": milestone.pk,
        "attachment": update.attachments.get().pk,
        "problem": problem.pk,
        "scheme": open_scheme.pk,
        "score": ScoreItem.objects.get(scheme=open_scheme, department=hbj, item__key="project_progress").pk,
        "appeal": appeal.pk,
        "appeal_attachment": appeal.attachments.get().pk,
        "appeal_scheme": appealed.pk,
        "hbj": hbj.pk,
        "case": world.cases["read"].pk,
    }


def snapshot() -> tuple:
    return (
        Goal.objects.count(),
        Indicator.objects.count(),
        IndicatorEntry.objects.count(),
        tuple(Project.objects.order_by("pk").values_list("pk", "status", "own_progress")),
        tuple(Milestone.objects.order_by("pk").values_list("pk", "done_at")),
        ProjectUpdate.objects.count(),
        ProjectCase.objects.count(),
        ComplaintCluster.objects.count(),
        LongStandingProblem.objects.count(),
        tuple(Scheme.objects.order_by("pk").values_list("pk", "status", "computed_at")),
        tuple(ScoreItem.objects.order_by("pk").values_list("pk", "value", "corrected")),
        tuple(Appeal.objects.order_by("pk").values_list("pk", "status")),
        Scorecard.objects.count(),
    )


def _api(world, method, base, client, headers):
    g = world.extra["goals"]
    name = base.removeprefix("api:")
    kwargs = {
        "goal-detail": {"goal_id": g["goal"]},
        "goal-indicator-create": {"goal_id": g["goal"]},
        "indicator-value": {"indicator_id": g["manual"]},
        "project-detail": {"project_id": g["project"]},
        "project-update": {"project_id": g["leaf"]},
        "milestone-create": {"project_id": g["project"]},
        "project-link-case": {"project_id": g["project"]},
        "project-add-cluster": {"project_id": g["project"]},
        "milestone-complete": {"milestone_id": g["milestone"]},
        "scorecard-detail": {"scheme_id": g["scheme"]},
        "scorecard-recompute": {"scheme_id": g["scheme"]},
        "scorecard-publish": {"scheme_id": g["scheme"]},
        "scorecard-appeal": {"scheme_id": g["scheme"]},
        "appeal-review": {"appeal_id": g["appeal"]},
        "problem-detail": {"problem_id": g["problem"]},
    }.get(name, {})
    url = reverse(base, kwargs=kwargs)
    if method == "GET":
        return client.get(url, headers=headers)
    body = {
        "goal-create": {"title": "新目标", "year": 2026},
        "goal-indicator-create": {
            "name": "满意率",
            "source": "computed",
            "metric": "satisfaction_rate",
            "start": "2026-01-01",
            "end": "2026-12-31",
            "baseline": 0.8,
            "target": 0.9,
            "direction": "increase",
        },
        "indicator-value": {"on": "2026-02-01", "value": 3, "evidence": "验收单"},
        "project-create": {"title": "新项目", "owner_department": g["hbj"]},
        "project-update": {"text": "进展", "progress": 0.3},
        "milestone-create": {"title": "新节点", "due": "2026-09-30"},
        "project-link-case": {"case": g["case"]},
        "project-add-cluster": {"keywords": "施工 噪音"},
        "scorecard-create": {
            "name": "考核C",
            "start": "2026-01-01",
            "end": "2026-03-31",
            "departments": [g["hbj"]],
            "items": {"satisfaction_rate": 1},
        },
        "scorecard-appeal": {"score": g["score"], "reason": "理由", "evidence": "证据"},
        "appeal-review": {"accept": True, "decision": "属实"},
        "problem-create": {"year": 2026, "title": "新问题", "keywords": "噪音"},
    }.get(name, {})
    return client.post(url, body, content_type="application/json", headers=headers)


def _page(world, method, base, client):
    g = world.extra["goals"]
    name = base.partition(":")[2]
    kwargs = {
        "goal": {"goal_id": g["goal"]},
        "indicator-create": {"goal_id": g["goal"]},
        "indicator-value": {"indicator_id": g["manual"]},
        "project": {"project_id": g["project"]},
        "project-update": {"project_id": g["leaf"]},
        "milestone-create": {"project_id": g["project"]},
        "project-link-case": {"project_id": g["project"]},
        "project-add-cluster": {"project_id": g["project"]},
        "milestone-complete": {"milestone_id": g["milestone"]},
        "attachment": {"attachment_id": g["attachment"]},
        "appeal-attachment": {"attachment_id": g["appeal_attachment"]},
        "scheme": {"scheme_id": g["scheme"]},
        "scheme-recompute": {"scheme_id": g["scheme"]},
        "scheme-publish": {"scheme_id": g["scheme"]},
        "appeal-submit": {"scheme_id": g["scheme"]},
        "appeal-review": {"appeal_id": g["appeal"]},
    }.get(name, {})
    url = reverse(base, kwargs=kwargs)
    if method == "GET":
        return client.get(url)
    if name == "project-import":
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(url, {"file": SimpleUploadedFile("p.xlsx", _xlsx())})
    body = {
        "goal-create": {"title": "新目标", "year": "2026"},
        "indicator-create": {
            "name": "满意率",
            "source": "computed",
            "metric": "satisfaction_rate",
            "start": "2026-01-01",
            "end": "2026-12-31",
            "baseline": "0.8",
            "target": "0.9",
            "direction": "increase",
        },
        "indicator-value": {"on": "2026-02-01", "value": "3", "evidence": "验收单"},
        "scheme-create": {
            "name": "考核C",
            "start": "2026-01-01",
            "end": "2026-03-31",
            "departments": [str(g["hbj"])],
            "w_satisfaction_rate": "1",
        },
        "problem-create": {"year": "2026", "title": "新问题", "keywords": "噪音"},
        "project-update": {"text": "进展", "progress": "30"},
        "milestone-create": {"title": "新节点", "due": "2026-09-30"},
        "project-link-case": {"case": str(g["case"])},
        "project-add-cluster": {"keywords": "施工 噪音"},
        "appeal-submit": {"score": str(g["score"]), "reason": "理由", "evidence": "证据"},
        "appeal-review": {"accept": "1", "decision": "属实"},
    }.get(name, {})
    return client.post(url, body)


def call(world, method: str, base: str, sub: str, role: str, *, client, headers):
    if base.startswith("api:"):
        return _api(world, method, base, client, headers)
    return _page(world, method, base, client)
