"""Settings for the benchmark server only: the app's production settings (DEBUG=0) plus
the baseline views, served over plain HTTP on 127.0.0.1.

    DJANGO_SETTINGS_MODULE=bench.settings gunicorn ... samtaler_site.wsgi

The baselines have their own urlconf (bench/urls.py), so the app's urlconf, and the URL
table in tests/test_adgang.py, never see them.
"""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-" + "k" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("AXES_ENABLED", "0")  # many logins from one address in a few seconds
os.environ.setdefault("LOG_LEVEL", "WARNING")

from samtaler_site.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
# Plain HTTP on loopback: no TLS redirect, cookies without the Secure flag.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Static files are not part of the measurement; no collectstatic manifest needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
