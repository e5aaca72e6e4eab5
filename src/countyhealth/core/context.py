"""The current request's client address, so actions can audit it without taking the request."""

from contextvars import ContextVar

client_address: ContextVar[str | None] = ContextVar("client_address", default=None)


def address_of(request) -> str | None:
    # Behind a reverse proxy REMOTE_ADDR is the proxy; the deployment sets the real address there.
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_address.set(address_of(request))
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
