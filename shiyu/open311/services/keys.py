"""Client applications and their API keys (only a key's SHA-256 is stored)."""

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shiyu.audit.services import audit_record
from shiyu.core import clock, errors
from shiyu.open311.models import Application

DEMO_KEY = "shiyu-demo-key"  # noqa: S105  (documented: the demo city's application key)
FIELD_MAX = 100


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def application_create(*, name: str, contact: str = "", key: str = "", actor: Any = None) -> tuple[
        Application, str]:
    """A new client application and its key (returned once: only its hash is kept)."""
    name = (name or "").strip()
    if not name or len(name) > FIELD_MAX:
        raise errors.InvalidInput(_("Please give the application a name (at most 100 characters)."),
                                  field="name")
    if Application.objects.filter(name=name).exists():
        raise errors.InvalidInput(_("An application with this name exists."), field="name")
    raw = key or secrets.token_urlsafe(24)
    app = Application.objects.create(name=name, contact=contact, key_hash=_hash(raw), prefix=raw[:8],
                                     created_at=clock.now())
    audit_record(actor=actor, verb="open311.application.create", obj=app, data={"name": name})
    return app, raw


@transaction.atomic
def application_rotate_key(*, application_id: int, actor: Any = None) -> str:
    app = Application.objects.select_for_update().filter(pk=application_id).first()
    if app is None:
        raise errors.NotFound()
    raw = secrets.token_urlsafe(24)
    Application.objects.filter(pk=app.pk).update(key_hash=_hash(raw), prefix=raw[:8])
    audit_record(actor=actor, verb="open311.application.rotate", obj=app)
    return raw


@transaction.atomic
def application_set_active(*, application_id: int, active: bool, actor: Any = None) -> None:
    if not Application.objects.filter(pk=application_id).update(is_active=active):
        raise errors.NotFound()
    audit_record(actor=actor, verb="open311.application." + ("enable" if active else "disable"),
                 object_type="open311.application", object_id=str(application_id))


def application_for_key(raw: str) -> Application | None:
    if not raw or len(raw) > 200:
        return None
    return Application.objects.filter(key_hash=_hash(raw), is_active=True).first()
