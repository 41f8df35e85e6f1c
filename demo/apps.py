from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo content for `make run`: installed only with DEBUG on, never in a production image."""

    name = "demo"
    verbose_name = "Demo content"
