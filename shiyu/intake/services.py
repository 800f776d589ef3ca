"""Every channel turns a submission into a case through here."""

import hashlib
import json
from dataclasses import asdict
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shiyu.cases.models import Case
from shiyu.cases.services import CaseInput, case_submit
from shiyu.cases.services.submit import prepare
from shiyu.core import clock, errors
from shiyu.intake.models import IdempotencyKey

KEY_MAX = 128


def _scope(actor: Any) -> str:
    return str(actor.pk) if actor is not None and getattr(actor, "is_authenticated", False) else "anon"


def _fingerprint(data: CaseInput) -> str:
    return hashlib.sha256(json.dumps(asdict(data), sort_keys=True, default=str).encode()).hexdigest()


def _replay(*, scope: str, key: str, fingerprint: str) -> Case | None:
    row = IdempotencyKey.objects.filter(scope=scope, key=key).first()
    if row is None:
        return None
    if row.fingerprint != fingerprint:
        raise errors.Conflict(_("This Idempotency-Key was already used for a different submission."))
    return Case.objects.get(pk=row.case_id)


def intake_submit(*, actor: Any, data: CaseInput, idempotency_key: str = "") -> tuple[Case, bool]:
    """Make a case; with an idempotency key a retry returns the first case. → (case, created).

    The first request pays no look-up: the case and its key are inserted in one transaction and
    the key's unique index decides. A retry (or a concurrent twin) fails that insert, rolls back
    whole, and is answered with the case the key already points to.
    """
    key = (idempotency_key or "").strip()
    if len(key) > KEY_MAX:
        raise errors.InvalidInput(_("The Idempotency-Key header is too long."), field="Idempotency-Key")
    if not key:
        return case_submit(actor=actor, data=data), True
    scope, fingerprint = _scope(actor), _fingerprint(data)
    try:
        prepared = prepare(data)
        with transaction.atomic():
            case = case_submit(actor=actor, data=data, prepared=prepared)
            IdempotencyKey.objects.create(scope=scope, key=key, fingerprint=fingerprint, case_id=case.pk,
                                          created_at=clock.now())
            return case, True
    except (IntegrityError, errors.InvalidInput) as exc:
        # An invalid retry of an accepted submission still gets its case (the reference data may
        # have changed since); anything else is the error it was.
        existing = _replay(scope=scope, key=key, fingerprint=fingerprint)
        if existing is None:
            raise exc from None
        return existing, False
