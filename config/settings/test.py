"""Tests: the same stack as production; DATABASE_URL picks PostgreSQL, otherwise SQLite."""

from config.settings.base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
SHIYU_DEMO = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SHIYU_RATE_SUBMIT = "0"
SHIYU_RATE_TRACK = "0"
ALLOWED_HOSTS = ["*"]
