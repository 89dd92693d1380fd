"""ECS Fargate entry point: ``python -m platform_app.server``.

uvicorn serves the same ASGI app (and the same :class:`~platform_app.asgi.PlatformMiddleware`) that
Lambda runs through Mangum, on ``0.0.0.0:$PORT`` (default 8080). On SIGTERM (a deploy or a scale-in)
it stops accepting connections, lets in-flight requests finish for up to
:data:`SHUTDOWN_GRACE_SECONDS` (below ECS's default 30 s stopTimeout, after which the container is
killed anyway), closes the database connections and exits 0.
"""

from __future__ import annotations

import logging
import os
import signal
import sys

import uvicorn

from . import lifecycle
from .asgi import load_app
from .logs import configure_logging

DEFAULT_PORT = 8080
SHUTDOWN_GRACE_SECONDS = 25
# The ALB keeps idle connections for 60 s; closing them earlier would turn the next request on such
# a connection into a 502.
KEEP_ALIVE_SECONDS = 65

log = logging.getLogger("platform_app.server")


def port_from_environment() -> int:
    configured = (os.environ.get("PORT") or "").strip()
    if not configured:
        return DEFAULT_PORT
    if not configured.isdigit() or not 0 < int(configured) < 65536:
        raise ValueError(f"PORT must be a port number, got {configured!r}")
    return int(configured)


def build_server(port: int) -> uvicorn.Server:
    config = uvicorn.Config(
        load_app(),
        host="0.0.0.0",
        port=port,
        # Same code path as Lambda, where lifespan is off (see lambda_api).
        lifespan="off",
        # The root logger writes JSON; PlatformMiddleware writes one line per request, so uvicorn's
        # text access log would only repeat it.
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        server_header=False,
    )
    return uvicorn.Server(config)


def main() -> int:
    configure_logging()
    try:
        server = build_server(port_from_environment())
    except Exception:
        # A bad PORT or an app that cannot be imported: one JSON line saying why, not a bare traceback.
        log.exception("cannot start")
        return 1

    # uvicorn drains on SIGTERM/SIGINT, then re-raises the signal to the handler it found installed;
    # the default one would kill the process (exit -15) before the database connections are closed,
    # and ECS would record a clean stop as a failure. This one lets run() return (and, for a signal
    # that arrives before uvicorn installed its own, asks it to stop once started).
    def stop(signum: int, _frame: object) -> None:
        server.should_exit = True
        log.info("stop requested", extra={"signal": signal.Signals(signum).name})

    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, stop)
    server.run()
    lifecycle.reset_process_state()
    if not server.started:
        log.error("the server did not start")
        return 1
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
