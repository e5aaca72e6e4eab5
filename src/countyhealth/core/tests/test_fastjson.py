"""The API's JSON (core.fastjson): the same values as Ninja's own json.dumps renderer, text as UTF-8."""

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from ninja import Schema
from ninja.responses import NinjaJSONEncoder

from countyhealth.core import fastjson


class Visit(Schema):
    day: date
    fpg: Decimal


def test_answers_read_back_as_ninjas_own_renderer_writes_them():
    data = {"at": datetime(2026, 11, 24, 8, 30, 15, 123456, tzinfo=UTC), "day": date(2026, 11, 24),
            "fpg": Decimal("7.10"), "label": gettext_lazy("Routine follow-up"), "id": uuid.UUID(int=5),
            "visit": Visit(day=date(2026, 1, 2), fpg=Decimal("5.5")), "name": "赵一平", 3: [None, 1.5, True]}
    written = fastjson.Renderer().render(None, data, response_status=200)
    assert json.loads(written) == json.loads(json.dumps(data, cls=NinjaJSONEncoder))
    assert "赵一平".encode() in written  # UTF-8, not \u escapes: a catchment page is mostly Chinese names


def test_a_body_that_is_not_json_is_refused_as_json_decode_error():
    class Request:
        body = b'{"mutations": [NaN'

    with pytest.raises(json.JSONDecodeError):
        fastjson.BodyParser().parse_body(Request())
