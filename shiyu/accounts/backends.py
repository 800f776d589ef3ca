import unicodedata

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from shiyu.core import ratelimit
from shiyu.core.errors import RateLimited


def login_key(username: str | None) -> str:
    """One budget per account however the name is typed (case, width, surrounding spaces)."""
    return unicodedata.normalize("NFKC", (username or "").strip()).casefold()[:150]


class ShiyuBackend(ModelBackend):
    """Django's model backend with two rules of ours, for every sign-in path (staff form, admin,
    API token):

    - attempts are limited per client address and account, and per address overall, before the
      password is checked (a limited attempt fails like a wrong password; the request is marked
      so the form and the API can answer 429);
    - demo accounts, whose password is published, work only while SHIYU_DEMO is on
      (token_user applies the same rule to tokens, get_user to existing sessions).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None:
            try:
                ratelimit.check(request, "login", extra=login_key(username))
                ratelimit.check(request, "login_address")
            except RateLimited:
                request.shiyu_rate_limited = True
                raise PermissionDenied from None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def user_can_authenticate(self, user):
        from shiyu.accounts.services import demo_allowed

        return super().user_can_authenticate(user) and demo_allowed(user)
