"""A URLconf with a plain Django view that crashes, for the envelope's last line of defence."""

from django.urls import path

from tether import urls


def crash(request):
    raise RuntimeError("the view fell over")


urlpatterns = [path("api/crash", crash), *urls.urlpatterns]
handler404 = urls.handler404
handler500 = urls.handler500
