"""Retention: a resident's contact details are kept only while someone may need to call back.

N months (city setting `cases.contact_retention_months`) after a case ended — closed, rejected
or merged, by `closed_at` — its contact name, phone and email are erased; the case itself (title,
body, address, events, reply) stays for statistics and the record. Each erasure is audited. The
daily job `cases.contact_retention` (shiyu/cases/tasks.py) calls this; running it twice, or after
a crash halfway, erases nothing twice (erased cases no longer match).
"""

from __future__ import annotations

import calendar
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shiyu.accounts.services import system_user
from shiyu.audit.services import audit_record
from shiyu.cases.models import Case
from shiyu.cases.workflow import State
from shiyu.core import citysettings, clock

RETENTION_MONTHS = citysettings.declare(
    "cases.contact_retention_months", 24, _("Contact data kept after a case ends (months)"),
    _("This many months after a case is closed, rejected or merged, the resident's name, phone and "
      "email are erased from it; the case text is kept."), minimum=1, maximum=240)
ENDED = (State.CLOSED.value, State.REJECTED.value, State.MERGED.value)


def months_before(moment: datetime, months: int) -> datetime:
    """The same wall-clock time `months` calendar months earlier (31 March − 1 → 28/29 February)."""
    year, month0 = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month0 + 1)[1])
    return moment.replace(year=year, month=month0 + 1, day=day)


def _expired(cutoff: datetime):
    has_contact = ~Q(contact_name="") | ~Q(contact_phone="") | ~Q(contact_email="")
    return Case.objects.filter(has_contact, state__in=ENDED, closed_at__lt=cutoff)


def case_contacts_expire(*, now: datetime | None = None, batch: int = 200) -> int:
    """Erase the contact details of cases that ended more than the retention period ago.
    Returns how many cases were erased. System scope: only the scheduled job calls it."""
    cutoff = months_before(now or clock.now(), RETENTION_MONTHS.get())
    actor = system_user()
    erased = 0
    while True:
        with transaction.atomic():
            # Re-checked under the lock: a case reopened meanwhile keeps its contact.
            rows = list(_expired(cutoff).select_for_update().order_by("pk").values_list("pk", "code")[:batch])
            if not rows:
                return erased
            ids = [pk for pk, _code in rows]
            Case.objects.filter(pk__in=ids).update(contact_name="", contact_phone="", contact_email="")
            for pk, code in rows:
                audit_record(actor=actor, verb="case.contact.erase", object_type="cases.case",
                             object_id=str(pk), data={"code": code, "reason": "retention",
                                                      "months": RETENTION_MONTHS.get()})
            erased += len(rows)
