from typing import Any

from django.db import models, transaction
from django.utils import timezone

from shiyu.audit.models import AuditEvent


def audit_record(*, actor: Any, verb: str, obj: models.Model | None = None,
                 object_type: str = "", object_id: str = "",
                 data: dict[str, Any] | None = None) -> AuditEvent:
    """Record one audit row. Must run inside the caller's transaction (it asserts so).

    The time is the real time even when the domain clock is set (imports, the demo seed): the
    audit log says when something was done to the data, not when the matter happened."""
    assert transaction.get_connection().in_atomic_block, "audit must share the change's transaction"
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_id = getattr(actor, "pk", None) if actor is not None and getattr(
        actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(actor_id=actor_id, verb=verb, object_type=object_type,
                                     object_id=object_id, data=data or {},
                                     created_at=timezone.now())
