"""Settings for the test suite: the real settings, with fast hashing and local outputs.

The cache is the one the settings select for the environment: with REDIS_URL set (as in CI)
the suite runs on the real Redis under a key prefix of its own. tests/conftest.py clears the
cache before every test, which on Redis empties that whole database: give the suite a Redis
database number that nothing else uses.
"""

import os

os.environ.setdefault("DEBUG", "true")
# Two editions, so every reader test also runs with an edition beside the default one (whose
# addresses must not change): tests/test_editions.py reads the Arabic one.
os.environ.setdefault("SITE_LANGUAGES", "en,ar")

from newsroom.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if REDIS_URL:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = "newsroom-test"  # noqa: F405
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Jobs run at once, in the test's process: tests assert what was enqueued and what it did.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
