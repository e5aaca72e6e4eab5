"""/api/clinic/ operations."""

from ninja import Router

router = Router(tags=["clinic"])
