"""The ECS entry point: uvicorn serving the app, draining in-flight requests on SIGTERM."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from conftest import APP_DIR, PlatformEnvironment
from support.events import ORIGIN_VERIFY_HEADER, ORIGIN_VERIFY_VALUE
from support.servers import free_port, wait_for_port

BODY_LIMIT = 2000


@pytest.fixture
def server(platform: PlatformEnvironment) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    environment = platform.subprocess_environment(PORT=str(port), MAX_REQUEST_BODY_BYTES=str(BODY_LIMIT), BUILD_VERSION="9.9.9")
    process = subprocess.Popen(
        [sys.executable, "-m", "platform_app.server"],
        cwd=APP_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_port(process, port)
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request(method, path, body=body, headers={ORIGIN_VERIFY_HEADER: ORIGIN_VERIFY_VALUE, **(headers or {})})
        response = connection.getresponse()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_the_server_answers_health_and_drains_a_slow_request_on_sigterm(server: tuple[subprocess.Popen[str], int]) -> None:
    process, port = server
    status, headers, body = _request(port, "GET", "/health")
    assert status == 200, body
    assert json.loads(body)["build"]["version"] == "9.9.9"
    assert headers["x-request-id"]
    assert "server" not in headers

    # A client that has sent its headers and half its body when ECS stops the task.
    job = json.dumps({"kind": "echo", "payload": {"during": "shutdown"}}).encode()
    slow = socket.create_connection(("127.0.0.1", port), timeout=15)
    slow.sendall(
        b"POST /api/jobs HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        + f"{ORIGIN_VERIFY_HEADER}: {ORIGIN_VERIFY_VALUE}\r\nContent-Length: {len(job)}\r\n\r\n".encode()
        + job[:10]
    )
    time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    time.sleep(0.7)
    assert process.poll() is None, "the server quit with a request in flight"
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()  # no new connections once draining

    slow.sendall(job[10:])
    answer = b""
    while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < int(
        answer.lower().split(b"content-length: ")[1].split(b"\r\n")[0]
    ):
        chunk = slow.recv(65536)
        if not chunk:
            break
        answer += chunk
    slow.close()
    assert answer.startswith(b"HTTP/1.1 202"), answer
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["id"]

    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]  # every line is JSON
    assert any(line["message"] == "request" and line.get("path") == "/api/jobs" and line.get("status") == 202 for line in lines)


def test_bodies_over_the_limit_are_refused_declared_or_streamed(server: tuple[subprocess.Popen[str], int]) -> None:
    _, port = server
    status, headers, body = _request(port, "POST", "/api/jobs", body=b"x" * (BODY_LIMIT + 1), headers={"Content-Type": "application/json"})
    assert status == 413
    assert json.loads(body) == {"error": "payload_too_large", "message": f"a request body is at most {BODY_LIMIT} bytes"}

    # Chunked: no length declared, counted as it streams in.
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"y" * 500

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request(
            "POST", "/api/jobs", body=chunks(), headers={"Content-Type": "application/json", ORIGIN_VERIFY_HEADER: ORIGIN_VERIFY_VALUE}, encode_chunked=True
        )
        response = connection.getresponse()
        assert response.status == 413
        assert json.loads(response.read()) == {"error": "payload_too_large", "message": f"a request body is at most {BODY_LIMIT} bytes"}
    finally:
        connection.close()
