"""Demo content of the goals app for `make run`: two goals with computed and manual indicators, a
key project tree with milestones (one overdue), a long-standing problem and a computed scheme.
Everything goes through the services; call `seed_goals(city)` after the demo cases are seeded
(and their rollups refreshed), so the computed figures have something to count."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from shiyu.core import clock
from shiyu.goals import services


def seed_goals(city: Any) -> dict[str, int]:
    from shiyu.insights.services import rollups_refresh_all

    rollups_refresh_all()  # the computed figures read the rollups of the cases just seeded
    leader, unithead = city.users["leader"], city.users["unithead"]
    hbj, cgj = city.departments["HBJ"], city.departments["CGJ"]
    today = timezone.localdate(clock.now())
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)
    district = city.districts[0]

    noise = services.goal_create(
        actor=leader,
        title=f"{district.name}噪音投诉下降20%",
        year=today.year,
        owner_department_id=hbj.pk,
        description="以施工噪音为重点，压降噪音类投诉，提升群众满意度。",
    )
    services.indicator_create(
        actor=leader,
        goal_id=noise.pk,
        name="噪音类投诉量（件/月）",
        source="computed",
        metric="intake",
        category_id=city.categories["C0201"].pk,
        area_id=district.pk,
        start=year_start,
        end=year_end,
        baseline=20,
        target=16,
        direction="decrease",
        unit="件",
    )
    services.indicator_create(
        actor=leader,
        goal_id=noise.pk,
        name="噪音类诉求满意率",
        source="computed",
        metric="satisfaction_rate",
        category_id=city.categories["C0201"].pk,
        start=year_start,
        end=year_end,
        baseline=0.8,
        target=0.9,
        direction="increase",
    )
    barrier = services.indicator_create(
        actor=leader,
        goal_id=noise.pk,
        name="新建声屏障（公里）",
        source="manual",
        start=year_start,
        end=year_end,
        baseline=0,
        target=5,
        direction="increase",
        unit="公里",
    )
    services.indicator_value_enter(
        actor=leader,
        indicator_id=barrier.pk,
        on=today - timedelta(days=20),
        value=2.0,
        evidence="第一批声屏障竣工验收单",
    )
    city_look = services.goal_create(
        actor=leader, title="市容环境按时办结率达到95%", year=today.year, owner_department_id=cgj.pk
    )
    services.indicator_create(
        actor=leader,
        goal_id=city_look.pk,
        name="市容类按时办结率",
        source="computed",
        metric="on_time_completion_rate",
        category_id=city.categories["C0101"].pk,
        start=year_start,
        end=year_end,
        baseline=0.85,
        target=0.95,
        direction="increase",
    )

    top = services.project_create(
        actor=leader,
        title="建筑工地夜间施工专项整治",
        owner_department_id=hbj.pk,
        goal_id=noise.pk,
        start=year_start,
        due=year_end,
    )
    sites = services.project_create(
        actor=leader, title="重点工地在线监测", owner_department_id=hbj.pk, parent_id=top.pk, weight=2
    )
    services.milestone_create(
        actor=leader, project_id=sites.pk, title="完成工地摸排建档", due=today - timedelta(days=40)
    )
    late = services.milestone_create(
        actor=leader, project_id=sites.pk, title="安装噪声监测设备", due=today - timedelta(days=3)
    )
    services.milestone_create(
        actor=leader, project_id=sites.pk, title="接入监测平台", due=today + timedelta(days=30)
    )
    first = sites.milestones.order_by("due").first()
    if first is not None:
        services.milestone_complete(actor=unithead, milestone_id=first.pk)
    walls = services.project_create(
        actor=leader, title="快速路声屏障建设", owner_department_id=hbj.pk, parent_id=top.pk
    )
    services.project_update_post(
        actor=unithead, project_id=walls.pk, text="第一批2公里已竣工验收。", progress=0.4
    )
    services.problem_create(
        actor=leader,
        year=today.year,
        title="建筑工地夜间施工扰民",
        category_ids=[city.categories["C0201"].pk],
        keywords="工地 施工",
        owner_department_id=hbj.pk,
        description="群众反映集中、多年反复，列入本年度老大难问题清单。",
    )
    scheme = services.scheme_create(
        actor=leader,
        name=f"{today.year}年度承办单位考核",
        start=year_start,
        end=today,
        department_ids=[d.pk for code, d in city.departments.items() if code in ("HBJ", "CGJ", "JTJ", "ZJJ")],
        items={
            "on_time_completion_rate": 3,
            "satisfaction_rate": 3,
            "redo_rate": 1,
            "project_progress": 1,
            "goal_attainment": 2,
        },
    )
    services.scheme_recompute(actor=leader, scheme_id=scheme.pk)
    services.milestone_ladder_run(today=today)  # the overdue milestone's unit is reminded
    return {"goals": 2, "projects": 3, "scheme": scheme.pk, "overdue_milestone": late.pk}
