"""How personal data is masked wherever it must be shown partly or not at all: lists and case
pages (138****5678, 陈**, ***@example.cn), every log line (shiyu/core/logfilter.py), and free
text that leaves for the public (`scrub_public`)."""

import re


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "****" + digits[-4:]


def mask_name(name: str) -> str:
    return (name[:1] + "*" * max(len(name) - 1, 1)) if name else ""


def mask_email(email: str) -> str:
    return ("***@" + email.rsplit("@", 1)[-1]) if email else ""


# Mainland mobile numbers (optionally +86), landlines with an area code, and e-mail addresses.
# The digit look-arounds keep ids, timestamps and tracking codes that merely contain digits intact.
_PHONE = re.compile(r"(?<![\d.])(?:\+?86[- ]?)?(?:1[3-9]\d[- ]?\d{4}[- ]?\d{4}|0\d{2,3}-\d{7,8})(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Fields that hold a resident's name, wherever they show up as key=value or "key": "value".
NAME_KEYS = ("contact_name", "submitter_name", "reporter_name", "resident_name", "real_name",
             "full_name", "first_name", "last_name")
_NAMED = re.compile(
    r"(?P<key>\b(?:" + "|".join(NAME_KEYS) + r""")\b['"]?\s*[:=]\s*)"""
    r"""(?:(?P<quote>['"])(?P<quoted>[^'"]*)|(?P<bare>[^'",;&\s}\)\]]+))""")


def mask_text(text: str) -> str:
    """Mask every phone number, e-mail address and named contact field in free text."""
    if not text:
        return text
    text = _EMAIL.sub(lambda m: mask_email(m.group(0)), text)
    text = _PHONE.sub(lambda m: mask_phone(re.sub(r"[- ]", "", m.group(0))), text)
    return _NAMED.sub(lambda m: m.group("key") + (m.group("quote") or "")
                      + mask_name(m.group("quoted") or m.group("bare") or ""), text)


# Public text (Open311 descriptions, published cases, open data) is scrubbed more broadly than a
# log line: any run of seven or more digits may be a phone number in some format, so it loses its
# tail too; dates and short numbers (house numbers) stay readable.
_PUBLIC_NUMBER = re.compile(r"(?<!\d)(\+?\d[\d -]{5,}\d)(?!\d)")
_PUBLIC_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


def _mask_public_number(match: re.Match) -> str:
    found = match.group(0)
    if len(re.sub(r"\D", "", found)) < 7 or _DATE.fullmatch(found.strip()):
        return found
    return found[:3] + "****"


def scrub_names(text: str, names: "tuple[str, ...] | list[str]" = ()) -> str:
    """Known names (the case's own contact name) masked wherever a resident typed them: no pattern
    finds a bare Chinese name, but the case knows whose it is."""
    for name in names:
        name = (name or "").strip()
        if len(name) >= 2 and text:
            text = text.replace(name, mask_name(name))
    return text


def scrub_public(text: str, *, names: "tuple[str, ...] | list[str]" = ()) -> str:
    """Phone numbers and e-mail addresses a resident typed into free text, masked for the public;
    and `names` (the submitter's), wherever they appear."""
    text = _PUBLIC_NUMBER.sub(_mask_public_number, _PUBLIC_EMAIL.sub("***@***", text or ""))
    return scrub_names(text, names)
