"""Encryption of personal data at rest (contract C6).

A stolen database file or dump must not give away residents' phone numbers. Columns holding
personal data use `EncryptedTextField`, which stores

    fernet1$<key id>$<Fernet token>

- keys come from `SHIYU_FIELD_KEYS` (environment or settings): comma-separated Fernet keys
  (`shiyu crypto genkey` prints one). The FIRST key encrypts, every key decrypts. Rotation: put a
  new key first, keep the old ones after it, restart, run `shiyu crypto rotate` (re-encrypts every
  value with the first key), then drop the old keys. The key id (a fingerprint of the key, not a
  secret) says which key a value needs, and lets `rotate` skip values already on the newest key.
- without `SHIYU_FIELD_KEYS`, a development key is derived from SECRET_KEY; production settings
  refuse to start without it (config/settings/production.py).
- the empty string stays empty: "has the resident left a phone number" is not a secret, and
  `.exclude(contact_phone="")` keeps working. Other comparisons are refused (each encryption uses
  a fresh IV, so equal plaintexts never compare equal): filter in Python, or add a keyed hash
  column next to it when a lookup is really needed.
- a stored value without the prefix is read as plaintext: rows written before a column became
  encrypted stay readable until the data migration (or `rotate`) rewrites them.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models import lookups

PREFIX = "fernet1$"


class DecryptionError(Exception):
    """A stored value names a key that is not configured, or was tampered with."""


def _configured() -> tuple[str, ...]:
    raw = getattr(settings, "SHIYU_FIELD_KEYS", None)
    if raw is None:
        raw = os.environ.get("SHIYU_FIELD_KEYS", "")
    if isinstance(raw, str):
        raw = raw.split(",")
    return tuple(k.strip() for k in raw if k and k.strip())


def development_key() -> str:
    """The key used when none is configured: derived from SECRET_KEY, so a local database stays
    readable across restarts. Never used in production (the settings refuse to start)."""
    digest = hashlib.sha256(b"shiyu-field-key:" + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def key_id(key: str) -> str:
    return hashlib.sha256(b"shiyu-key-id:" + key.encode()).hexdigest()[:8]


@lru_cache(maxsize=8)
def _keyring(keys: tuple[str, ...]) -> tuple[tuple[str, Fernet], ...]:
    ring = []
    for key in keys:
        try:
            ring.append((key_id(key), Fernet(key)))
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(
                "SHIYU_FIELD_KEYS: every key must be a Fernet key (run `shiyu crypto genkey`)") from exc
    return tuple(ring)


def keyring() -> tuple[tuple[str, Fernet], ...]:
    """(key id, Fernet) pairs, the encrypting key first."""
    return _keyring(_configured() or (development_key(),))


def primary_key_id() -> str:
    return keyring()[0][0]


def generate_key() -> str:
    return Fernet.generate_key().decode()


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def encrypt(text: str) -> str:
    """The stored form of `text` (the empty string stays empty)."""
    if not text:
        return ""
    kid, fernet = keyring()[0]
    return f"{PREFIX}{kid}${fernet.encrypt(text.encode()).decode()}"


def decrypt(token: str) -> str:
    """The plaintext of a stored value; a value without the prefix is legacy plaintext."""
    if not token or not is_encrypted(token):
        return token or ""
    try:
        kid, body = token[len(PREFIX):].split("$", 1)
    except ValueError:
        raise DecryptionError("malformed encrypted value") from None
    for candidate, fernet in keyring():
        if candidate == kid:
            try:
                return fernet.decrypt(body.encode()).decode()
            except InvalidToken:
                raise DecryptionError(f"encrypted value does not verify with key {kid}") from None
    raise DecryptionError(f"encrypted value needs key {kid}, which is not in SHIYU_FIELD_KEYS")


def needs_rotation(stored: str) -> bool:
    """True for legacy plaintext and for values encrypted with a key other than the first one."""
    if not stored:
        return False
    return not stored.startswith(f"{PREFIX}{primary_key_id()}$")


class _EmptyOnlyExact(lookups.Exact):
    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None) and not hasattr(self.rhs, "resolve_expression"):
            raise FieldError("An encrypted field can only be compared with '' (empty).")
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """A TextField whose values are encrypted before they reach the database."""

    description = "Encrypted text"
    _allowed_lookups: Iterable[str] = ("isnull",)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None:
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        # Always encrypted, even text that looks like a token: a resident typing "fernet1$…" as
        # a name must not store a value that fails to decrypt.
        if value is None or value == "":
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name in self._allowed_lookups:
            return super().get_lookup(lookup_name)
        return None


def encrypted_columns() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every EncryptedTextField in the installed apps."""
    from django.apps import apps

    return [(model, field.name) for model in apps.get_models()
            for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)]


def rewrite_column(connection: Any, *, table: str, pk: str, column: str,
                   transform: Callable[[str], str], wanted: Callable[[str], bool],
                   batch: int = 500, dry_run: bool = False) -> int:
    """Rewrite the stored values of one column where `wanted(stored)`, with `transform(stored)`.

    Raw SQL, so it also serves migrations (historical models) and sees the stored form. Row by
    row, each UPDATE applying only while the stored value is still the one read, so a concurrent
    edit is never overwritten with stale data; safe to run again after an interruption.
    """
    q = connection.ops.quote_name
    count, last = 0, None
    while True:
        where = f"WHERE {q(pk)} > %s " if last is not None else ""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {q(pk)}, {q(column)} FROM {q(table)} {where}"  # noqa: S608
                           f"ORDER BY {q(pk)} LIMIT %s", [*([last] if last is not None else []), batch])
            rows = cursor.fetchall()
        if not rows:
            return count
        last = rows[-1][0]
        for key, stored in rows:
            if stored is None or not wanted(stored):
                continue
            count += 1
            if dry_run:
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {q(table)} SET {q(column)} = %s "  # noqa: S608
                               f"WHERE {q(pk)} = %s AND {q(column)} = %s", [transform(stored), key, stored])


def rotate(*, batch: int = 500, dry_run: bool = False) -> dict[str, int]:
    """Re-encrypt every stored value not on the first key (and any legacy plaintext) with the first
    key. Returns {"app.Model.field": values rewritten (or, with dry_run, to rewrite)}."""
    from django.db import connection

    done: dict[str, int] = {}
    for model, name in encrypted_columns():
        field = next(f for f in model._meta.concrete_fields if f.name == name)
        done[f"{model._meta.label}.{name}"] = rewrite_column(
            connection, table=model._meta.db_table, pk=model._meta.pk.column,
            column=field.column, transform=lambda v: encrypt(decrypt(v)),
            wanted=needs_rotation, batch=batch, dry_run=dry_run)
    return done
