"""The ASGI application the platform's entry points serve (``PLATFORM_ASGI_APP=django_site.asgi:application``)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "django_site.settings")

application = get_asgi_application()
