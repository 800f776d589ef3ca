from django.db.models import QuerySet

from shiyu.audit.models import AuditEvent


def audit_for_object(*, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by("id")


def audit_count() -> int:
    return AuditEvent.objects.count()
