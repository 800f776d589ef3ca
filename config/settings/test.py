"""Tests: the same stack as production; DATABASE_URL picks PostgreSQL, otherwise SQLite."""

from config.settings.base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
SHIYU_DEMO = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SHIYU_RATE_SUBMIT = "0"
SHIYU_RATE_TRACK = "0"
SHIYU_RATE_SIMILAR = "0"
ALLOWED_HOSTS = ["*"]

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    import os
    import tempfile

    # A file, not Django's in-memory default: concurrency tests use one connection per thread,
    # and threads only share a database (with WAL and the busy timeout) through a file. The pid
    # keeps parallel runs from different checkouts or helpers apart.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"shiyu-test-{os.getpid()}.sqlite3"),
    }
SHIYU_REFCACHE_SECONDS = 0  # always load reference tables: tests roll back and rebuild them
SHIYU_RATE_LOGIN = "0"
SHIYU_RATE_LOGIN_ADDRESS = "0"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tasks run at once, in-process, unless a test picks another backend (shiyu/core/tests/test_worker.py)
# or SHIYU_TASKS is set (a worker started by a test).
import os  # noqa: E402

if "SHIYU_TASKS" not in os.environ:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                         "QUEUES": ["default"]}}
# A Redis queue of this test process's own, so parallel test runs never take each other's jobs.
SHIYU_TEST_RQ_QUEUE = f"shiyu-test-{os.getpid()}"
RQ_QUEUES = {**RQ_QUEUES, SHIYU_TEST_RQ_QUEUE: RQ_QUEUES["default"]}  # noqa: F405
# The routing classifier's model files: never the developer's own var/models in a test run.
import os as _os  # noqa: E402
import tempfile as _tempfile  # noqa: E402

SHIYU_ROUTING_MODEL_DIR = _os.path.join(_tempfile.gettempdir(), f"shiyu-test-models-{_os.getpid()}")
# Residents' photos and open-data files written by tests: never into the developer's var/.
from pathlib import Path as _Path  # noqa: E402

MEDIA_ROOT = _Path(_tempfile.gettempdir()) / f"shiyu-test-media-{os.getpid()}"
SHIYU_OPENDATA_DIR = _Path(_tempfile.gettempdir()) / f"shiyu-test-opendata-{os.getpid()}"
