#!/usr/bin/env python
"""Django's command line for the example site (``python manage.py migrate``), with the platform's
configuration: PLATFORM_PARAMETERS_PATH and AWS credentials as the functions have them."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "django_site.settings")
    from django.core.management import execute_from_command_line

    from platform_app.logs import configure_logging

    configure_logging()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
