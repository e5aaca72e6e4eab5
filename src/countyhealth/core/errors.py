"""Failures raised by actions; views render them as form errors, the API as {"code", "message", "fields"}."""


class ActionError(Exception):
    status = 400

    def __init__(self, message, code: str = "invalid", field: str | None = None, fields: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.fields = dict(fields or {})
        if field:
            self.fields.setdefault(field, [message])

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": str(self.message),
            "fields": {name: [str(m) for m in msgs] for name, msgs in self.fields.items()},
        }


class Conflict(ActionError):
    status = 409


class NotVisible(ActionError):
    """The object is out of the user's scope, or does not exist: the two look the same from outside."""

    status = 404

    def __init__(self, message=None, code: str = "not_found"):
        from django.utils.translation import gettext_lazy as _

        super().__init__(message or _("Not found."), code=code)
