"""Reads of cases, always scoped by the actor: what they may not see is "not found"."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from shiyu.accounts import policies
from shiyu.accounts.models import Department
from shiyu.cases import workflow
from shiyu.cases.models import Case, CaseEvent, Category
from shiyu.cases.search import apply_search
from shiyu.core import clock, errors
from shiyu.core.ids import is_valid_id
from shiyu.core.masking import mask_email, mask_name, mask_phone  # noqa: F401  (mask_* used by callers)

# Queues of the workbench: name → (states, roles that work it).
QUEUES: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    "to_accept": (("submitted",), frozenset({"operator"})),
    "to_dispatch": (("accepted", "reopened"), frozenset({"dispatcher"})),
    "to_acknowledge": (("dispatched",), frozenset({"handler", "unithead"})),
    "in_progress": (("in_progress",), frozenset({"handler", "unithead"})),
    "to_follow_up": (("replied",), frozenset({"operator"})),
    "supervision": (("dispatched", "in_progress", "reopened"), frozenset({"supervisor", "leader"})),
    # 督办: open cases the ladder escalated or that became problem cases (see ESCALATED_Q).
    "supervised": (("accepted", "dispatched", "in_progress", "reopened"),
                   frozenset({"supervisor", "leader"})),
    "all": ((), frozenset()),
}


ESCALATED_Q = Q(escalation_level__gt=0) | Q(is_problem=True)


@dataclass
class CaseFilters:
    queue: str = ""
    states: list[str] = field(default_factory=list)
    kind: str = ""
    channel: str = ""
    category: int | None = None
    area: int | None = None
    department: int | None = None
    q: str = ""
    problem: bool | None = None
    overdue: bool | None = None
    # The drill-down from an insights figure: cases whose `date_field` (submitted | accepted |
    # acknowledged | closed) falls on local days date_from..date_to, and the figure's own cut.
    date_field: str = ""
    date_from: date | None = None
    date_to: date | None = None
    reopened: bool | None = None
    first_contact: bool | None = None
    open_only: bool = False
    lead_only: bool = False  # department: the lead unit (and its sub-units) only, as metrics count

    def apply(self, qs: QuerySet[Case]) -> QuerySet[Case]:
        qs = self._apply_drill(qs)
        if self.queue and self.queue in QUEUES and QUEUES[self.queue][0]:
            qs = qs.filter(state__in=QUEUES[self.queue][0])
        if self.queue == "supervised":
            qs = qs.filter(ESCALATED_Q)
        if self.states:
            qs = qs.filter(state__in=self.states)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.channel:
            qs = qs.filter(channel=self.channel)
        if self.category is not None and not is_valid_id(self.category):
            return qs.none()
        if self.category:
            path = Category.objects.filter(pk=self.category).values_list("path", flat=True).first()
            qs = qs.filter(category__path__startswith=path) if path else qs.none()
        if self.area is not None and not is_valid_id(self.area):
            return qs.none()
        if self.area:
            from shiyu.geo.selectors import area_get

            area = area_get(pk=self.area)
            qs = qs.filter(area__path__startswith=area.path) if area else qs.none()
        if self.department is not None and not is_valid_id(self.department):
            return qs.none()
        if self.department and self.lead_only:
            path = Department.objects.filter(pk=self.department).values_list("path", flat=True).first()
            qs = qs.filter(lead_department__path__startswith=path) if path else qs.none()
        elif self.department:
            qs = qs.filter(Q(lead_department_id=self.department) | Q(
                pk__in=Case.assisting_departments.through.objects.filter(
                    department_id=self.department).values("case_id")))
        if self.problem is not None:
            qs = qs.filter(is_problem=self.problem)
        if self.q:
            qs = apply_search(qs, self.q)
        return qs


    def _apply_drill(self, qs: QuerySet[Case]) -> QuerySet[Case]:
        column = DATE_FIELDS.get(self.date_field)
        if column and self.date_from:
            qs = qs.filter(**{f"{column}__gte": _day_start(self.date_from)})
        if column and self.date_to:
            qs = qs.filter(**{f"{column}__lt": _day_start(self.date_to + timedelta(days=1))})
        if self.reopened is not None:
            qs = qs.filter(reopen_count__gt=0) if self.reopened else qs.filter(reopen_count=0)
        if self.first_contact is not None:
            qs = qs.filter(first_contact=self.first_contact)
        if self.open_only:
            qs = qs.filter(state__in=[s.value for s in workflow.OPEN_STATES])
        if self.overdue:
            qs = qs.filter(overdue_q())
        return qs


DATE_FIELDS = {"submitted": "submitted_at", "accepted": "accepted_at", "acknowledged": "acknowledged_at",
               "closed": "closed_at"}


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def overdue_q(now: datetime | None = None) -> Q:
    """Open, unpaused cases past a running deadline now (the acknowledgement deadline while
    dispatched and not acknowledged, the reply deadline while dispatched or in progress)."""
    now = now or clock.now()
    return Q(paused_at__isnull=True) & (
        Q(state="dispatched", acknowledged_at__isnull=True, ack_due_at__lt=now)
        | Q(state__in=("dispatched", "in_progress"), reply_due_at__lt=now))


def _assisting_q(path: str) -> Q:
    return Q(pk__in=Case.assisting_departments.through.objects.filter(
        department__path__startswith=path).values("case_id"))


def target_of(case: Case) -> policies.Target:
    """What the policies need to know about a case (assisting units read only if needed)."""
    return policies.Target(
        area_path=case.area.path if case.area_id and case.area is not None else None,
        lead_department_path=(case.lead_department.path
                              if case.lead_department_id and case.lead_department is not None else None),
        department_paths=None,
        load_department_paths=lambda: tuple(d.path for d in case.assisting_departments.all()),
        owner_id=case.submitter_id,
    )


def visible_cases_q(actor: Any) -> Q:
    if actor is not None and getattr(actor, "is_system", False):
        return Q()  # the system user acts on any case (check_access lets it too): auto-routing, merges
    return policies.visible_q(actor, area_field="area__path", lead_field="lead_department__path",
                              owner_field="submitter_id", assisting_q=_assisting_q)


def case_list_for_user(*, actor: Any, filters: CaseFilters | None = None) -> QuerySet[Case]:
    qs = Case.objects.filter(visible_cases_q(actor))
    if filters is not None:
        qs = filters.apply(qs)
    return qs.select_related("category", "area", "lead_department").order_by("-submitted_at", "-id")


def case_get_for_user(*, actor: Any, case_id: int) -> Case:
    if not is_valid_id(case_id):
        raise errors.NotFound()
    case = case_list_for_user(actor=actor).filter(pk=case_id).first()
    if case is None:
        raise errors.NotFound()
    return case


def normalise_code(code: str) -> str:
    """A tracking code as stored, or "" for anything that cannot be one (no database round trip,
    and no NUL or other bytes PostgreSQL refuses in a literal)."""
    code = (code or "").strip().upper()
    return code if code.isascii() and code.isalnum() and len(code) <= 16 else ""


def case_by_code_for_user(*, actor: Any, code: str) -> Case:
    code = normalise_code(code)
    if not code:
        raise errors.NotFound()
    case = case_list_for_user(actor=actor).filter(code=code).first()
    if case is None:
        raise errors.NotFound()
    return case


def case_events_for_user(*, actor: Any, case_id: int) -> QuerySet[CaseEvent]:
    """Staff see the whole timeline; a resident sees only the public events of their own case."""
    case = case_get_for_user(actor=actor, case_id=case_id)
    events = CaseEvent.objects.filter(case=case).select_related("actor").order_by("id")
    return events if policies.is_staff_user(actor) else events.filter(is_public=True)


def case_actions_for_user(*, actor: Any, case: Case) -> list[str]:
    """The actions this user may take on this case now (drives the buttons on the case page)."""
    target = target_of(case)
    state = workflow.State(case.state)
    out = []
    for action in workflow.allowed_actions(state):
        if action == workflow.Action.EXTEND_REQUEST and case.extension_pending_days:
            continue
        if action in (workflow.Action.EXTEND_APPROVE, workflow.Action.EXTEND_DENY) and not (
                case.extension_pending_days):
            continue
        if action == workflow.Action.ESCALATE and case.escalation_level >= 4:
            continue
        if action in (workflow.Action.REMIND, workflow.Action.REPLY_HOLD):  # never a person's choice
            continue
        if action in (workflow.Action.REPLY_APPROVE, workflow.Action.REPLY_REJECT) and not (
                case.held_reply_text):
            continue
        if (action == workflow.Action.PAUSE and case.paused_at) or (
                action == workflow.Action.RESUME and not case.paused_at):
            continue
        if policies.can(actor, action.value, target):
            out.append(action.value)
    return out


def case_can_view_contact(*, actor: Any, case: Case) -> bool:
    return policies.can(actor, "view_contact", target_of(case))


def case_by_code(code: str) -> Case:
    """Public tracking: the code is the capability. No PII leaves through this."""
    code = normalise_code(code)
    case = None
    if code:
        case = Case.objects.select_related("category", "lead_department").filter(code=code).first()
    if case is None:
        raise errors.NotFound()
    return case


def case_public_events(case: Case) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case, is_public=True).order_by("id")


def queue_counts_for_user(*, actor: Any) -> dict[str, int]:
    base = case_list_for_user(actor=actor)
    my_roles = policies.roles(actor)
    counts = {}
    for name, (states, roles) in QUEUES.items():
        if states and (roles & my_roles or policies.SUPER in my_roles):
            qs = base.filter(state__in=states)
            counts[name] = (qs.filter(ESCALATED_Q) if name == "supervised" else qs).count()
    return counts


def category_list() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("path")


def case_contact_masked(case: Case) -> dict[str, str]:
    """The submitter's contact as lists and case pages show it (138****5678, 陈**, ***@example.cn)."""
    return {"name": mask_name(case.contact_name), "phone": mask_phone(case.contact_phone),
            "email": mask_email(case.contact_email)}


def case_by_external_ref(*, channel: str, external_ref: str) -> Case | None:
    """The case a source system's record already became, if any (imports skip those).

    Not scoped by an actor: only system channels (hotline import) call it, and it answers
    with the id and code alone."""
    if not external_ref:
        return None
    # The partial unique index's own condition, spelled out, lets SQLite use it; and no ORDER BY:
    # first()'s default ordering walked the submitted_at index over every case (17 s at 1 M cases).
    qs = Case.objects.filter(channel=channel, external_ref=external_ref).exclude(external_ref="")
    return next(iter(qs.only("id", "code").order_by()[:1]), None)


def kind_choices() -> list[tuple[str, str | Promise]]:  # labels are lazy translations
    return list(Case.Kind.choices)


def urgency_choices() -> list[tuple[str, str | Promise]]:
    return list(Case.Urgency.choices)
