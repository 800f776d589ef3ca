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
from shiyu.core.refcache import invalidate_all
from shiyu.core.tasks import enqueue_on_commit
from shiyu.intake.models import IdempotencyKey
from shiyu.routing.services import route_prepare
from shiyu.routing.tasks import route_case

KEY_MAX = 128


def _scope(actor: Any) -> str:
    return str(actor.pk) if actor is not None and getattr(actor, "is_authenticated", False) else "anon"


def _fingerprint(data: CaseInput) -> str:
    fields = asdict(data)
    fields["photos"] = [photo.sha256 for photo in data.photos]  # a photo counts by its digest
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


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
    scope, fingerprint = (_scope(actor), _fingerprint(data)) if key else ("", "")
    for attempt in range(2):
        try:
            prepared = route_prepare(prepare(data))
            with transaction.atomic():
                case = case_submit(actor=actor, data=data, prepared=prepared)
                # Suggestions, automatic dispatch and duplicates by the worker once the case is
                # safely stored; routing never raises, and a failure there leaves the case to staff.
                enqueue_on_commit(route_case, case.pk)
                if key:
                    IdempotencyKey.objects.create(scope=scope, key=key, fingerprint=fingerprint,
                                                  case_id=case.pk, created_at=clock.now())
                return case, True
        except errors.InvalidInput:
            # A retry of an accepted submission still gets its case even if the reference data
            # changed since; anything else keeps its own error (a field error stays a field error).
            existing = _replay_quietly(scope=scope, key=key, fingerprint=fingerprint) if key else None
            if existing is None:
                raise
            return existing, False
        except IntegrityError as exc:
            existing = _replay(scope=scope, key=key, fingerprint=fingerprint) if key else None
            if existing is not None:
                return existing, False
            if "external_ref" in str(exc) or attempt:
                raise errors.Conflict(_("This submission was already received.")) from None
            # Nothing holds this key: the insert tripped on something stale (a category or area
            # cached by this process, a tracking-code clash). Reload and try once more.
            invalidate_all()
    raise AssertionError("unreachable")


def _replay_quietly(*, scope: str, key: str, fingerprint: str) -> Case | None:
    try:
        return _replay(scope=scope, key=key, fingerprint=fingerprint)
    except errors.Conflict:
        return None
