"""Only requests that came through CloudFront reach the app: the origin check in front of every app.

A direct call to the execute-api address carries no ``x-origin-verify`` (or a guessed one) and gets
403 before the app runs, through the Lambda handler (Mangum, as Lambda runs it), through the uvicorn
server ECS runs, and in front of a Django app. The secret's AWSCURRENT, AWSPREVIOUS and (during a
rotation) AWSPENDING values pass, so a rotation drops no request.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from platform_app import logs, origin
from platform_app.lambda_api import build_handler

from conftest import APP_DIR, PlatformEnvironment
from support.events import ORIGIN_VERIFY_HEADER, ORIGIN_VERIFY_VALUE, LambdaContext, http_event, response_json
from support.servers import free_port, wait_for_port
from test_django import _invoke, django_root  # noqa: F401  (a fixture)

# The path the load balancer's target group probes (src/constructs/containers/load-balancer.ts).
LOAD_BALANCER_HEALTH_PATH = "/_platform/lb-health"


def call(event: dict[str, Any]) -> dict[str, Any]:
    return build_handler()(event, LambdaContext())


def direct(method: str, path: str, **headers: str) -> dict[str, Any]:
    """A call straight to execute-api: no CloudFront, so only the headers the caller chose."""
    return http_event(method, path, headers=headers, via_cloudfront=False)


def rotate(platform: PlatformEnvironment, arn: str, value: str, *, stages: list[str] | None = None) -> None:
    """A new version of the origin secret (AWSCURRENT unless ``stages`` says otherwise)."""
    platform.moto.client("secretsmanager").put_secret_value(SecretId=arn, SecretString=value, **({"VersionStages": stages} if stages else {}))


def finish(platform: PlatformEnvironment, arn: str) -> None:
    """finishSecret: AWSCURRENT moves to the pending version (Secrets Manager labels the old one AWSPREVIOUS)."""
    secrets = platform.moto.client("secretsmanager")
    stages = secrets.describe_secret(SecretId=arn)["VersionIdsToStages"]
    pending = next(version for version, labels in stages.items() if "AWSPENDING" in labels)
    current = next(version for version, labels in stages.items() if "AWSCURRENT" in labels)
    secrets.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=pending, RemoveFromVersionId=current)
    secrets.update_secret_version_stage(SecretId=arn, VersionStage="AWSPENDING", RemoveFromVersionId=pending)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [5000.0]
    monkeypatch.setattr(origin, "_clock", lambda: now[0])
    return now


@pytest.fixture
def fresh_origin_secret(platform: PlatformEnvironment) -> Iterator[str]:
    """A secret of this test's own (rotations must not leak into other tests), published as the parameter."""
    secrets = platform.moto.client("secretsmanager")
    name = f"platform-test/origin-{platform.path.rsplit('/', 1)[-1]}"
    arn = secrets.create_secret(Name=name, SecretString="first-value-3c9d1a7e5b")["ARN"]
    platform.publish_variant({"edge/origin-secret-arn": arn})
    yield arn


def test_a_direct_call_without_the_header_gets_403_before_the_app_runs(platform: PlatformEnvironment) -> None:
    for method, path in (("GET", "/health"), ("GET", "/api/hello"), ("POST", "/api/jobs"), ("GET", "/api/nothing")):
        response = call(direct(method, path))
        assert response["statusCode"] == 403, (path, response)
        assert response_json(response) == {"error": "forbidden", "message": "this API is served only through its site's address"}
        assert response["headers"]["cache-control"] == "no-store"
    # The app never ran: no job was recorded or queued.
    assert platform.received() == []


def test_a_wrong_or_empty_header_gets_403(platform: PlatformEnvironment) -> None:
    for value in ("", "guess", ORIGIN_VERIFY_VALUE[:-1], ORIGIN_VERIFY_VALUE + "x", ORIGIN_VERIFY_VALUE.upper()):
        response = call(direct("GET", "/api/hello", **{ORIGIN_VERIFY_HEADER: value}))
        assert response["statusCode"] == 403, value


def test_the_current_value_passes(platform: PlatformEnvironment) -> None:
    response = call(direct("GET", "/api/hello", **{ORIGIN_VERIFY_HEADER: ORIGIN_VERIFY_VALUE}))
    assert response["statusCode"] == 200, response
    assert response_json(response) == {"message": "Hello, world!"}


