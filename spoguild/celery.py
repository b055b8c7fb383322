"""The Celery application, configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spoguild.settings")

app = Celery("spoguild")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**kwargs: object) -> None:
    """Keep Celery from replacing the LOGGING configuration Django already set."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
