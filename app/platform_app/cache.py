"""The Redis cache (ElastiCache Serverless): TLS only, the server's certificate verified.

A cache is an optimisation: callers treat a cache error as a miss and go to the database, so
timeouts are short enough that an unreachable cache costs a request little.
"""

from __future__ import annotations

import os
import threading

import certifi
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from .config import require_config

CACHE_ROOT_CERT_VARIABLE = "PLATFORM_CACHE_SSLROOTCERT"
DEFAULT_PORT = 6379
CONNECT_TIMEOUT_SECONDS = 1.0
SOCKET_TIMEOUT_SECONDS = 1.0

_client: redis.Redis | None = None
_lock = threading.Lock()


def endpoint_address(endpoint: str) -> tuple[str, int]:
    """``host`` (what the platform publishes) or ``host:port``."""
    host, separator, port = endpoint.strip().rpartition(":")
    if separator and port.isdigit():
        return host, int(port)
    return endpoint.strip(), DEFAULT_PORT


def build_client(endpoint: str) -> redis.Redis:
    host, port = endpoint_address(endpoint)
    return redis.Redis.from_url(
        f"rediss://{host}:{port}",
        ssl_cert_reqs="required",
        ssl_check_hostname=True,
        ssl_ca_certs=os.environ.get(CACHE_ROOT_CERT_VARIABLE) or certifi.where(),
        socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        # Catches connections the server dropped while a Lambda environment was frozen.
        health_check_interval=30,
        # One immediate retry on a fresh connection; redis-py's default backs off for seconds.
        retry=Retry(NoBackoff(), 1),
        decode_responses=True,
    )


def client() -> redis.Redis:
    """The process's client (thread-safe; it keeps its own connection pool)."""
    global _client
    with _lock:
        if _client is None:
            _client = build_client(require_config().cache_endpoint)
        return _client


def reset() -> None:
    global _client
    with _lock:
        old, _client = _client, None
    if old is not None:
        old.close()
