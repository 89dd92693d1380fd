"""Settings from the platform's configuration, read at import (once per cold start).

Where the database is comes from the SSM parameters; its credentials are fetched per connection by
the ``django_site.postgres`` backend (a fresh IAM token, or the rotating secret), never stored here.
SECRET_KEY is the app secret's ``SECRET_KEY``. An incomplete configuration fails the import with a
ConfigurationError naming what is missing, so the function's init fails loudly and the next
invocation tries again.
"""

import os

from platform_app.asgi import max_request_body_bytes
from platform_app.config import require_config
from platform_app.secret_store import app_secret_key

_platform = require_config()

SECRET_KEY = app_secret_key()
DEBUG = False

# API Gateway (directly, or behind CloudFront, which sends the API's own host name) and local runs.
# Serving on ECS behind a load balancer: add the host names it forwards, and its health check's.
ALLOWED_HOSTS = [f".execute-api.{os.environ.get('AWS_REGION', 'eu-west-1')}.amazonaws.com", "localhost", "127.0.0.1"]

INSTALLED_APPS = ["notes"]

# No sessions, cookies or logins: nothing for CSRF protection to guard, so no CsrfViewMiddleware.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "django_site.urls"

DATABASES = {
    "default": {
        "ENGINE": "django_site.postgres",
        "NAME": _platform.database.name,
        "HOST": _platform.database.endpoint,
        "PORT": _platform.database.port,
        "USER": _platform.database.user,
        # Kept between requests of a warm execution environment; checked before reuse, since a
        # frozen Lambda or RDS Proxy's idle timeout can leave it dead.
        "CONN_MAX_AGE": 300,
        "CONN_HEALTH_CHECKS": True,
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"

# The platform's middleware already refuses larger bodies; this covers a run without it.
DATA_UPLOAD_MAX_MEMORY_SIZE = max_request_body_bytes()

# The platform's JSON logging (set up by its entry points) stays in charge of the root logger.
LOGGING_CONFIG = None
