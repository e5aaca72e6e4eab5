"""JSON written by orjson with a json.JSONEncoder's `default` for what orjson leaves to it: the same JSON as
`json.dumps(value, cls=encoder)` for JSON's own types, UUIDs and str subclasses (enums), about ten times
faster; dates and everything else go through the encoder (DjangoJSONEncoder: "Z" for UTC, milliseconds,
decimals and lazy strings as text). Text is written as UTF-8, not as \\u escapes."""

import json

import orjson
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


def dumps(value, encoder: type[json.JSONEncoder] | None = None) -> bytes:
    return orjson.dumps(value, default=encoder().default if encoder else None, option=OPTIONS)


class Renderer(JSONRenderer):
    """The API's answers (a phone's catchment page is a megabyte, a push's answer 200 results)."""

    def render(self, request, data, *, response_status):
        return dumps(data, self.encoder_class)


class BodyParser(Parser):
    def parse_body(self, request):
        return orjson.loads(request.body)
