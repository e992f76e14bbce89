"""Django's error handlers: JSON under /api/, plain pages elsewhere."""

from django.http import HttpRequest, HttpResponse
from django.views import defaults

from core.api.errors import error_json


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return error_json(404, "not_found")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return error_json(500, "server_error")
    return defaults.server_error(request)
