"""What a resident does with only the tracking code: rate the reply, or ask to reopen."""

from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiyu.cases.models import Case
from shiyu.cases.selectors import normalise_code
from shiyu.cases.services._core import apply, lock_case, mark_problem_if_needed
from shiyu.cases.services.actions import _follow_up_changes, _text, reopen_changes
from shiyu.core import citysettings, clock, errors

REOPEN_DAYS = citysettings.declare(
    "cases.resident_reopen_days", 15,
    gettext_lazy("Days after closing in which a resident may ask to reopen"), minimum=0, maximum=365)


def _by_code(code: str) -> Case:
    code = normalise_code(code)
    found = Case.objects.filter(code=code).values_list("pk", flat=True).first() if code else None
    if found is None:
        raise errors.NotFound()
    return lock_case(found)


@transaction.atomic
def case_resident_feedback(*, code: str, satisfaction: str, comment: str = "") -> Case:
    case = _by_code(code)
    if satisfaction not in ("satisfied", "unsatisfied"):
        raise errors.InvalidInput(_("Choose satisfied or unsatisfied."), field="satisfaction")
    case = apply(actor=None, case=case, action="follow_up", version=None,
                 payload={"satisfaction": satisfaction}, note=_text(comment, "comment", required=False),
                 data={"via": "resident"}, changes=_follow_up_changes(satisfaction))
    return mark_problem_if_needed(case)


def reopen_open(case: Case) -> bool:
    """Whether the resident may still ask to reopen this closed case (the window is a city setting)."""
    window = timedelta(days=REOPEN_DAYS.get())
    return not (case.state == "closed" and case.closed_at and clock.now() - case.closed_at > window)


@transaction.atomic
def case_resident_reopen(*, code: str, reason: str) -> Case:
    case = _by_code(code)
    if not reopen_open(case):
        raise errors.Conflict(_("The period for reopening this case has ended; please submit a new one."))
    reason = _text(reason, "reason")
    case = apply(actor=None, case=case, action="reopen", version=None, payload={"reason": reason},
                 note=reason, data={"via": "resident"}, changes=reopen_changes)
    return mark_problem_if_needed(case)
