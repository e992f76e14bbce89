from django.apps import AppConfig


class TetherConfig(AppConfig):
    name = "tether"
    verbose_name = "Tether"
