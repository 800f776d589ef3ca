"""The reports app's JSON API (mounted under /api/v1/)."""

from ninja import Router

router = Router(tags=["reports"])
