"""/api/imaging/ operations."""

from ninja import Router

router = Router(tags=["imaging"])
