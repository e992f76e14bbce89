from django.urls import URLPattern, path


def api_path(route: str, view, name: str) -> list[URLPattern]:
    """The route with and without its trailing slash (clients write both).

    The OpenAPI schema lists the route once: its slash twin is the same view with no schema.
    """
    twin = view
    if hasattr(view, "cls"):
        twin = view.cls.as_view(**{**view.initkwargs, "schema": None})
    return [path(route, view, name=name), path(f"{route}/", twin)]
