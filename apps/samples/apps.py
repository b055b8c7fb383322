from django.apps import AppConfig


class SamplesConfig(AppConfig):
    name = "apps.samples"
    label = "samples"
    verbose_name = "Node samples"

    def ready(self) -> None:
        # Registers the OpenAPI description of the agent token authentication.
        from apps.samples.api import schema  # noqa: F401
