"""Residents who sign in: a one-time link sent by e-mail, then "my requests".

The link carries the address encrypted (shiyu.core.crypto, authenticated), so neither the URL
nor a server log holds an address in clear, and the time it was issued. It expires after a
city setting's minutes and works once (accounts.services.resident_sign_in_by_email refuses a
link older than the account's last sign-in). Nothing is written when a link is asked for: the
account is made when the link is used, so asking cannot fill the user table.
"""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiyu.core import citysettings, crypto, errors

LINK_MINUTES = citysettings.declare(
    "portal.signin_link_minutes", 30, gettext_lazy("Minutes a resident's e-mailed sign-in link stays valid"),
    minimum=5, maximum=1440)


def normalise_email(value: str) -> str:
    address = (value or "").strip().lower()
    try:
        validate_email(address)
    except Exception:  # noqa: BLE001 — Django's ValidationError; any failure is the same answer
        raise errors.InvalidInput(_("Enter a valid e-mail address."), field="email") from None
    return address


def link_token(email: str, *, now: float | None = None) -> str:
    return crypto.encrypt(json.dumps({"e": email, "t": now if now is not None else time.time()}))


def link_read(token: str) -> tuple[str, float]:
    """(address, issued at) of a link; InvalidInput when it is forged, damaged or expired."""
    invalid = errors.InvalidInput(_("This sign-in link is not valid or has expired. Ask for a new one."),
                                  field="token")
    if not crypto.is_encrypted(token or ""):
        raise invalid  # never read an unencrypted value as a link
    try:
        payload = json.loads(crypto.decrypt(token))
        email, issued = str(payload["e"]), float(payload["t"])
    except (crypto.DecryptionError, ValueError, KeyError, TypeError):
        raise invalid from None
    if time.time() - issued > int(LINK_MINUTES.get()) * 60 or issued > time.time() + 60:
        raise invalid
    return email, issued


def send_link(*, email: str, url: str) -> None:
    minutes = int(LINK_MINUTES.get())
    send_mail(
        subject=_("Your sign-in link"),
        message=_("Open this link to sign in and see your requests. It works once, for %(minutes)d "
                  "minutes:\n\n%(url)s\n\nIf you did not ask for it, ignore this message.")
        % {"minutes": minutes, "url": url},
        from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[email], fail_silently=False)