def test_the_load_balancer_path_is_the_only_exemption(platform: PlatformEnvironment) -> None:
    response = call(direct("GET", LOAD_BALANCER_HEALTH_PATH))
    assert response["statusCode"] == 200, response
    assert response_json(response)["checks"] == {"parameters": "ok", "database": "ok", "cache": "ok"}
    for path in (LOAD_BALANCER_HEALTH_PATH + "/", LOAD_BALANCER_HEALTH_PATH + "x", "/api" + LOAD_BALANCER_HEALTH_PATH, "/health"):
        assert call(direct("GET", path))["statusCode"] == 403, path
    assert call(direct("POST", LOAD_BALANCER_HEALTH_PATH))["statusCode"] == 403


def test_rotation_keeps_current_and_previous_valid_and_drops_older_ones(
    platform: PlatformEnvironment, fresh_origin_secret: str, clock: list[float]
) -> None:
    first, second, third = "first-value-3c9d1a7e5b", "second-value-8e2f4b6a1c", "third-value-0d7c5e9f3a"
    assert call(direct("GET", "/api/hello", **{ORIGIN_VERIFY_HEADER: first}))["statusCode"] == 200

    # setSecret has put the pending value into the KeyValueStore: CloudFront may send it already.
    rotate(platform, fresh_origin_secret, second, stages=["AWSPENDING"])
    clock[0] += origin.REFRESH_AFTER_MISMATCH_SECONDS
    assert call(direct("GET", "/api/hello", **{ORIGIN_VERIFY_HEADER: second}))["statusCode"] == 200
    assert call(direct("GET", "/api/hello", **{ORIGIN_VERIFY_HEADER: first}))["statusCode"] == 200

    # finishSecret: second is AWSCURRENT, first AWSPREVIOUS; edge locations still sending first are served.
    finish(platform, fresh_origin_secret)
    clock[0] += origin.CACHE_SECONDS
    for value in (first, second):
        assert call(direct("GET", "/api/hello", **{ORIGIN_VERIFY_HEADER: value}))["statusCode"] == 200, value

    # The next rotation: first is two versions old and no longer opens the door.
    rotate(platform, fresh_origin_secret, third, stages=["AWSPENDING"])
    finish(platform, fresh_origin_secret)
    clock[0] += origin.CACHE_SECONDS
    assert call(direct("GET", "/api/hello", **{ORIGIN_VERIFY_HEADER: third}))["statusCode"] == 200
    assert call(direct("GET", "/api/hello", **{ORIGIN_VERIFY_HEADER: second}))["statusCode"] == 200
    assert call(direct("GET", "/api/hello", **{ORIGIN_VERIFY_HEADER: first}))["statusCode"] == 403


