"""Test settings: the production module with fast local stand-ins (healthchecks/pretix pattern)."""

import os

os.environ.setdefault("VIDNOVA_DEMO", "true")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-enough-to-pass-validation-0123456789")

from vidnova.settings import *  # noqa: F403

# Never in production: MD5 keeps user creation fast in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
