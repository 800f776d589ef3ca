"""A resident who finds their matter already reported follows that case: their own submission is
made as usual and at once merged into it by the system user, so their tracking code shows the
surviving case's progress. The choice travels as a signed, short-lived token naming the case the
hint offered, never as a bare id (which anyone could change to read another case's progress)."""

from __future__ import annotations

import logging

from django.core import signing
from django.db import transaction

from shiyu.accounts.services import system_user
from shiyu.cases import services as case_services
from shiyu.cases.models import Case
from shiyu.core import errors

log = logging.getLogger(__name__)

SALT = "shiyu.routing.follow"
TOKEN_SECONDS = 2 * 3600


def follow_token(case_id: int) -> str:
    return signing.dumps(case_id, salt=SALT, compress=False)


def follow_target(token: str) -> int | None:
    try:
        value = signing.loads(token or "", salt=SALT, max_age=TOKEN_SECONDS)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def case_follow(*, case_id: int, token: str) -> Case | None:
    """Merge the new case `case_id` into the case the token names; None (and the new case stays
    as it is, to be handled normally) when the token is bad or the target can no longer take it."""
    target_id = follow_target(token)
    if target_id is None:
        return None
    target = Case.objects.filter(pk=target_id).exclude(state__in=("merged", "rejected")).first()
    case = Case.objects.filter(pk=case_id, state="submitted").first()
    if target is None or case is None or target.pk == case.pk:
        return None
    try:
        with transaction.atomic():
            return case_services.case_merge(
                actor=system_user(), case_id=case.pk, target_id=target.pk, note="resident:follow"
            )
    except errors.DomainError as exc:
        log.info("routing: case %s could not follow case %s (%s)", case.pk, target.pk, type(exc).__name__)
        return None
