"""Writes about classifier models: ask for a retrain, activate a version. Audited; the training
itself runs in a task after commit (it takes seconds to minutes and must not hold a request)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shiyu.audit.services import audit_record
from shiyu.core import errors
from shiyu.core.tasks import enqueue_on_commit
from shiyu.routing.classifier import storage


def _require_manager(actor: Any) -> None:
    # Model files change what every intake suggests and auto-routes: the same trust as editing the
    # code's configuration, so superusers only (the admin's own permission model).
    if not (getattr(actor, "is_authenticated", False) and getattr(actor, "is_superuser", False)):
        raise errors.Forbidden(_("Only an administrator may retrain or switch the routing classifier."))


def classifier_retrain_request(*, actor: Any) -> None:
    """Queue a retrain on the city's closed cases; the new version is activated when it is done."""
    from shiyu.routing.classifier.tasks import classifier_retrain

    _require_manager(actor)
    with transaction.atomic():
        audit_record(actor=actor, verb="routing.model.retrain", object_type="routing.model")
        enqueue_on_commit(classifier_retrain, actor_id=actor.pk)


def classifier_activate(*, actor: Any, version: str) -> dict[str, Any]:
    """Make a stored version the active model (it must load and match its checksum)."""
    _require_manager(actor)
    try:
        meta = storage.activate_version(version)
    except storage.ModelFileError as exc:
        raise errors.InvalidInput(
            _("This model version cannot be used: %(reason)s") % {"reason": exc}
        ) from exc
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb="routing.model.activate",
            object_type="routing.model",
            object_id=version,
            data={"macro_f1": (meta.get("metrics") or {}).get("macro_f1")},
        )
    return meta
