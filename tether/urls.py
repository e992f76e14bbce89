from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular import renderers as openapi
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.api.routes import api_path
from core.api.views import api_not_found
from tether.health import HealthView
from tether.metrics_endpoint import metrics_view

# The schema in JSON unless YAML is asked for (Accept or ?format=yaml): JSON is YAML too, so
# every client can read the default, whichever parser it holds.
schema_view = SpectacularAPIView.as_view(
    renderer_classes=[
        openapi.OpenApiJsonRenderer,
        openapi.OpenApiJsonRenderer2,
        openapi.OpenApiYamlRenderer,
        openapi.OpenApiYamlRenderer2,
    ]
)

api_patterns = [
    *api_path("health", HealthView.as_view(), "health"),
    path("schema/", schema_view, name="schema"),
    path("schema", schema_view),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("docs", SpectacularSwaggerView.as_view(url_name="schema")),
    path("", include("accounts.urls")),
    path("", include("messaging.urls")),
    path("", include("moderation.urls")),
    # Unknown routes and malformed ids in paths: a JSON 404, never Django's HTML page.
    re_path(r"^.*$", api_not_found),
]

urlpatterns = [
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
    path("metrics", metrics_view, name="metrics"),
    path("", include("tether.pages.urls")),
]

handler404 = "tether.errors.page_not_found"
handler500 = "tether.errors.server_error"
