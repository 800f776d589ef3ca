"""Routing at intake: the catalog's unit and limits before the insert, then, after commit, the
classifier's suggestions, automatic routing above the threshold, and duplicate candidates.

Nothing here may stop or slow a submission: every entry point catches, logs without personal
data (case id and exception type only) and carries on.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiyu.accounts.services import system_user
from shiyu.cases import services as case_services
from shiyu.cases import taxonomy
from shiyu.cases.models import Case, CaseEvent
from shiyu.core import citysettings, clock, errors
from shiyu.routing import catalog, duplicates
from shiyu.routing.models import CaseSignature, DuplicateCandidate, RoutingCorrection, RoutingDecision

log = logging.getLogger(__name__)

AUTO_ROUTE = citysettings.declare(
    "routing.auto_route", True, gettext_lazy("Routing: dispatch automatically above the threshold")
)
THRESHOLD = citysettings.declare(
    "routing.auto_route_threshold",
    0.9,
    gettext_lazy("Routing: classifier confidence needed to dispatch automatically"),
    minimum=0.0,
    maximum=1.0,
)
SUGGESTIONS = 3


def _suggest(title: str, body: str) -> tuple[list[dict[str, Any]], str]:
    """The classifier's top suggestions as [{label, confidence}] and the model version; nothing
    (never an error) when the classifier is absent, has no model, or fails."""
    try:
        from shiyu.routing.classifier import active_model_info, suggest
    except ImportError:
        return [], ""
    try:
        found = suggest(title, body, k=SUGGESTIONS)
        info = active_model_info() or {}
    except Exception as exc:  # the contract says it never raises; intake must not depend on that
        log.warning("routing: classifier failed (%s)", type(exc).__name__)
        return [], ""
    return (
        [{"label": str(s.label), "confidence": round(float(s.confidence), 4)} for s in found],
        str(info.get("version", ""))[:64],
    )


def route_prepare(fields: dict[str, Any]) -> dict[str, Any]:
    """Before intake's transaction: the catalog's suggested unit and the limits it sets.
    Adds suggested_department_id, ack_limit_hours, reply_limit_days to `fields`."""
    try:
        category, area = fields.get("category"), fields.get("area")
        found = catalog.resolve(
            category.pk if category else None, area.pk if area else None, fields.get("urgency") or "normal"
        )
        if found.department_id is not None:
            fields["suggested_department_id"] = found.department_id
        fields["ack_limit_hours"] = found.ack_hours
        fields["reply_limit_days"] = found.complete_days
    except Exception as exc:
        log.warning("routing: catalog look-up failed at intake (%s)", type(exc).__name__)
    return fields


def route_after_intake(case_id: int) -> None:
    """After intake's commit: record the decision and duplicate candidates; route automatically
    when the classifier is sure enough. Never raises."""
    try:
        _route(case_id)
    except Exception as exc:
        log.warning("routing: case %s was not routed (%s)", case_id, type(exc).__name__)


def _route(case_id: int) -> None:
    case = Case.objects.select_related("category").filter(pk=case_id).first()
    if case is None or RoutingDecision.objects.filter(case_id=case_id).exists():
        return  # gone, or already routed (a retry)
    suggestions, version = _suggest(case.title, case.body)
    found = catalog.resolve(case.category_id, case.area_id, case.urgency)
    cell = duplicates.cell_of(case.latitude, case.longitude)
    matches = _duplicates(case, cell)
    threshold = float(THRESHOLD.get())
    with transaction.atomic():
        CaseSignature.objects.create(
            case_id=case.pk,
            cell=cell,
            area_id=case.area_id,
            category_id=case.category_id,
            submitted_at=case.submitted_at,
            shingles=duplicates.shingles(case.title, case.body),
        )
        DuplicateCandidate.objects.bulk_create(
            [
                DuplicateCandidate(
                    case_id=case.pk, candidate_id=m.case_id, score=round(m.score, 4), created_at=clock.now()
                )
                for m in matches
            ],
            ignore_conflicts=True,
        )
        decision = RoutingDecision.objects.create(
            case_id=case.pk,
            rule_id=found.rule_id,
            source=found.source,
            matched_category_id=found.matched_category_id,
            matched_area_id=found.matched_area_id,
            department_id=found.department_id,
            assisting=list(found.assisting),
            ack_limit_hours=found.ack_hours,
            reply_limit_days=found.complete_days,
            conflict=found.conflict,
            suggestions=suggestions,
            model_version=version,
            threshold=threshold,
            outcome=_outcome(case, suggestions, threshold, matches),
            created_at=clock.now(),
        )
    if decision.outcome == "auto":
        _auto_route(case, decision)


def _duplicates(case: Case, cell: int | None) -> list[duplicates.Match]:
    matches = duplicates.find(
        title=case.title,
        body=case.body,
        now=case.submitted_at,
        cell=cell,
        area_id=case.area_id,
        category_id=case.category_id,
        exclude=case.pk,
        limit=10,
    )
    if not matches:
        return []
    # Merged and refused cases are not what a new report repeats: their survivor is.
    live = set(
        Case.objects.filter(pk__in=[m.case_id for m in matches])
        .exclude(state__in=("merged", "rejected"))
        .values_list("pk", flat=True)
    )
    return [m for m in matches if m.case_id in live][:5]


def _outcome(
    case: Case, suggestions: list[dict[str, Any]], threshold: float, matches: list[duplicates.Match]
) -> str:
    if not suggestions:
        return "no_model"
    top = suggestions[0]
    if top["confidence"] < threshold:
        return "below_threshold"
    if not AUTO_ROUTE.get():
        return "disabled"
    category = taxonomy.categories.get().by_code.get(top["label"])
    if category is None:
        return "unknown_category"
    if case.category_id is not None and case.category_id != category.pk:
        return "category_mismatch"
    if case.state != "submitted":
        return "not_submitted"
    if matches:
        return "duplicate_suspected"  # an operator decides whether to merge first
    if catalog.resolve(category.pk, case.area_id, case.urgency).department_id is None:
        return "no_department"
    return "auto"


def _auto_route(case: Case, decision: RoutingDecision) -> None:
    top = decision.suggestions[0]
    category = taxonomy.categories.get().by_code[top["label"]]
    found = catalog.resolve(category.pk, case.area_id, case.urgency)
    if found.department_id is None:  # the catalog changed since the decision
        return
    department_id = found.department_id
    actor = system_user()
    note = _("Routed automatically: category %(code)s with confidence %(confidence).2f.") % {
        "code": category.code,
        "confidence": top["confidence"],
    }
    try:
        with transaction.atomic():
            case_services.case_accept(
                actor=actor,
                case_id=case.pk,
                note=note,
                category=category,
                ack_limit_hours=found.ack_hours,
                reply_limit_days=found.complete_days,
            )
            case_services.case_dispatch(
                actor=actor,
                case_id=case.pk,
                lead_department=department_id,
                assisting_departments=list(found.assisting),
                note=note,
            )
            RoutingDecision.objects.filter(case_id=case.pk).update(
                auto_routed=True,
                department_id=found.department_id,
                rule_id=found.rule_id,
                source=found.source,
                matched_category_id=found.matched_category_id,
                matched_area_id=found.matched_area_id,
                assisting=list(found.assisting),
                ack_limit_hours=found.ack_hours,
                reply_limit_days=found.complete_days,
                conflict=found.conflict,
            )
            CaseSignature.objects.filter(case_id=case.pk).update(category_id=category.pk)
    except errors.DomainError as exc:
        # Someone acted on the case first, or the catalog's unit was deactivated: leave it to staff.
        RoutingDecision.objects.filter(case_id=case.pk).update(outcome="auto_failed")
        log.info("routing: automatic routing of case %s stopped (%s)", case.pk, type(exc).__name__)


# --- the dispatcher's side --------------------------------------------------------------------


@transaction.atomic
def route_apply(*, actor: Any, case_id: int, category_code: str = "") -> Case:
    """One click: classify the case as `category_code` (a suggestion; empty: keep its category),
    accept it if still new, and dispatch it to the catalog's unit for it. Each step is the cases
    verb, checked against the actor's permissions; a suggestion other than the top one is kept as
    a correction."""
    case = Case.objects.select_related("category").filter(pk=case_id).first()
    if case is None:
        raise errors.NotFound()
    category = case.category
    if category_code:
        category = taxonomy.categories.get().by_code.get(category_code)
        if category is None:
            raise errors.InvalidInput(_("Choose an existing category."), field="category")
    if category is None:
        raise errors.InvalidInput(_("The case has no category to route by."), field="category")
    found = catalog.resolve(category.pk, case.area_id, case.urgency)
    if found.department_id is None:
        raise errors.InvalidInput(
            _("The dispatch catalog names no unit for this category and area."), field="category"
        )
    department_id = found.department_id
    limits = {"ack_limit_hours": found.ack_hours, "reply_limit_days": found.complete_days}
    if case.state == "submitted":
        case_services.case_accept(actor=actor, case_id=case_id, category=category, **limits)  # type: ignore[arg-type]
        case = case_services.case_dispatch(
            actor=actor,
            case_id=case_id,
            lead_department=department_id,
            assisting_departments=list(found.assisting),
        )
    else:
        case = case_services.case_dispatch(
            actor=actor,
            case_id=case_id,
            lead_department=department_id,
            assisting_departments=list(found.assisting),
            category=category,
            **limits,  # type: ignore[arg-type]
        )
    CaseSignature.objects.filter(case_id=case_id).update(category_id=category.pk)
    corrections_collect(case_ids=[case_id], actor=actor)
    return case


# The periodic collection re-reads this much: a worker down for a day loses no correction.
CORRECTIONS_LOOKBACK = timedelta(days=2)
UNROUTED_GRACE = timedelta(minutes=10)  # route_case normally runs within seconds of the commit
UNROUTED_LOOKBACK = timedelta(days=3)
UNROUTED_BATCH = 500


def corrections_collect_recent(*, now: datetime | None = None, chunk: int = 2000) -> int:
    """The periodic form: corrections of every case acted on within CORRECTIONS_LOOKBACK (an
    indexed range of case events), whatever path staff took (the routing panel, the case page's
    dispatch or transfer, the API). Re-reading overlapping windows is harmless: a pair is stored
    once. → rows added."""
    now = now or clock.now()
    case_ids = sorted(set(
        CaseEvent.objects.filter(created_at__gte=now - CORRECTIONS_LOOKBACK, created_at__lte=now)
        .values_list("case_id", flat=True)))
    added = 0
    for start in range(0, len(case_ids), chunk):
        with transaction.atomic():
            added += corrections_collect(case_ids=case_ids[start:start + chunk])
    return added


def unrouted_case_ids(*, now: datetime | None = None, limit: int = UNROUTED_BATCH) -> list[int]:
    """Recent cases without a routing decision, older than the grace period: their route_case task
    was lost (a queue flushed, a worker killed before the task row committed)."""
    now = now or clock.now()
    decided = RoutingDecision.objects.filter(case_id=OuterRef("pk"))
    return list(
        Case.objects.filter(submitted_at__gte=now - UNROUTED_LOOKBACK, submitted_at__lte=now - UNROUTED_GRACE)
        .exclude(Exists(decided)).order_by("submitted_at", "id").values_list("pk", flat=True)[:limit])


def route_missed(*, now: datetime | None = None) -> int:
    """Route each case whose routing never ran (see unrouted_case_ids). route_after_intake is
    idempotent (a case with a decision is skipped; a concurrent twin fails on the signature's
    primary key and is logged), so this may overlap a late route_case. → cases routed."""
    routed = 0
    for case_id in unrouted_case_ids(now=now):
        route_after_intake(case_id)
        routed += RoutingDecision.objects.filter(case_id=case_id).exists()
    if routed:
        log.warning("routing: %s cases had not been routed (lost route_case tasks); routed now", routed)
    return routed


def corrections_collect(*, case_ids: list[int] | None = None, actor: Any = None) -> int:
    """Keep each disagreement between the suggestion and what staff finally chose as a training
    signal: category (classifier's top label vs the case's category) and unit (catalog's vs the
    lead department). Safe to run again: a pair is stored once. → rows added."""
    decisions = RoutingDecision.objects.all()
    if case_ids is not None:
        decisions = decisions.filter(case_id__in=case_ids)
    rows = []
    now = clock.now()
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    cases = (
        Case.objects.filter(pk__in=decisions.values("case_id"))
        .exclude(state="submitted")
        .select_related("category", "lead_department")
    )
    by_case = {d.case_id: d for d in decisions.filter(case_id__in=[c.pk for c in cases])}
    for case in cases:
        decision = by_case.get(case.pk)
        if decision is None:
            continue
        predicted = decision.suggestions[0]["label"] if decision.suggestions else ""
        if case.category and predicted and case.category.code != predicted:
            rows.append(
                RoutingCorrection(
                    case_id=case.pk,
                    kind="category",
                    predicted=predicted,
                    final=case.category.code,
                    actor_id=actor_id,
                    created_at=now,
                )
            )
        if (
            case.lead_department
            and decision.department_id
            and case.lead_department_id != decision.department_id
        ):
            rows.append(
                RoutingCorrection(
                    case_id=case.pk,
                    kind="department",
                    predicted=str(decision.department_id),
                    final=str(case.lead_department_id),
                    actor_id=actor_id,
                    created_at=now,
                )
            )
    before = RoutingCorrection.objects.count()
    RoutingCorrection.objects.bulk_create(rows, ignore_conflicts=True)
    return RoutingCorrection.objects.count() - before
