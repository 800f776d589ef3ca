"""Bearer-token authentication for the API. It lives with the tokens it checks (accounts), not in
core: core is the foundation layer and knows nothing of users."""

from django.contrib.auth.models import AnonymousUser
from ninja.security import HttpBearer

from shiyu.accounts.services import token_user


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


class OptionalBearer(BearerAuth):
    """Lets anonymous callers through (as AnonymousUser) while honouring a token if one is sent."""

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            return super().__call__(request)
        return AnonymousUser()


bearer = BearerAuth()
optional_bearer = OptionalBearer()
