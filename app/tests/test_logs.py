"""Log lines: JSON, with the request id, and never a value read from SSM or Secrets Manager."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from platform_app import logs
from platform_app.lambda_api import build_handler

from conftest import APP_SECRET_KEY, OWNER_PASSWORD, PlatformEnvironment
from support.events import LambdaContext, http_event


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """The app's own formatter on the root logger, into a buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)


def _lines(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def test_lines_are_json_with_fields_and_redacted_credentials(captured: io.StringIO) -> None:
    logs.register_sensitive_value("s3cr3t-value-from-ssm")
    token = logs.request_id.set("req-42")
    try:
        try:
            raise RuntimeError("connecting with s3cr3t-value-from-ssm failed")
        except RuntimeError:
            logging.getLogger("platform_app.test").exception(
                "it broke near s3cr3t-value-from-ssm", extra={"password": "hunter2", "secretArn": "arn:x", "count": 3}
            )
    finally:
        logs.request_id.reset(token)
    (line,) = _lines(captured)
    assert line["level"] == "error" and line["requestId"] == "req-42" and line["count"] == 3
    assert line["password"] == "[redacted]" and line["secretArn"] == "arn:x"
    assert "s3cr3t-value-from-ssm" not in captured.getvalue()
    assert line["message"] == "it broke near [redacted]"
    assert line["error"]["type"] == "RuntimeError" and "[redacted]" in line["error"]["stack"]


def test_requests_log_no_parameter_or_secret_values(platform: PlatformEnvironment, captured: io.StringIO) -> None:
    handler = build_handler()
    assert (
        handler(http_event("POST", "/api/jobs", body='{"kind": "echo"}', headers={"content-type": "application/json"}), LambdaContext())[
            "statusCode"
        ]
        == 202
    )
    # Now a database that refuses the password: the error path logs the driver's message and stack.
    wrong = platform.moto.client("secretsmanager").create_secret(
        Name="platform-test-logs-wrong", SecretString='{"username": "app_owner", "password": "wrong-password-5a1"}'
    )["ARN"]
    platform.publish_variant({"database/secret-arn": wrong})
    assert handler(http_event("GET", "/health"), LambdaContext())["statusCode"] == 503

    output = captured.getvalue()
    lines = _lines(captured)
    assert any(line["message"] == "health check failed" for line in lines)
    assert any(line["message"] == "request" and line.get("requestId") == "api-GET-/health" for line in lines)
    for value in [
        OWNER_PASSWORD,
        "wrong-password-5a1",
        APP_SECRET_KEY,
        platform.queue_url,
        platform.parameters["database/secret-arn"],
        platform.parameters["cache/endpoint"],
        wrong,
    ]:
        assert value not in output, value
