from django.urls import URLPattern, path


def api_path(route: str, view, name: str) -> list[URLPattern]:
    """The route with and without its trailing slash (clients write both)."""
    return [path(route, view, name=name), path(f"{route}/", view)]
