"""One boto3 client per service per process: created on first use, then reused so warm invocations
keep their TLS connections. Credentials come from the execution role; ``AWS_ENDPOINT_URL`` (moto in
tests) is honoured by botocore itself."""

from __future__ import annotations

import os
import threading
from typing import Any

import boto3
from botocore.config import Config

# Short enough that a request still answers within API Gateway's 30 s when a service is unreachable.
_CLIENT_CONFIG = Config(connect_timeout=3, read_timeout=5, retries={"mode": "standard", "max_attempts": 3})

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
        created = _session.client(service, region_name=region(), config=_CLIENT_CONFIG)
        _clients[service] = created
        return created


def reset() -> None:
    """Forgets the clients (tests that move the endpoint); Lambda never needs it."""
    global _session
    with _lock:
        _clients.clear()
        _session = None
