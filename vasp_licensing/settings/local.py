"""The embedded setup for development, demos and tests."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Plain static storage: no collectstatic step needed to run locally or in tests.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
PASSWORD_HASHERS = [
    *env.list("DJANGO_PASSWORD_HASHERS", default=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]),
    CLIENT_SECRET_HASHER,
]
# runserver serves static files itself in development; WhiteNoise serves the collected ones in production.
MIDDLEWARE = [entry for entry in MIDDLEWARE if not entry.startswith("whitenoise.")]
