"""Playing the plan: every step through intake and the workflow verbs under clock.frozen_at, so
states, events and audit rows are exactly what real use writes."""

import random
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction

from shiyu.accounts.selectors import user_get_by_username
from shiyu.accounts.services import membership_grant, user_create
from shiyu.cases import services
from shiyu.cases.services import CaseInput
from shiyu.core import clock
from shiyu.demo.city import City
from shiyu.demo.seed.plan import BATCH, CasePlan
from shiyu.geo.selectors import area_get, area_random_point
from shiyu.intake.services import intake_submit


def _handlers(city: City) -> dict[int, Any]:
    """A handler for every unit: the demo accounts where they exist, otherwise one per unit
    (no usable password: they only sign the timeline)."""
    out: dict[int, Any] = {}
    for dept_code, username in (("HBJ", "handler"), ("CGJ", "handler"), ("JTJ", "handler_jtj")):
        if username in city.users and dept_code in city.departments:
            out[city.departments[dept_code].pk] = city.users[username]
    for code, dept in sorted(city.departments.items()):
        if dept.pk in out:
            continue
        username = f"handler_{code.lower()}"
        user = user_get_by_username(username)
        if user is None:
            user = user_create(username=username, password="", display_name=f"{dept.name}承办人",
                               is_demo=True)
            membership_grant(user=user, role_code="handler", department=dept)
        out[dept.pk] = user
    return out


class SeedError(RuntimeError):
    pass


def demo_point(grid: Any, index: int) -> tuple[float, float] | None:
    """A deterministic point inside a grid's generated boundary."""
    area = area_get(pk=grid.pk)  # with the boundary generated after `grid` was loaded
    return area_random_point(area, random.Random(f"demo-point-{index}")) if area is not None else None


def seed_cases(*, city: City, plans: Iterable[CasePlan], batch: int = BATCH,
               progress: Callable[[int], None] | None = None) -> Counter:
    """Play the plans through the services. → count of cases per final state."""
    plans = list(plans)
    with transaction.atomic():
        handlers = _handlers(city)
    grids = {g.code: g for g in city.grids}
    staff = {role: city.users[role] for role in ("operator", "dispatcher", "supervisor")}
    resident = city.users.get("resident")
    case_ids: dict[int, int] = {}
    counts: Counter = Counter()

    def department(code: str, case: Any, district_code: str) -> int:
        if code == "default":
            return case.suggested_department_id
        if code == "GOV":
            code = f"{district_code}GOV"
        return city.departments[code].pk

    for start in range(0, len(plans), batch):
        chunk = plans[start:start + batch]
        with transaction.atomic():
            for plan in chunk:
                case = _play(plan, city=city, grids=grids, staff=staff, handlers=handlers,
                             resident=resident, case_ids=case_ids, department=department)
                if case.state != plan.final_state:
                    raise SeedError(f"case {plan.index} ended {case.state}, planned {plan.final_state}")
                case_ids[plan.index] = case.pk
                counts[case.state] += 1
        if progress is not None:
            progress(len(chunk))
    return counts


def _play(plan: CasePlan, *, city: City, grids: dict, staff: dict, handlers: dict, resident: Any,
          case_ids: dict[int, int], department: Callable[[str, Any, str], int]) -> Any:
    category = city.categories[plan.category]
    # A point inside the grid for what residents place on a map (web, API); phoned-in and imported
    # matters come with an address only, as they do in life.
    point = demo_point(grids[plan.place.grid_code], plan.index) if plan.channel in ("web", "api") else None
    with clock.frozen_at(plan.submitted_at):
        case, _created = intake_submit(
            actor=resident if plan.by_resident else None,
            data=CaseInput(title=plan.title, body=plan.body, kind=plan.kind, category=category.pk,
                           area=grids[plan.place.grid_code].pk, address=plan.address, urgency=plan.urgency,
                           latitude=point[0] if point else None, longitude=point[1] if point else None,
                           channel=plan.channel, contact_name=plan.contact_name,
                           contact_phone=plan.contact_phone, external_ref=plan.external_ref))
    district = plan.place.district_code
    for step in plan.steps:
        actor = handlers[case.lead_department_id] if step.actor == "lead" else staff[step.actor]
        a = step.args
        with clock.frozen_at(step.at):
            if step.action == "accept":
                case = services.case_accept(actor=actor, case_id=case.pk)
            elif step.action == "reject":
                case = services.case_reject(actor=actor, case_id=case.pk, reason=a["reason"])
            elif step.action == "merge":
                assert plan.merge_target is not None
                case = services.case_merge(actor=actor, case_id=case.pk,
                                           target_id=case_ids[plan.merge_target], note=a.get("note", ""))
            elif step.action == "answer":
                case = services.case_answer(actor=actor, case_id=case.pk, text=a["text"])
            elif step.action in ("dispatch", "transfer"):
                verb = services.case_dispatch if step.action == "dispatch" else services.case_transfer
                target = department(a["lead"], case, district)
                if step.action == "transfer" and target == case.lead_department_id:
                    continue  # the detour's "wrong" unit is where routing sends this case anyway
                case = verb(actor=actor, case_id=case.pk,
                            lead_department=department(a["lead"], case, district),
                            assisting_departments=[department(c, case, district)
                                                   for c in a.get("assisting", [])],
                            note=a.get("note", ""))
            elif step.action == "acknowledge":
                case = services.case_acknowledge(actor=actor, case_id=case.pk)
            elif step.action == "return":
                case = services.case_return(actor=actor, case_id=case.pk, reason=a["reason"])
            elif step.action == "reply":
                case = services.case_reply(actor=actor, case_id=case.pk, text=a["text"])
            elif step.action == "follow_up":
                case = services.case_follow_up(actor=actor, case_id=case.pk, satisfaction=a["satisfaction"],
                                               comment=a.get("comment", ""))
            elif step.action == "close":
                case = services.case_close(actor=actor, case_id=case.pk, note=a.get("note", ""))
            elif step.action == "reopen":
                case = services.case_reopen(actor=actor, case_id=case.pk, reason=a["reason"])
            elif step.action == "urge":
                case = services.case_urge(actor=actor, case_id=case.pk, note=a.get("note", ""))
            elif step.action == "escalate":
                case = services.case_escalate(actor=actor, case_id=case.pk)
            elif step.action == "extend_request":
                case = services.case_extend_request(actor=actor, case_id=case.pk, days=a["days"],
                                                    reason=a["reason"])
            elif step.action == "extend_approve":
                case = services.case_extend_approve(actor=actor, case_id=case.pk)
            elif step.action == "extend_deny":
                case = services.case_extend_deny(actor=actor, case_id=case.pk, reason=a["reason"])
            else:
                raise SeedError(f"unknown step {step.action}")
    return case
