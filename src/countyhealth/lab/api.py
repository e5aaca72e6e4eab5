"""/api/lab/ operations."""

from ninja import Router

router = Router(tags=["lab"])
