"""Settings of the servers and workers tests/test_scale_out.py starts: the test settings, tasks on
Redis (SHIYU_TASKS=rq, REDIS_URL), and gateways that record every message they send to a file
(SHIYU_SEND_LOG), so the test can see whether any message left twice."""

import os

from django.core.mail.backends.base import BaseEmailBackend

from config.settings.test import *  # noqa: F403

SHIYU_SMS_GATEWAY = "tests.scale_out_settings.RecordingSms"
EMAIL_BACKEND = "tests.scale_out_settings.RecordingEmail"


def _record(line: str) -> None:
    # One short write with O_APPEND: lines from several processes never interleave.
    fd = os.open(os.environ["SHIYU_SEND_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


class RecordingSms:
    def send(self, phone: str, text: str, *, ref: str) -> None:
        _record(f"sms {ref}")


class RecordingEmail(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            _record(f"email {','.join(message.to)} {message.subject}")
        return len(email_messages)
