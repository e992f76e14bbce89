"""Small helpers shared by the API views."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from core.api.errors import error_json


# Exempt: it changes nothing, and without it a POST or DELETE to a malformed path id met the
# CSRF check (403) before the 404 the contract answers.
@csrf_exempt
def api_not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Catch-all under /api/: unknown routes and malformed path ids are a JSON 404."""
    return error_json(404, "not_found")
