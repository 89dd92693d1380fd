"""What every entry point wraps around the ASGI app it serves (FastAPI's or a Django project's).

``load_app()`` imports the app named by ``PLATFORM_ASGI_APP`` and wraps it in
:class:`PlatformMiddleware`, which gives every app the same request id (API Gateway's when there is
one), the same request log line, the same origin check first (:mod:`platform_app.origin`: 403 for
a request that did not come through this environment's CloudFront, before the app runs), the same
413 for bodies over ``MAX_REQUEST_BODY_BYTES`` (checked on Content-Length before anything is read,
and on the bytes as they stream in) and the same JSON 500 for an error that escapes the app.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import time
import uuid
from typing import Any
from collections.abc import Awaitable, Callable, MutableMapping

from starlette.exceptions import HTTPException

from . import logs, origin

ASGI_APP_VARIABLE = "PLATFORM_ASGI_APP"
DEFAULT_ASGI_APP = "platform_app.api:app"
MAX_BODY_VARIABLE = "MAX_REQUEST_BODY_BYTES"
DEFAULT_MAX_REQUEST_BODY_BYTES = 1024 * 1024

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger(__name__)


def max_request_body_bytes() -> int:
    configured = (os.environ.get(MAX_BODY_VARIABLE) or "").strip()
    return int(configured) if configured.isdigit() and int(configured) > 0 else DEFAULT_MAX_REQUEST_BODY_BYTES


def import_app(spec: str) -> ASGIApp:
    """``module:attribute`` (the attribute may be dotted)."""
    module_name, separator, attribute = spec.partition(":")
    if not separator or not module_name or not attribute:
        raise ValueError(f"{ASGI_APP_VARIABLE} must look like module:attribute, got {spec!r}")
    target: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        target = getattr(target, part)
    return target


def load_app() -> PlatformMiddleware:
    return PlatformMiddleware(import_app(os.environ.get(ASGI_APP_VARIABLE) or DEFAULT_ASGI_APP), max_request_body_bytes())


class RequestBodyTooLarge(HTTPException):
    """Raised from ``receive`` once the streamed body passes the limit. An HTTPException, so a
    Starlette app answers it through its own handlers; any other app lets it reach the middleware."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"a request body is at most {limit} bytes")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _request_id(scope: Scope) -> str:
    event = scope.get("aws.event") or {}
    from_gateway = (event.get("requestContext") or {}).get("requestId") if isinstance(event, dict) else None
    if from_gateway:
        return str(from_gateway)
    context = scope.get("aws.context")
    from_lambda = getattr(context, "aws_request_id", None)
    return str(from_lambda) if from_lambda else str(uuid.uuid4())


def problem_body(error: str, message: str, **extra: Any) -> bytes:
    return json.dumps({"error": error, "message": message, **extra}).encode()


def _origin_refusal(verdict: str) -> tuple[int, bytes]:
    if verdict == "unavailable":
        return 503, problem_body("origin_unverifiable", "the request's origin cannot be verified right now; try again shortly")
    # The same answer for a missing and a wrong header: nothing tells a prober which it was.
    return 403, problem_body("forbidden", "this API is served only through its site's address")


class PlatformMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        token = logs.request_id.set(request_id)
        started = time.perf_counter()
        state = {"status": 0}

        async def send_with_request_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                message = {**message, "headers": [*message.get("headers", []), (b"x-request-id", request_id.encode())]}
            await send(message)

        limit = self.max_body_bytes
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise RequestBodyTooLarge(limit)
            return message

        try:
            verdict, app_scope = await origin.verify_request(scope)
            if verdict != "ok":
                await self._respond(send_with_request_id, *_origin_refusal(verdict))
                return
            declared = _header(scope, b"content-length")
            if declared is not None and declared.strip().isdigit() and int(declared) > limit:
                await self._respond(
                    send_with_request_id, 413, problem_body("payload_too_large", f"a request body is at most {limit} bytes")
                )
            else:
                await self.app(app_scope, limited_receive, send_with_request_id)
        except RequestBodyTooLarge as error:
            if not state["status"]:
                await self._respond(send_with_request_id, 413, problem_body("payload_too_large", str(error.detail)))
        except Exception:
            log.exception("unhandled error", extra={"path": scope.get("path")})
            if not state["status"]:
                body = problem_body("internal_error", "something went wrong; quote the request id when reporting it", requestId=request_id)
                await self._respond(send_with_request_id, 500, body)
        finally:
            log.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": state["status"] or None,
                    "durationMs": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            logs.request_id.reset(token)

    @staticmethod
    async def _respond(send: Send, status: int, body: bytes) -> None:
        headers = [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"cache-control", b"no-store"),
            (b"content-length", str(len(body)).encode()),
        ]
        if status == 413:
            # The rest of the body is never read, so the connection cannot carry another request.
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
