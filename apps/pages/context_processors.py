from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from spoguild import __version__


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "version": __version__,
        "embedded_mode": settings.EMBEDDED_SETUP,
    }
