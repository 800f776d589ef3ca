"""Production: secrets and hosts must come from the environment."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import SECRET_KEY, SHIYU_FIELD_KEYS
from config.settings.env import env_bool

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment")
if not SHIYU_FIELD_KEYS:
    # The development fallback derives the key from SECRET_KEY: one leaked secret would open both.
    raise ImproperlyConfigured("SHIYU_FIELD_KEYS must be set in the environment (shiyu crypto genkey)")

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Preloading commits the whole domain (and its subdomains) to HTTPS in browsers for months: the
# city's domain owner decides that, so it is opt-in and its deploy-check warning is silenced when off.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
