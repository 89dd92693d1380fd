"""API Gateway HTTP API (payload v2) entry point: ``platform_app.lambda_api.handler``.

The ASGI app (``PLATFORM_ASGI_APP``) is imported once per cold start, at module import. Mangum's
lifespan is off: Mangum would run the app's startup and shutdown around every invocation, not once
per execution environment, and Django's ASGI handler refuses lifespan events altogether. The app
opens what it needs (configuration, connections) lazily on first use and keeps it while warm.
"""

from __future__ import annotations

import asyncio

from mangum import Mangum

from .asgi import load_app
from .logs import configure_logging

_event_loop: asyncio.AbstractEventLoop | None = None


def build_handler() -> Mangum:
    """The handler for the app the environment names now (a cold start's view of it)."""
    global _event_loop
    # Mangum runs every invocation on the thread's current event loop. Setting one up here keeps it
    # off asyncio's "no current event loop" path, deprecated since Python 3.12 and an error in 3.14.
    if _event_loop is None:
        _event_loop = asyncio.new_event_loop()
    asyncio.set_event_loop(_event_loop)
    return Mangum(load_app(), lifespan="off")


configure_logging()

handler = build_handler()
