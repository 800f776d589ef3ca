"""No personal data in a log line: the filter installed on every handler by LOGGING masks phone
numbers, e-mail addresses and residents' names, whoever logs them and however."""

import io
import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from shiyu.core.logfilter import PersonalDataFilter
from shiyu.core.masking import mask_email, mask_name, mask_phone, mask_text

PHONE, EMAIL, NAME = "13912345678", "chen.xiaoli@example.cn", "陈晓丽"


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """The configured console handler, writing into a buffer instead of stderr for the test."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)
                and any(isinstance(f, PersonalDataFilter) for f in h.filters)]
    assert handlers, "LOGGING installs no filtered handler on the root logger"
    buffer = io.StringIO()
    old = handlers[0].setStream(buffer)
    try:
        yield buffer
    finally:
        handlers[0].setStream(old)


def _clean(text: str) -> None:
    assert PHONE not in text and EMAIL not in text and NAME not in text, text


def test_phone_email_and_named_fields_are_masked_in_messages(log_output):
    log = logging.getLogger("shiyu.some.module")
    log.warning("case from %s, %s", PHONE, EMAIL)
    log.warning("submitted %(contact_name)s %(contact_phone)s",
                {"contact_name": NAME, "contact_phone": PHONE})
    log.warning("payload %s", {"contact_name": NAME, "contact_phone": PHONE, "title": "路灯不亮"})
    log.warning("raw %r", f"contact_name={NAME}&contact_phone={PHONE}")
    seen: list[logging.LogRecord] = []
    keep = logging.Handler()
    keep.emit = seen.append  # type: ignore[method-assign]
    logging.getLogger().addHandler(keep)  # after the console handler: sees the record it filtered
    try:
        log.error("with extra", extra={"contact_name": NAME})
    finally:
        logging.getLogger().removeHandler(keep)
    assert [r.contact_name for r in seen] == ["陈**"]  # type: ignore[attr-defined]
    out = log_output.getvalue()
    _clean(out)
    assert out.count("139****5678") == 4 and "***@example.cn" in out
    assert "陈**" in out and "路灯不亮" in out  # case text is not personal data: kept


def test_tracebacks_are_masked(log_output):
    try:
        raise ValueError(f"could not reach {PHONE} or {EMAIL}")
    except ValueError:
        logging.getLogger("shiyu.intake").exception("submission failed")
    out = log_output.getvalue()
    assert "Traceback" in out and "ValueError" in out
    _clean(out)


def test_django_request_warnings_are_masked(db, log_output):
    """Django logs the path of every 4xx: a tracking URL or query string must not leak a phone."""
    Client().get(f"/no-such-page/{PHONE}/", {"email": EMAIL})
    out = log_output.getvalue()
    assert "Not Found" in out
    _clean(out)


def test_every_handler_of_every_configured_logger_masks():
    names = [""] + [n for n in logging.Logger.manager.loggerDict if n.split(".")[0] in ("django", "shiyu")]
    checked = 0
    for name in names:
        logger = logging.getLogger(name)
        for handler in getattr(logger, "handlers", []):
            if isinstance(handler, logging.NullHandler) or type(handler).__module__.startswith("_pytest"):
                continue
            assert any(isinstance(f, PersonalDataFilter) for f in handler.filters), (name, handler)
            checked += 1
    assert checked >= 1


def test_the_masks_are_the_ones_the_pages_use():
    assert mask_phone(PHONE) == "139****5678"
    assert mask_name(NAME) == "陈**"
    assert mask_email(EMAIL) == "***@example.cn"
    # Ids, timestamps and tracking codes that merely hold digits are left alone.
    for text in ("case 12345678901234", "ts 1732590000123", "id 42", "SY20261126000123"):
        assert mask_text(text) == text
    assert mask_text("+86 139-1234-5678 or 0571-87654321") == "+86****5678 or 057****4321"
