"""Test settings: the real settings plus a throw-away key and a fast password hasher."""

import os

os.environ.setdefault("SECRET_KEY", "insecure-key-for-tests-only")

from auditor.settings import *  # noqa: F403

# Hashing strength is not under test; the default hasher costs ~0.3 s per login.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests never reach outside the machine: their repositories' https URLs are made up.
# The verification test turns it back on for a local repository.
CI_UPLOAD_VERIFY_WITH_REMOTE = False
