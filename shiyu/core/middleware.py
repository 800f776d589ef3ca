class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy: every script is a file served by the app itself."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    )

    def __init__(self, get_response):
        self.get_response = get_response
        self.POLICY = self.policy()

    @classmethod
    def policy(cls) -> str:
        """The policy, letting map tiles come from the tile server a deployment configured
        (SHIYU_MAP_TILES); by default maps have no tiles and nothing else is allowed."""
        from urllib.parse import urlsplit

        from django.conf import settings

        tiles = urlsplit(getattr(settings, "SHIYU_MAP_TILES", "") or "")
        if tiles.scheme not in ("http", "https") or not tiles.netloc:
            return cls.POLICY
        origin = f"{tiles.scheme}://{tiles.netloc.replace('{s}', '*')}"
        return cls.POLICY.replace("img-src 'self' data:", f"img-src 'self' data: {origin}")

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/") or request.path.startswith("/api/v1/docs"):
            # Django admin and the API docs page ship inline scripts of their own.
            return response
        response.headers.setdefault("Content-Security-Policy", self.POLICY)
        return response
