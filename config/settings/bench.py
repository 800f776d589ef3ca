"""Benchmarks only (`bench/intake.py`): production-like serving on loopback, plus the bare insert
view the intake path is measured against. Never used by production or tests."""

from config.settings.base import *  # noqa: F403
from config.settings.base import INSTALLED_APPS
from config.settings.env import env_str

SECRET_KEY = env_str("SECRET_KEY", "bench-only-not-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [*INSTALLED_APPS, "bench.bare"]
ROOT_URLCONF = "bench.urls"
# A benchmark is many requests from one loopback address: limits off unless asked for.
SHIYU_RATE_SUBMIT = env_str("SHIYU_RATE_SUBMIT", "0")
SHIYU_RATE_TRACK = env_str("SHIYU_RATE_TRACK", "0")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # bench_setup makes no real users
