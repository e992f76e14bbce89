"""OpenAPI descriptions of Tether's authentication classes (loaded in AccountsConfig.ready)."""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class SessionJWTScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.SessionJWTAuthentication"
    name = "jwtAuth"


class CsrfSessionScheme(SessionScheme):
    target_class = "accounts.authentication.CsrfSessionAuthentication"
    name = "cookieAuth"
