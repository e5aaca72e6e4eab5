"""/api/appointments/ operations."""

from ninja import Router

router = Router(tags=["appointments"])
