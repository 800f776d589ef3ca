"""Assessment schemes: create, compute from live data, appeals, publish (a frozen snapshot)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shiyu.audit.services import audit_record
from shiyu.core import clock
from shiyu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from shiyu.goals import scoring
from shiyu.goals.models import Appeal, AppealAttachment, Scheme, SchemeItem, Scorecard, ScoreItem
from shiyu.goals.selectors.scorecards import item_value, live_result
from shiyu.goals.services import _common as c
from shiyu.goals.services import files

PUBLISHED = _("This scorecard is published; it can no longer change.")


def _scheme_for_update(scheme_id: int) -> Scheme:
    scheme = Scheme.objects.select_for_update().filter(pk=c.key(scheme_id)).first()
    if scheme is None:
        raise NotFound()
    return scheme


@transaction.atomic
def scheme_create(
    *,
    actor: Any,
    name: str,
    start: date,
    end: date,
    department_ids: Sequence[int],
    items: Mapping[str, float],
) -> Scheme:
    """A draft scheme: the units assessed and the weight of each item (see scoring.ITEM_KEYS)."""
    c.require(actor, "goal_manage")
    c.period(start, end)
    if not items:
        raise InvalidInput(_("Give at least one weighted item."), field="items")
    unknown = sorted(set(items) - set(scoring.ITEM_KEYS))
    if unknown:
        raise InvalidInput(_("Unknown item: %(key)s.") % {"key": unknown[0]}, field="items")
    weights = {k: c.number(w, field="items", minimum=0, maximum=1000) for k, w in items.items()}
    if not any(weights.values()):
        raise InvalidInput(_("At least one item needs a weight above 0."), field="items")
    departments = [
        d for d in (c.department(pk, field="departments") for pk in dict.fromkeys(department_ids)) if d
    ]
    if not departments:
        raise InvalidInput(_("Choose the units to assess."), field="departments")
    scheme = Scheme.objects.create(
        name=c.text(name, field="name", max_length=200),
        start=start,
        end=end,
        created_by=actor,
        created_at=clock.now(),
    )
    scheme.departments.set(departments)
    SchemeItem.objects.bulk_create([SchemeItem(scheme=scheme, key=k, weight=w) for k, w in weights.items()])
    audit_record(
        actor=actor,
        verb="goals.scheme.create",
        obj=scheme,
        data={"items": weights, "departments": [d.pk for d in departments if d]},
    )
    return scheme


@transaction.atomic
def scheme_recompute(*, actor: Any, scheme_id: int) -> Scheme:
    """Recompute every unit's values from live data. A value corrected by an accepted appeal keeps
    its correction; a published scheme refuses (its snapshot is final)."""
    c.require(actor, "goal_manage")
    scheme = _scheme_for_update(scheme_id)
    if scheme.status == Scheme.Status.PUBLISHED:
        raise Conflict(PUBLISHED)
    for item in scheme.items.all():
        for dept in scheme.departments.all():
            value = item_value(key=item.key, department=dept, start=scheme.start, end=scheme.end)
            ScoreItem.objects.update_or_create(
                item=item, department=dept, defaults={"scheme": scheme, "value": value}
            )
    scheme.computed_at = clock.now()
    scheme.save(update_fields=["computed_at"])
    audit_record(actor=actor, verb="goals.scheme.recompute", obj=scheme)
    return scheme


@transaction.atomic
def appeal_submit(
    *,
    actor: Any,
    score_id: int,
    reason: str,
    evidence: str,
    proposed_value: float | None = None,
    scheme_id: int | None = None,
    uploads: Sequence[files.Upload] = (),
) -> Appeal:
    """申诉: the unit head contests one item of the unit's score, with evidence: a text and up to
    five files (a bad file refuses the whole appeal)."""
    c.require_staff(actor)
    score = ScoreItem.objects.select_related("scheme", "department").filter(pk=c.key(score_id)).first()
    if score is None or (scheme_id is not None and score.scheme_id != scheme_id):
        raise NotFound()
    if not c.can(actor, "appeal_submit", department=score.department):
        raise Forbidden()
    Scheme.objects.select_for_update().filter(pk=score.scheme_id).first()
    score.scheme.refresh_from_db()
    if score.scheme.status == Scheme.Status.PUBLISHED:
        raise Conflict(PUBLISHED)
    if Appeal.objects.filter(score=score, status=Appeal.Status.PENDING).exists():
        raise Conflict(_("An appeal on this item is already waiting for review."))
    if proposed_value is not None:
        proposed_value = c.number(proposed_value, field="proposed_value", minimum=0, maximum=1)
    checked = files.check_all(uploads)
    appeal = Appeal.objects.create(
        score=score,
        reason=c.text(reason, field="reason", max_length=5000),
        evidence=c.text(evidence, field="evidence", max_length=10000),
        proposed_value=proposed_value,
        submitted_by=actor,
        submitted_at=clock.now(),
    )
    files.attach(AppealAttachment, checked, appeal=appeal)
    audit_record(
        actor=actor,
        verb="goals.appeal.submit",
        obj=appeal,
        data={"score": score.pk, "scheme": score.scheme_id, "item": score.item_id,
              "files": [u.name for u, _ctype in checked]},
    )
    return appeal


@transaction.atomic
def appeal_review(
    *, actor: Any, appeal_id: int, accept: bool, decision: str, value: float | None = None
) -> Appeal:
    """Accept (the item's value becomes `value`, or the proposed one; only that item changes) or
    reject with a reason. The change is recorded on the appeal and in the audit log."""
    c.require(actor, "appeal_review")
    appeal = (
        Appeal.objects.select_for_update().select_related("score__scheme").filter(pk=c.key(appeal_id)).first()
    )
    if appeal is None:
        raise NotFound()
    if appeal.status != Appeal.Status.PENDING:
        raise Conflict(_("This appeal has been decided already."))
    scheme = _scheme_for_update(appeal.score.scheme_id)
    if scheme.status == Scheme.Status.PUBLISHED:
        raise Conflict(PUBLISHED)
    reason = c.text(decision, field="decision", max_length=5000, required=not accept)
    score = ScoreItem.objects.select_for_update().get(pk=appeal.score_id)
    before = score.corrected if score.corrected is not None else score.value
    appeal.reviewed_by, appeal.reviewed_at, appeal.decision = actor, clock.now(), reason
    if accept:
        new = value if value is not None else appeal.proposed_value
        if new is None:
            raise InvalidInput(_("Give the corrected value."), field="value")
        new = c.number(new, field="value", minimum=0, maximum=1)
        score.corrected = new
        score.save(update_fields=["corrected"])
        appeal.status, appeal.value_before, appeal.value_after = Appeal.Status.ACCEPTED, before, new
    else:
        appeal.status, appeal.value_before, appeal.value_after = Appeal.Status.REJECTED, before, before
    appeal.save()
    audit_record(
        actor=actor,
        verb=f"goals.appeal.{'accept' if accept else 'reject'}",
        obj=appeal,
        data={"score": score.pk, "before": before, "after": appeal.value_after, "decision": reason},
    )
    return appeal


@transaction.atomic
def scheme_publish(*, actor: Any, scheme_id: int) -> Scorecard:
    """Freeze the ranking and every breakdown as they stand. Pending appeals must be decided first."""
    c.require(actor, "goal_manage")
    scheme = _scheme_for_update(scheme_id)
    if scheme.status == Scheme.Status.PUBLISHED:
        raise Conflict(PUBLISHED)
    if scheme.computed_at is None:
        raise Conflict(_("Compute the scorecard before publishing it."))
    if Appeal.objects.filter(score__scheme=scheme, status=Appeal.Status.PENDING).exists():
        raise Conflict(_("Decide the pending appeals before publishing."))
    data = live_result(scheme)
    now = clock.now()
    scheme.status = Scheme.Status.PUBLISHED
    scheme.save(update_fields=["status"])
    data["status"] = scheme.status
    card = Scorecard.objects.create(scheme=scheme, data=data, published_by=actor, published_at=now)
    audit_record(actor=actor, verb="goals.scheme.publish", obj=scheme, data={"scorecard": card.pk})
    return card
