"""/api/sync/ operations."""

from ninja import Router

router = Router(tags=["sync"])
