"""Reads for routing pages, the resident's duplicate hint, and the classifier's training."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from shiyu.accounts.selectors import department_label, department_list_by_pks
from shiyu.cases import presenters, taxonomy, workflow
from shiyu.cases.geo_selectors import PUBLIC_EXCLUDED_KINDS, PUBLIC_EXCLUDED_STATES
from shiyu.cases.models import Case
from shiyu.cases.selectors import case_by_code, case_get_for_user, case_list_for_user
from shiyu.core import clock
from shiyu.core.i18n import localized_name
from shiyu.core.ids import is_number
from shiyu.core.masking import mask_text, scrub_names
from shiyu.geo.selectors import area_label, area_lookup
from shiyu.routing import duplicates
from shiyu.routing.models import DispatchRule, DispatchRuleRevision, DuplicateCandidate, RoutingDecision

OUTCOME_LABELS = {
    "auto": _("Dispatched automatically"),
    "below_threshold": _("Below the confidence threshold: suggestions only"),
    "disabled": _("Automatic routing is switched off"),
    "no_model": _("No classifier model is installed"),
    "unknown_category": _("The classifier's category is not in this city's taxonomy"),
    "category_mismatch": _("The resident chose another category"),
    "not_submitted": _("The case was already taken up"),
    "duplicate_suspected": _("It may repeat a recent case: an operator decides first"),
    "no_department": _("The catalog names no unit for the suggested category"),
    "auto_failed": _("Automatic routing stopped: staff acted first"),
}


def routing_panel_for_user(*, actor: Any, case_id: int) -> dict[str, Any]:
    """Everything the case page's routing fragment shows; NotFound when the actor may not see the
    case (the same 404 as the case page)."""
    case = case_get_for_user(actor=actor, case_id=case_id)
    decision = (
        RoutingDecision.objects.filter(case_id=case.pk)
        .select_related("rule", "matched_category", "matched_area", "department")
        .first()
    )
    index = taxonomy.categories.get()
    suggestions = []
    if decision is not None:
        from shiyu.routing import catalog

        for item in decision.suggestions:
            category = index.by_code.get(item["label"])
            unit = None
            if category is not None:
                unit = catalog.resolve(category.pk, case.area_id, case.urgency).department_id
            suggestions.append(
                {
                    "code": item["label"],
                    "confidence": item["confidence"],
                    "percent": round(100 * float(item["confidence"])),
                    "name": localized_name(category) if category else item["label"],
                    "department": _department_name(unit),
                    "usable": unit is not None,
                    "current": category is not None and category.pk == case.category_id,
                }
            )
    candidates = []
    visible = case_list_for_user(actor=actor)
    rows = DuplicateCandidate.objects.filter(case_id=case.pk).order_by("-score")[:5]
    by_id = {c.pk: c for c in visible.filter(pk__in=[r.candidate_id for r in rows])}
    for row in rows:
        other = by_id.get(row.candidate_id)
        if other is not None:
            candidates.append({"case": other, "score": row.score, "percent": round(100 * row.score)})
    return {
        "case": case,
        "decision": decision,
        "suggestions": suggestions,
        "candidates": candidates,
        "outcome": OUTCOME_LABELS.get(decision.outcome, decision.outcome) if decision else "",
        "assisting": [department_label(d) for d in department_list_by_pks(pks=list(decision.assisting))]
        if decision
        else [],
        "department": department_label(decision.department) if decision and decision.department else "",
        "matched_category": localized_name(decision.matched_category)
        if decision and decision.matched_category
        else "",
        "matched_area": area_label(decision.matched_area) if decision and decision.matched_area else "",
        "can_route": case.state in ("submitted", "accepted", "reopened"),
        "can_merge": case.state in ("submitted", "accepted"),
    }


def _department_name(pk: int | None) -> str:
    if pk is None:
        return ""
    found = department_list_by_pks(pks=[pk])
    return department_label(found[0]) if found else ""


def similar_public(
    *,
    title: str,
    body: str,
    category: str = "",
    area: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    limit: int = 3,
) -> list[dict[str, Any]]:
    """Recent cases a resident's draft may repeat, as the public may see them: title, topic,
    place, state and date, never a contact detail and never the tracking code (the code is what
    lets someone rate or reopen a case)."""
    category_id = area_id = None
    index = taxonomy.categories.get()
    if category:
        found = index.by_id.get(int(category)) if is_number(category) else index.by_code.get(category)
        category_id = found.pk if found else None
    if area:
        found_area = area_lookup(int(area) if is_number(area) else area)
        area_id = found_area.pk if found_area else None
    cell = duplicates.cell_of(latitude, longitude)
    if not (title or body) or (cell is None and (area_id is None or category_id is None)):
        return []
    matches = duplicates.find(
        title=title,
        body=body,
        now=clock.now(),
        cell=cell,
        area_id=area_id,
        category_id=category_id,
        limit=limit * 3,
    )
    cases = {
        c.pk: c
        for c in Case.objects.filter(pk__in=[m.case_id for m in matches])
        .exclude(state__in=PUBLIC_EXCLUDED_STATES)
        .exclude(kind__in=PUBLIC_EXCLUDED_KINDS)  # a report can point at whoever made it
        .select_related("category", "area")
    }
    out = []
    for match in matches:
        case = cases.get(match.case_id)
        if case is None:
            continue
        out.append(
            {
                "id": case.pk,
                "title": scrub_names(mask_text(case.title), (case.contact_name,)),
                "state": presenters.state_label(case.state),
                "category": localized_name(case.category) if case.category else "",
                "area": area_label(case.area) if case.area else "",
                "submitted_at": case.submitted_at,
                "score": match.score,
            }
        )
        if len(out) >= limit:
            break
    return out


def merged_survivor_track(code: str) -> dict[str, Any] | None:
    """For a merged case's tracking page: the surviving case's progress, without its code."""
    case = case_by_code(code)
    for _hop in range(5):  # a chain of merges ends at the case still handled
        if case.merged_into_id is None:
            break
        case = Case.objects.select_related("category", "lead_department").get(pk=case.merged_into_id)
    if case.code == code.strip().upper() or case.state == "merged":
        return None
    survivor = presenters.track_dict(case)
    # Progress only: the reply and the timeline's texts were written to another resident.
    survivor.pop("code", None)
    survivor.pop("reply_text", None)
    survivor["timeline"] = [{**event, "text": ""} for event in survivor["timeline"]]
    return survivor


def rule_revisions(rule_id: int) -> list[DispatchRuleRevision]:
    return list(
        DispatchRuleRevision.objects.filter(rule_id_ref=rule_id).select_related("actor").order_by("-id")
    )


def rule_get(pk: int) -> DispatchRule | None:
    return DispatchRule.objects.filter(pk=pk).first()


def category_paths() -> list[list[tuple[str, str]]]:
    """Each active leaf category's path from the top as (code, name) pairs: the classifier's
    training hints (training.hints_from_paths)."""
    index = taxonomy.categories.get()
    parents = {c.parent_id for c in index.by_id.values() if c.parent_id}
    paths = []
    for category in index.by_id.values():
        if category.pk in parents:
            continue
        path: list[tuple[str, str]] = []
        node: Any = category
        while node is not None:
            path.append((node.code, node.name))
            node = index.by_id.get(node.parent_id) if node.parent_id else None
        paths.append(path[::-1])
    return paths


def unlabelled_rows(limit: int = 10_000) -> tuple[list[str], list[str]]:
    """(titles, bodies) of the latest cases still being handled (replied ones included): texts of
    the same kind whose category is not yet confirmed, counted in the classifier's idf weights
    only. Rejected (spam, out of scope) and merged (a repeat) cases are left out."""
    states = [str(state) for state in workflow.OPEN_STATES | {workflow.State.REPLIED}]
    open_cases = Case.objects.filter(state__in=states).order_by("-pk")[:limit]
    titles, bodies = [], []
    for title, body in open_cases.values_list("title", "body").iterator(chunk_size=2000):
        titles.append(title or "")
        bodies.append(body or "")
    return titles, bodies


def training_rows() -> Iterator[tuple[str, str, str]]:
    """(title, body, category code) for the classifier: every closed case with its final category,
    then the dispatchers' category corrections on cases not closed yet (their final choice)."""
    closed = Case.objects.filter(state="closed", category__isnull=False).order_by("pk")
    seen: set[int] = set()
    for pk, title, body, code in closed.values_list("pk", "title", "body", "category__code").iterator(
        chunk_size=2000
    ):
        seen.add(pk)
        yield title, body, code
    from shiyu.routing.models import RoutingCorrection

    corrected = (
        RoutingCorrection.objects.filter(kind="category").exclude(case__state="closed").order_by("-id")
    )
    done: set[int] = set()
    for case_id, title, body, final in corrected.values_list(
        "case_id", "case__title", "case__body", "final"
    ).iterator(chunk_size=2000):
        if case_id in seen or case_id in done:
            continue
        done.add(case_id)
        yield title, body, final
