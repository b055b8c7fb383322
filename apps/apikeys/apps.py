from django.apps import AppConfig


class ApiKeysConfig(AppConfig):
    name = "apps.apikeys"
    label = "apikeys"
    verbose_name = "API keys"

    def ready(self) -> None:
        # Registers the OpenAPI description of the key authentication.
        from apps.apikeys import schema  # noqa: F401
