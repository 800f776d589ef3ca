"""API plumbing shared by every router. Bearer authentication is in shiyu.accounts.auth."""


def actor_of(request):
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else None
