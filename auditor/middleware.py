"""Request checks that apply to every view."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

NUL = "\x00"


class RejectNulInQueryMiddleware:
    """A NUL character anywhere in the query string or path is a 400.

    No filter, sort or page parameter can mean one, and PostgreSQL refuses NUL in every
    text parameter, so without this each filter would be a 500 (and a streamed export
    would break off mid-file).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path or any(
            NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists()
        ):
            message = "The request contains a NUL character, which no parameter accepts."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
