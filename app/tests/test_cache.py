"""The cache client: TLS only, the server's certificate verified."""

from __future__ import annotations

import socket

import pytest
import redis

from platform_app import cache

from conftest import PlatformEnvironment


def test_the_client_speaks_verified_tls_to_the_published_endpoint(platform: PlatformEnvironment) -> None:
    client = cache.client()
    assert client.ping() is True
    client.set("platform:test:key", "value", ex=5)
    assert platform.redis().get("platform:test:key") == "value"
    connection_kwargs = client.connection_pool.connection_kwargs
    assert connection_kwargs["ssl_cert_reqs"] == "required" and connection_kwargs["ssl_check_hostname"] is True


def test_the_server_refuses_plain_tcp(platform: PlatformEnvironment) -> None:
    server = platform.session.redis
    with socket.create_connection((server.host, server.port), timeout=2) as plain:
        plain.sendall(b"PING\r\n")
        try:
            answer = plain.recv(64)
        except ConnectionResetError:
            answer = b""
    assert not answer.startswith(b"+PONG")


def test_a_certificate_from_another_ca_is_rejected(platform: PlatformEnvironment, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.CACHE_ROOT_CERT_VARIABLE, str(platform.session.pki.other_ca_certificate))
    with pytest.raises(redis.exceptions.ConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
        cache.client().ping()


def test_a_bare_host_means_the_serverless_port() -> None:
    assert cache.endpoint_address("cache-abc.serverless.euw1.cache.amazonaws.com") == (
        "cache-abc.serverless.euw1.cache.amazonaws.com",
        6379,
    )
    assert cache.endpoint_address("127.0.0.1:7000") == ("127.0.0.1", 7000)
