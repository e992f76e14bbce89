"""Small helpers shared by the API views."""

from django.http import HttpRequest, JsonResponse

from tether.api.errors import error_json


def api_not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Catch-all under /api/: unknown routes and malformed path ids are a JSON 404."""
    return error_json(404, "not_found")
