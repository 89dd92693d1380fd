"""The HTTP API through its Lambda entry point (Mangum, API Gateway payload v2 events)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from platform_app.lambda_api import build_handler

from conftest import PlatformEnvironment
from support.events import LambdaContext, http_event, response_json


def call(event: dict[str, Any]) -> dict[str, Any]:
    """One invocation through a handler built as a cold start builds it (environment read now)."""
    return build_handler()(event, LambdaContext())


def post_job(body: Any, content_type: str = "application/json") -> dict[str, Any]:
    text = body if isinstance(body, str) else json.dumps(body)
    return call(http_event("POST", "/api/jobs", body=text, headers={"content-type": content_type}))


def test_health_is_ok_when_parameters_database_and_cache_answer(platform: PlatformEnvironment, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUILD_VERSION", "1.2.3")
    monkeypatch.setenv("BUILD_COMMIT", "abc123")
    for path in ("/health", "/api/health"):
        response = call(http_event("GET", path))
        assert response["statusCode"] == 200, response
        body = response_json(response)
        assert body == {
            "status": "ok",
            "build": {"version": "1.2.3", "commit": "abc123", "builtAt": "unknown"},
            "checks": {"parameters": "ok", "database": "ok", "cache": "ok"},
        }
        assert response["headers"]["cache-control"] == "no-store"
        assert response["headers"]["x-request-id"] == f"api-GET-{path}"


def test_health_names_missing_parameters(platform: PlatformEnvironment) -> None:
    platform.publish_variant(leave_out=("database/endpoint", "queue/url"))
    response = call(http_event("GET", "/health"))
    assert response["statusCode"] == 503
    body = response_json(response)
    assert body["status"] == "degraded"
    assert body["checks"] == {
        "parameters": "missing: database/endpoint, queue/url",
        "database": "skipped: parameters",
        "cache": "skipped: parameters",
    }


def test_health_names_an_unreachable_database_without_details(platform: PlatformEnvironment) -> None:
    platform.publish_variant({"database/port": "1"})  # nothing listens there
    response = call(http_event("GET", "/api/health"))
    assert response["statusCode"] == 503
    body = response_json(response)
    assert body["checks"] == {"parameters": "ok", "database": "unavailable: OperationalError", "cache": "ok"}
    assert "127.0.0.1" not in response["body"]


def test_health_names_an_unreachable_cache(platform: PlatformEnvironment) -> None:
    platform.publish_variant({"cache/endpoint": "127.0.0.1:1"})
    body = response_json(call(http_event("GET", "/health")))
    assert body["checks"]["cache"] == "unavailable: ConnectionError"
    assert body["checks"]["database"] == "ok"


def test_parameters_that_appear_later_are_picked_up_after_the_retry_interval(
    platform: PlatformEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    from platform_app import config

    now = [1000.0]
    monkeypatch.setattr(config, "_clock", lambda: now[0])
    path = platform.publish_variant(leave_out=("cache/endpoint",))
    assert response_json(call(http_event("GET", "/health")))["checks"]["parameters"] == "missing: cache/endpoint"

    platform.moto.client("ssm").put_parameter(
        Name=f"{path}/cache/endpoint", Value=platform.parameters["cache/endpoint"], Type="SecureString"
    )
    now[0] += config.RETRY_AFTER_SECONDS - 1
    assert response_json(call(http_event("GET", "/health")))["checks"]["parameters"] == "missing: cache/endpoint"
    now[0] += 2
    assert call(http_event("GET", "/health"))["statusCode"] == 200


def test_hello_greets_valid_names_and_rejects_others(platform: PlatformEnvironment) -> None:
    assert response_json(call(http_event("GET", "/api/hello"))) == {"message": "Hello, world!"}
    assert response_json(call(http_event("GET", "/api/hello", query={"name": " Zoë O'Neil-Smith "}))) == {
        "message": "Hello, Zoë O'Neil-Smith!"
    }
    assert response_json(call(http_event("GET", "/api/hello/", query={"name": "Ada"}))) == {"message": "Hello, Ada!"}
    for bad in ("<script>", "x" * 65, "   "):
        response = call(http_event("GET", "/api/hello", query={"name": bad}))
        assert response["statusCode"] == 400, bad
        assert response_json(response)["error"] == "invalid_name"


def test_unknown_paths_are_404_and_wrong_methods_405_as_json(platform: PlatformEnvironment) -> None:
    missing = call(http_event("GET", "/api/nothing-here"))
    assert missing["statusCode"] == 404
    assert response_json(missing) == {"error": "not_found", "message": "no route for GET /api/nothing-here"}

    wrong = call(http_event("DELETE", "/api/jobs"))
    assert wrong["statusCode"] == 405
    assert response_json(wrong)["error"] == "method_not_allowed"
    assert wrong["headers"]["allow"] == "POST"
    assert wrong["headers"]["content-type"].startswith("application/json")


def test_a_job_is_recorded_in_postgres_and_sent_to_the_queue(platform: PlatformEnvironment) -> None:
    response = post_job({"kind": "echo", "payload": {"greeting": "hi", "n": 3}})
    assert response["statusCode"] == 202, response
    answer = response_json(response)
    job_id = answer["id"]
    assert response["headers"]["location"] == f"/api/jobs/{job_id}"

    with platform.database() as db:
        row = db.execute("SELECT kind, payload, status, attempts, result FROM jobs WHERE id = %s", (job_id,)).fetchone()
    assert row == ("echo", {"greeting": "hi", "n": 3}, "queued", 0, None)

    messages = platform.received()
    assert [message["MessageId"] for message in messages] == [answer["messageId"]]
    assert json.loads(messages[0]["Body"]) == {"id": job_id, "kind": "echo", "payload": {"greeting": "hi", "n": 3}}
    assert messages[0]["MessageAttributes"]["kind"]["StringValue"] == "echo"


def test_a_job_the_queue_refuses_is_503_and_its_row_failed(platform: PlatformEnvironment) -> None:
    platform.publish_variant({"queue/url": platform.queue_url.replace("-work", "-gone")})
    marker = str(uuid.uuid4())
    response = post_job({"kind": "echo", "payload": {"marker": marker}})
    assert response["statusCode"] == 503
    assert response_json(response)["error"] == "queue_unavailable"
    with platform.database() as db:
        rows = db.execute("SELECT status, result FROM jobs WHERE payload->>'marker' = %s", (marker,)).fetchall()
    assert rows == [("failed", {"error": "not_enqueued"})]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "error"),
    [
        ({"kind": "echo"}, "text/plain", 415, "unsupported_media_type"),
        ("{not json", "application/json", 400, "invalid_job"),
        ([1, 2], "application/json", 400, "invalid_job"),
        ({"kind": "delete-everything"}, "application/json", 400, "invalid_job"),
        ({"kind": "echo", "payload": [1]}, "application/json", 400, "invalid_job"),
        ({"kind": "echo", "extra": 1}, "application/json", 400, "invalid_job"),
        ({"kind": "echo", "payload": {"blob": "x" * (64 * 1024)}}, "application/json", 413, "payload_too_large"),
    ],
)
def test_invalid_jobs_are_refused_before_anything_is_recorded(
    platform: PlatformEnvironment, body: Any, content_type: str, status: int, error: str
) -> None:
    response = post_job(body, content_type)
    assert response["statusCode"] == status, response
    answer = response_json(response)
    assert answer["error"] == error
    if status == 400:
        assert answer["problems"] and all(isinstance(problem, str) for problem in answer["problems"])
    assert platform.received() == []


def test_bodies_over_the_request_limit_are_413(platform: PlatformEnvironment, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_REQUEST_BODY_BYTES", "100")
    body = json.dumps({"kind": "echo", "payload": {"text": "y" * 200}})
    # Declared too large: refused on the header alone.
    declared = call(
        http_event("POST", "/api/jobs", body=body, headers={"content-type": "application/json", "content-length": str(len(body))})
    )
    assert declared["statusCode"] == 413
    assert response_json(declared) == {"error": "payload_too_large", "message": "a request body is at most 100 bytes"}
    # No length declared (API Gateway passes a chunked body as is): counted as it is read.
    counted = call(http_event("POST", "/api/jobs", body=body, headers={"content-type": "application/json"}, base64_body=True))
    assert counted["statusCode"] == 413
    assert response_json(counted) == {"error": "payload_too_large", "message": "a request body is at most 100 bytes"}
    assert platform.received() == []


def test_reading_a_job_is_cache_aside_until_the_worker_invalidates_it(platform: PlatformEnvironment) -> None:
    from platform_app import lambda_worker

    created = response_json(post_job({"kind": "echo", "payload": {"v": 1}}))
    job_id = created["id"]

    first = call(http_event("GET", f"/api/jobs/{job_id}"))
    assert first["statusCode"] == 200
    assert first["headers"]["x-cache"] == "miss"
    assert response_json(first)["status"] == "queued"
    assert 0 < platform.redis().ttl(f"platform:job:{job_id}") <= 30

    # Changed behind the app's back: the cached copy is served until something invalidates it.
    with platform.database() as db:
        db.execute("UPDATE jobs SET payload = '{\"v\": 2}' WHERE id = %s", (job_id,))
    second = call(http_event("GET", f"/api/jobs/{job_id}"))
    assert second["headers"]["x-cache"] == "hit"
    assert response_json(second)["payload"] == {"v": 1}

    outcome = lambda_worker.handler(_event_for(platform), LambdaContext())
    assert outcome == {"batchItemFailures": []}

    third = call(http_event("GET", f"/api/jobs/{job_id}"))
    assert third["headers"]["x-cache"] == "miss"
    job = response_json(third)
    assert job["status"] == "done"
    assert job["payload"] == {"v": 2}
    assert job["result"] == {"v": 1}  # the worker echoed the message's payload
    assert job["attempts"] == 1 and job["processedAt"]


def _event_for(platform: PlatformEnvironment) -> dict[str, Any]:
    from support.aws import sqs_event

    return sqs_event(platform.queue_arn, platform.received())


def test_unknown_or_malformed_job_ids_are_404(platform: PlatformEnvironment) -> None:
    for job_id in (str(uuid.uuid4()), "not-a-uuid"):
        response = call(http_event("GET", f"/api/jobs/{job_id}"))
        assert response["statusCode"] == 404
        assert response_json(response) == {"error": "not_found", "message": "no such job"}


def test_jobs_answer_503_when_the_configuration_is_incomplete(platform: PlatformEnvironment) -> None:
    platform.publish_variant(leave_out=("queue/url",))
    response = post_job({"kind": "echo"})
    assert response["statusCode"] == 503
    assert response_json(response)["error"] == "unavailable"
