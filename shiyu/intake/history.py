"""Cases that were handled elsewhere before they came here (another city's 311 export, an old system).

Each becomes a case through intake like any other, at the time it was received, and is then taken
through the same workflow verbs the system user would use, each at its own historical time, so
its events, deadlines and audit rows are what live handling would have written. Only the dates
come from the source: nothing is written around the services.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from shiyu.accounts.services import system_user
from shiyu.cases import services as cases
from shiyu.cases.models import Case
from shiyu.cases.services import CaseInput
from shiyu.core import clock, errors
from shiyu.intake.services import intake_submit


@dataclass
class HistoricalCase:
    data: CaseInput
    received_at: datetime
    lead_department_id: int | None = None
    closed_at: datetime | None = None
    resolution: str = ""


def intake_historical(*, record: HistoricalCase) -> Case:
    """Submit, accept, dispatch and acknowledge at the received time; reply and close at the
    closing time when there is one. One transaction: a row is in whole or not at all."""
    if record.received_at > clock.now():
        raise errors.InvalidInput(_("The call time is in the future."), field="received_at")
    closed_at = record.closed_at
    if closed_at is not None and closed_at < record.received_at:
        raise errors.InvalidInput(_("The case closes before it was received."), field="closed_at")
    system = system_user()
    with transaction.atomic():
        with clock.frozen_at(record.received_at):
            case, _created = intake_submit(actor=None, data=record.data)
            cases.case_accept(actor=system, case_id=case.pk, note=_("Imported"))
            if record.lead_department_id:
                cases.case_dispatch(actor=system, case_id=case.pk, lead_department=record.lead_department_id)
                cases.case_acknowledge(actor=system, case_id=case.pk)
        if closed_at is not None:
            text = record.resolution.strip() or _("Closed in the source system.")
            with clock.frozen_at(closed_at):
                if record.lead_department_id:
                    cases.case_reply(actor=system, case_id=case.pk, text=text)
                else:
                    cases.case_answer(actor=system, case_id=case.pk, text=text)
                cases.case_close(actor=system, case_id=case.pk)
    return case
