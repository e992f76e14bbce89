from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class TetherConfig(AppConfig):
    name = "tether"
    verbose_name = "Tether"


class TetherAdminConfig(admin_apps.AdminConfig):
    """Django's admin on Tether's site: a password sign-in of its own (tether.admin_site)."""

    default = False  # named in INSTALLED_APPS; TetherConfig stays the "tether" app

    default_site = "tether.admin_site.TetherAdminSite"
