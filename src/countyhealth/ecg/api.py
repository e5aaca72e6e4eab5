"""/api/ecg/ operations."""

from ninja import Router

router = Router(tags=["ecg"])
