"""Only requests that came through this environment's CloudFront distribution reach the app.

The HTTP API's own ``execute-api`` address is public. CloudFront's viewer-request function on
``/api/*`` adds ``x-origin-verify`` with a value it reads from a CloudFront KeyValueStore, where the
rotation function writes each new version of the ``<prefix>/origin-verification`` secret (its ARN is the
``edge/origin-secret-arn`` parameter). A request without the header, or with a value that is not a
live version of the secret, is answered 403 before any app code runs.

Live versions are AWSCURRENT, AWSPREVIOUS (edge locations still holding the last value while the
KeyValueStore's new one propagates) and AWSPENDING while a rotation is between its setSecret and
finishSecret steps (the KeyValueStore already holds it then). They are cached for
:data:`CACHE_SECONDS`; a value that matches none of them triggers a fresh read, at most once every
:data:`REFRESH_AFTER_MISMATCH_SECONDS`, so a rotation is picked up within seconds while a stream of
forged headers costs one Secrets Manager call per process per few seconds, not one per request.
Comparison is constant-time; values are registered with the log scrubber and never logged.

The load balancer's health check of the ECS tasks arrives from inside the VPC without the header, on
:data:`LOAD_BALANCER_HEALTH_PATH`, a path the HTTP API has no route for (it routes only
``ANY /api`` and ``ANY /api/{proxy+}``): that exact path, and only it, passes unchecked, and the app sees
it as ``/health``.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import threading
import time
from dataclasses import dataclass
from typing import Literal

from botocore.exceptions import BotoCoreError, ClientError

from . import aws
from .config import load_config
from .logs import register_sensitive_value

HEADER = b"x-origin-verify"
LOAD_BALANCER_HEALTH_PATH = "/_platform/lb-health"
APP_HEALTH_PATH = "/health"
LIVE_STAGES: tuple[str, ...] = ("AWSCURRENT", "AWSPREVIOUS", "AWSPENDING")
CACHE_SECONDS = 300.0
REFRESH_AFTER_MISMATCH_SECONDS = 5.0

log = logging.getLogger(__name__)

Verdict = Literal["ok", "forbidden", "unavailable"]


def _clock() -> float:
    return time.monotonic()


@dataclass(frozen=True)
class _Snapshot:
    values: tuple[bytes, ...]
    read_at: float


class OriginVerifier:
    """The live values of the origin secret, cached per process."""

    def __init__(self) -> None:
        self._snapshot: _Snapshot | None = None
        self._last_attempt: float | None = None
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._snapshot = None
            self._last_attempt = None

    def verify(self, presented: bytes | None) -> Verdict:
        """Blocking (it may call Secrets Manager): run it off the event loop."""
        if not presented:
            # Certainly not CloudFront: answered without reading anything.
            return "forbidden"
        with self._lock:
            now = _clock()
            snapshot = self._snapshot
            fresh = snapshot is not None and now - snapshot.read_at < CACHE_SECONDS
            if fresh and _matches(presented, snapshot.values):  # type: ignore[union-attr]
                return "ok"
            # Throttled even when the cache is stale or empty: that only holds back a retry of a read
            # that failed within the interval, so a Secrets Manager outage costs each request no extra
            # calls (the stale values answer meanwhile).
            may_read = self._last_attempt is None or now - self._last_attempt >= REFRESH_AFTER_MISMATCH_SECONDS
            if may_read:
                self._last_attempt = now
                values = _read_live_values()
                if values is not None:
                    snapshot = self._snapshot = _Snapshot(values, now)
            if snapshot is None:
                return "unavailable"
            return "ok" if _matches(presented, snapshot.values) else "forbidden"


def _matches(presented: bytes, values: tuple[bytes, ...]) -> bool:
    matched = False
    for value in values:
        # Every value is compared, so the time taken does not tell which stage (or how much) matched.
        matched |= hmac.compare_digest(presented, value)
    return matched


def _read_live_values() -> tuple[bytes, ...] | None:
    status = load_config()
    arn = status.origin_secret_arn
    if not arn:
        log.error("cannot verify the origin: no origin secret is configured", extra={"configuration": status.describe()})
        return None
    secrets = aws.client("secretsmanager")
    values: list[bytes] = []
    for stage in LIVE_STAGES:
        try:
            text = secrets.get_secret_value(SecretId=arn, VersionStage=stage).get("SecretString") or ""
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "ClientError")
            if code == "ResourceNotFoundException":
                # No version has the stage (AWSPREVIOUS before the second rotation, AWSPENDING outside one).
                continue
            log.error("cannot read the origin secret", extra={"stage": stage, "errorName": code})
            return None
        except BotoCoreError as error:
            log.error("cannot read the origin secret", extra={"stage": stage, "errorName": type(error).__name__})
            return None
        if text:
            register_sensitive_value(text)
            values.append(text.encode())
    if not values:
        log.error("the origin secret has no value yet")
        return None
    return tuple(values)


verifier = OriginVerifier()


def reset() -> None:
    verifier.reset()


async def verify_request(scope: dict) -> tuple[Verdict, dict]:  # type: ignore[type-arg]
    """The verdict on an HTTP request, and the scope the app should see."""
    if scope.get("path") == LOAD_BALANCER_HEALTH_PATH and scope.get("method") in ("GET", "HEAD"):
        return "ok", {**scope, "path": APP_HEALTH_PATH, "raw_path": APP_HEALTH_PATH.encode()}
    presented: bytes | None = None
    for name, value in scope.get("headers") or []:
        if name.lower() == HEADER:
            presented = value
            break
    if not presented:
        return "forbidden", scope
    return await asyncio.to_thread(verifier.verify, presented), scope
