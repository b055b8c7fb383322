"""Test overrides of ``spoguild.settings``: fast hashing, captured email, eager tasks.

DATABASE_URL and REDIS_URL are honoured as in production, so the same suite
runs on PostgreSQL and Redis when they are set and on SQLite otherwise.
"""

import os
import tempfile
from pathlib import Path

# Keep the suite's SQLite files and broker queue apart from a running `make run`,
# whose worker would otherwise take the tests' tasks (and the other way round).
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="spoguild-test-"))

from spoguild.settings import *  # noqa: F403
from spoguild.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
SITE_URL = "http://testserver"
# allauth's rate limits would trip over the many logins a suite makes.
ACCOUNT_RATE_LIMITS = False  # type: ignore[assignment]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(tempfile.gettempdir()) / "spoguild-test-media"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
