"""JSON error bodies for the API: {"code", "message", "fields"}, with messages in the user's language."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from .errors import ActionError

# Pydantic error types mapped to our own translated messages; anything else falls back to pydantic's text.
PYDANTIC_MESSAGES = {
    "missing": lambda ctx: _("This field is required."),
    "string_too_long": lambda ctx: _("Ensure this value has at most %(max)s characters.") % {"max": ctx.get("max_length")},
    "string_too_short": lambda ctx: _("Ensure this value has at least %(min)s characters.") % {"min": ctx.get("min_length")},
    "string_pattern_mismatch": lambda ctx: _("Enter a value in the expected format."),
    "date_from_datetime_parsing": lambda ctx: _("Enter a valid date (YYYY-MM-DD)."),
    "date_parsing": lambda ctx: _("Enter a valid date (YYYY-MM-DD)."),
    "date_from_datetime_inexact": lambda ctx: _("Enter a valid date (YYYY-MM-DD)."),
    "int_parsing": lambda ctx: _("Enter a whole number."),
    "int_type": lambda ctx: _("Enter a whole number."),
    "float_parsing": lambda ctx: _("Enter a number."),
    "literal_error": lambda ctx: _("Select a valid choice."),
    "enum": lambda ctx: _("Select a valid choice."),
    "extra_forbidden": lambda ctx: _("This field is not accepted."),
    "value_error": lambda ctx: str(ctx.get("error", "")) or _("Enter a valid value."),
}


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "__all__"


def validation_error(request, exc: ValidationError, api):
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        to_text = PYDANTIC_MESSAGES.get(err.get("type"))
        text = to_text(err.get("ctx") or {}) if to_text else err.get("msg", "")
        fields.setdefault(_field_name(err.get("loc", ())), []).append(text)
    body = {"code": "validation_error", "message": _("Please correct the errors below."), "fields": fields}
    return api.create_response(request, body, status=422)


def action_error(request, exc: ActionError, api):
    return api.create_response(request, exc.as_dict(), status=exc.status)


def not_found(request, exc, api):
    return api.create_response(request, {"code": "not_found", "message": _("Not found."), "fields": {}}, status=404)


def http_error(request, exc: HttpError, api):
    if isinstance(exc, AuthenticationError):
        body = {"code": "not_authenticated", "message": _("Authentication required."), "fields": {}}
    elif exc.status_code == 400 and "parse request body" in str(exc):
        body = {"code": "malformed_json", "message": _("The request body is not valid JSON."), "fields": {}}
    else:
        body = {"code": "error", "message": str(exc), "fields": {}}
    return api.create_response(request, body, status=exc.status_code)


def install(api) -> None:
    api.add_exception_handler(ValidationError, lambda r, e: validation_error(r, e, api))
    api.add_exception_handler(ActionError, lambda r, e: action_error(r, e, api))
    api.add_exception_handler(Http404, lambda r, e: not_found(r, e, api))
    api.add_exception_handler(HttpError, lambda r, e: http_error(r, e, api))
