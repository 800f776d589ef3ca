"""Personal data never reaches a log line: a filter on every handler (config/settings/base.py
LOGGING) masks phone numbers, e-mail addresses and residents' names in each record."""

import logging
from collections.abc import Mapping
from typing import Any

from shiyu.core.masking import NAME_KEYS, mask_name, mask_text

_NAME_KEYS = frozenset(NAME_KEYS)


def _mask_value(key: str | None, value: Any) -> Any:
    if key in _NAME_KEYS and isinstance(value, str):
        return mask_name(value)
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return {k: _mask_value(k, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_mask_value(None, v) for v in value)
    # Anything else (numbers, model instances, exceptions) is masked in the formatted message.
    return value


class PersonalDataFilter(logging.Filter):
    """Rewrites the record in place (the message is formatted here, once) and never drops it.

    Handlers share one record object, so masking it for the first handler masks it for all."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_shiyu_masked", False):
            return True
        args = record.args
        if isinstance(args, Mapping):
            args = {k: _mask_value(k, v) for k, v in args.items()}
        elif isinstance(args, tuple):
            args = tuple(_mask_value(None, v) for v in args)
        record.args = args
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call still logs, unformatted
            message = f"{record.msg} {record.args}"
        record.msg, record.args = mask_text(message), None
        for key in _NAME_KEYS & record.__dict__.keys():  # logger.info(..., extra={"contact_name": …})
            setattr(record, key, mask_name(str(getattr(record, key))))
        if record.name.startswith("django.template") and record.exc_info:
            # A failed variable lookup's traceback dumps the whole template context (a case's
            # text, a resident's name typed anywhere): no pattern can mask that; the message says
            # which variable of which template, which is what debugging needs.
            record.exc_info, record.exc_text = None, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        record._shiyu_masked = True
        return True
