"""API plumbing shared by every router: bearer auth and error shapes."""

from django.contrib.auth.models import AnonymousUser
from ninja.security import HttpBearer


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        from shiyu.accounts.services import token_user

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


def actor_of(request):
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else None