def test_a_new_value_is_picked_up_within_seconds_and_forgeries_do_not_hammer_secrets_manager(
    platform: PlatformEnvironment, fresh_origin_secret: str, clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    original = origin._read_live_values

    def counted() -> Any:
        reads.append("read")
        return original()

    monkeypatch.setattr(origin, "_read_live_values", counted)
    handler = build_handler()

    def status(value: str) -> int:
        return handler(direct("GET", "/api/hello", **{ORIGIN_VERIFY_HEADER: value}), LambdaContext())["statusCode"]

    assert status("first-value-3c9d1a7e5b") == 200
    assert len(reads) == 1
    for _ in range(20):
        assert status("forged") == 403
    assert len(reads) == 1, "a mismatch within the refresh interval must not read the secret again"

    rotate(platform, fresh_origin_secret, "rotated-value-6a4b2c8d0e")
    assert status("rotated-value-6a4b2c8d0e") == 403  # within the interval: the cache still answers
    clock[0] += origin.REFRESH_AFTER_MISMATCH_SECONDS
    assert status("rotated-value-6a4b2c8d0e") == 200
    assert len(reads) == 2


def test_without_the_parameter_or_the_secret_it_fails_closed(platform: PlatformEnvironment, clock: list[float]) -> None:
    platform.publish_variant(leave_out=("edge/origin-secret-arn",))
    response = call(direct("GET", "/api/hello", **{ORIGIN_VERIFY_HEADER: ORIGIN_VERIFY_VALUE}))
    assert response["statusCode"] == 503, response
    assert response_json(response)["error"] == "origin_unverifiable"
    assert call(direct("GET", "/api/hello"))["statusCode"] == 403

    platform.publish_variant({"edge/origin-secret-arn": platform.session.origin_secret_arn.replace("origin-verify", "no-such-secret")})
    clock[0] += origin.REFRESH_AFTER_MISMATCH_SECONDS  # past the retry throttle, so the missing secret is really read
    assert call(direct("GET", "/api/hello", **{ORIGIN_VERIFY_HEADER: ORIGIN_VERIFY_VALUE}))["statusCode"] == 503


def test_failed_reads_are_retried_at_most_every_few_seconds_and_stale_values_answer_meanwhile(
    platform: PlatformEnvironment, clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    handler = build_handler()

    def status(value: str) -> int:
        return handler(direct("GET", "/api/hello", **{ORIGIN_VERIFY_HEADER: value}), LambdaContext())["statusCode"]

    assert status(ORIGIN_VERIFY_VALUE) == 200  # values read and cached
    reads: list[str] = []

    def outage() -> None:
        reads.append("read")
        return None  # what _read_live_values answers when Secrets Manager fails

    monkeypatch.setattr(origin, "_read_live_values", outage)
    clock[0] += origin.CACHE_SECONDS  # the cache is stale: the next request tries to refresh it
    for _ in range(20):
        assert status(ORIGIN_VERIFY_VALUE) == 200, "the last values answer while Secrets Manager cannot"
        assert status("forged") == 403
    assert len(reads) == 1, "within the interval a failed read is not retried, whatever arrives"
    clock[0] += origin.REFRESH_AFTER_MISMATCH_SECONDS
    assert status(ORIGIN_VERIFY_VALUE) == 200
    assert len(reads) == 2

    # A process that never read a value: 503 throughout, one read per interval.
    origin.reset()
    reads.clear()
    for _ in range(20):
        assert status(ORIGIN_VERIFY_VALUE) == 503
    assert len(reads) == 1


def test_the_value_never_reaches_a_log_line(platform: PlatformEnvironment, capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure_logging()
    assert call(direct("GET", "/api/hello", **{ORIGIN_VERIFY_HEADER: ORIGIN_VERIFY_VALUE}))["statusCode"] == 200
    assert call(direct("GET", "/api/hello", **{ORIGIN_VERIFY_HEADER: "forged-value-1234"}))["statusCode"] == 403
    assert ORIGIN_VERIFY_VALUE not in logs.scrub(f"header {ORIGIN_VERIFY_VALUE}")
    output = capsys.readouterr().out
    assert ORIGIN_VERIFY_VALUE not in output
    assert "forged-value-1234" not in output


@pytest.fixture
def server(platform: PlatformEnvironment) -> Iterator[int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "platform_app.server"],
        cwd=APP_DIR,
        env=platform.subprocess_environment(PORT=str(port)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_port(process, port)
        yield port
    finally:
        process.kill()
        process.wait()


def _get(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_the_ecs_server_refuses_direct_calls_and_serves_the_load_balancer_probe(server: int) -> None:
    status, body = _get(server, "/api/hello", {})
    assert status == 403, body
    assert json.loads(body)["error"] == "forbidden"
    assert _get(server, "/api/hello", {ORIGIN_VERIFY_HEADER: "guess"})[0] == 403
    assert _get(server, "/health", {})[0] == 403
    status, body = _get(server, "/api/hello", {ORIGIN_VERIFY_HEADER: ORIGIN_VERIFY_VALUE})
    assert status == 200, body
    status, body = _get(server, LOAD_BALANCER_HEALTH_PATH, {})
    assert status == 200, body
    assert json.loads(body)["status"] == "ok"


def test_a_django_app_is_behind_the_same_check(
    platform: PlatformEnvironment, django_root: tuple[Path, Path], tmp_path: Path  # noqa: F811
) -> None:
    task, _ = django_root
    environment = platform.subprocess_environment(
        LAMBDA_TASK_ROOT=str(task), PLATFORM_ASGI_APP="django_site.asgi:application", DJANGO_SETTINGS_MODULE="django_site.settings"
    )
    without, forged, through_cloudfront = _invoke(
        django_root,
        environment,
        [
            direct("GET", "/api/notes/"),
            direct("GET", "/api/notes/", **{ORIGIN_VERIFY_HEADER: "guess"}),
            http_event("GET", "/health"),
        ],
        tmp_path,
    )
    assert without["statusCode"] == 403 and json.loads(without["body"])["error"] == "forbidden"
    assert forged["statusCode"] == 403
    assert through_cloudfront["statusCode"] == 200, through_cloudfront
