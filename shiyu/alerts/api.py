"""The alerts app's JSON API (mounted under /api/v1/)."""

from ninja import Router

router = Router(tags=["alerts"])
