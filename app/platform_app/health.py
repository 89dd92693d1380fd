"""The health report the load balancer, CloudFront and the deploy pipeline poll.

Each check reports ``ok`` or why not, by name only (``unavailable: OperationalError``): the report is
public, so it never carries error messages, hosts or values. The app secret is not a check: nothing
signs with it yet, and a key the app does not use must not take the service out of rotation; the
code that first needs it reads it through ``secret_store.app_secret_key()``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from . import cache, database
from .config import PlatformConfig, build_info, load_config

log = logging.getLogger(__name__)

Check = Callable[[PlatformConfig], None]


def check_database(_: PlatformConfig) -> None:
    with database.connection() as conn:
        conn.execute("SELECT 1")


def check_cache(_: PlatformConfig) -> None:
    cache.client().ping()


def _run(name: str, check: Check, config: PlatformConfig) -> str:
    try:
        check(config)
        return "ok"
    except Exception as error:
        log.warning("health check failed", extra={"check": name, "errorName": type(error).__name__}, exc_info=True)
        return f"unavailable: {type(error).__name__}"


def report(database_check: Check = check_database, cache_check: Check = check_cache) -> tuple[int, dict[str, Any]]:
    """``(status code, body)``: 200 when every check is ok, else 503."""
    status = load_config()
    checks: dict[str, str] = {"parameters": status.describe()}
    if status.config is not None:
        checks["database"] = _run("database", database_check, status.config)
        checks["cache"] = _run("cache", cache_check, status.config)
    else:
        checks["database"] = checks["cache"] = "skipped: parameters"
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "degraded", "build": build_info().as_dict(), "checks": checks}
    return (200 if healthy else 503), body
