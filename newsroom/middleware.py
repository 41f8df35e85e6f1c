import re
import uuid

from newsroom.logging import request_id_var

# A proxy may hand us its own id; accept it only when it looks like one.
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Tag each request (and every log line written while serving it) with an id.

    The id comes from the proxy's X-Request-ID header when it sends a sane one, and is echoed
    back in the response so an error a reader reports can be found in the logs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.id
        return response
