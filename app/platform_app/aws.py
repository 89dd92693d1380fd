"""One boto3 client per service per process: created on first use, then reused so warm invocations
keep their TLS connections. Credentials come from the execution role; ``AWS_ENDPOINT_URL`` (moto in
tests) is honoured by botocore itself.

``PLATFORM_DUALSTACK_SERVICES`` (comma-separated boto3 service names, set by the platform when the
environment's functions reach AWS over IPv6 through an egress-only gateway) turns on the dual-stack
endpoint for exactly those services. Not ``AWS_USE_DUALSTACK_ENDPOINT`` for all: botocore then builds
an ``<service>.<region>.api.aws`` host for every service, whether that service serves one or not."""

from __future__ import annotations

import os
import threading
from typing import Any

import boto3
from botocore.config import Config

# Short enough that a request still answers within API Gateway's 30 s when a service is unreachable.
_CLIENT_CONFIG = Config(connect_timeout=3, read_timeout=5, retries={"mode": "standard", "max_attempts": 3})
DUALSTACK_SERVICES_VARIABLE = "PLATFORM_DUALSTACK_SERVICES"


def dualstack_services() -> frozenset[str]:
    return frozenset(name.strip() for name in os.environ.get(DUALSTACK_SERVICES_VARIABLE, "").split(",") if name.strip())

_clients: dict[str, Any] = {}
_lock = threading.Lock()
_session: boto3.session.Session | None = None


def region() -> str | None:
    """Lambda and ECS set AWS_REGION; botocore itself only reads AWS_DEFAULT_REGION."""
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None


def client(service: str) -> Any:
    global _session
    with _lock:
        existing = _clients.get(service)
        if existing is not None:
            return existing
        # boto3 sessions are not thread-safe, clients are: build them under the lock, share them after.
        if _session is None:
            _session = boto3.session.Session()
        config = _CLIENT_CONFIG.merge(Config(use_dualstack_endpoint=True)) if service in dualstack_services() else _CLIENT_CONFIG
        created = _session.client(service, region_name=region(), config=config)
        _clients[service] = created
        return created


def reset() -> None:
    """Forgets the clients (tests that move the endpoint); Lambda never needs it."""
    global _session
    with _lock:
        _clients.clear()
        _session = None
