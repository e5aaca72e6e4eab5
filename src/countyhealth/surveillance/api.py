"""/api/surveillance/ operations."""

from ninja import Router

router = Router(tags=["surveillance"])
