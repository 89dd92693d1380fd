"""A minimal Django project on the platform: the same parameters, secrets, TLS and auth rules as
the platform app, served by the same entry point
(``platform_app.lambda_api.handler`` with ``PLATFORM_ASGI_APP=django_site.asgi:application``)."""
