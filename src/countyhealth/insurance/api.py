"""/api/insurance/ operations."""

from ninja import Router

router = Router(tags=["insurance"])
