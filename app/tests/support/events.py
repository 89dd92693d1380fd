"""Lambda events and contexts as the platform's event sources build them."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

API_HOST = "abc.execute-api.eu-west-1.amazonaws.com"


@dataclass
class LambdaContext:
    aws_request_id: str = "req-1"
    function_name: str = "platform-test-fn"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:platform-test-fn"
    memory_limit_in_mb: int = 256
    log_group_name: str = "/aws/lambda/platform-test-fn"
    log_stream_name: str = "stream"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


# What CloudFront's viewer-request function adds on /api/* (the origin secret's AWSCURRENT in tests).
ORIGIN_VERIFY_HEADER = "x-origin-verify"
ORIGIN_VERIFY_VALUE = "test-origin-value-5b1f0c8e2a7d4e63"


def http_event(
    method: str,
    path: str,
    *,
    body: str | bytes | None = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    base64_body: bool = False,
    via_cloudfront: bool = True,
) -> dict[str, Any]:
    """An HTTP API payload v2.0 event, as API Gateway builds it for ``$default``; ``via_cloudfront``
    adds the origin header CloudFront would (a direct call to the execute-api address has none)."""
    origin = {ORIGIN_VERIFY_HEADER: ORIGIN_VERIFY_VALUE} if via_cloudfront else {}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": urlencode(query or {}),
        "headers": {"host": API_HOST, **origin, **{name.lower(): value for name, value in (headers or {}).items()}},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc",
            "domainName": API_HOST,
            "domainPrefix": "abc",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1", "userAgent": "pytest"},
            "requestId": f"api-{method}-{path}",
            "routeKey": "$default",
            "stage": "$default",
            "time": "01/Jan/2025:00:00:00 +0000",
            "timeEpoch": 1735689600000,
        },
        "isBase64Encoded": base64_body,
    }
    if query:
        event["queryStringParameters"] = query
    if body is not None:
        raw = body.encode() if isinstance(body, str) else body
        event["body"] = base64.b64encode(raw).decode() if base64_body else raw.decode()
    return event


def response_json(response: dict[str, Any]) -> Any:
    body = response.get("body") or ""
    if response.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return json.loads(body)
