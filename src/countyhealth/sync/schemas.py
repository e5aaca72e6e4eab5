"""Shapes of the /api/sync/ requests; each mutation's payload is checked by its handler (mutations.py)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Schema
from pydantic import Field


class LoginIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=128)
    device_name: str = Field(default="", max_length=100)


class LoginOut(Schema):
    token: str
    device_id: int
    expires_at: datetime
    username: str
    display_name: str


class MutationIn(Schema):
    id: UUID
    kind: str = Field(max_length=30)
    payload: dict[str, Any]


PUSH_MAX = 200  # mutations a push; the phone app starts at this size (sync/app.js)


class PushIn(Schema):
    mutations: list[MutationIn] = Field(max_length=PUSH_MAX)


class RevokeIn(Schema):
    reason: str = Field(default="", max_length=200)


class DeviceOut(Schema):
    id: int
    user_id: int
    username: str
    name: str
    created_at: datetime
    expires_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None
    revoke_reason: str
