"""The site-wide answers: the platform's health report, and errors as JSON problems."""

from django.db import connection
from django.http import JsonResponse

from platform_app import health as platform_health


def problem(status: int, error: str, message: str, **extra) -> JsonResponse:
    response = JsonResponse({"error": error, "message": message, **extra}, status=status)
    response["cache-control"] = "no-store"
    return response


def _check_database(_config) -> None:
    # Django's own connection: the one the views use, with the same TLS and credentials.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def health(request):
    if request.method not in ("GET", "HEAD"):
        return problem(405, "method_not_allowed", f"{request.path} accepts GET")
    status, body = platform_health.report(database_check=_check_database)
    response = JsonResponse(body, status=status)
    response["cache-control"] = "no-store"
    return response


def not_found(request, exception=None):
    return problem(404, "not_found", f"no route for {request.method} {request.path}")


def server_error(request):
    return problem(500, "internal_error", "something went wrong; quote the request id when reporting it")
