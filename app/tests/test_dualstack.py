"""Functions in an IPv6-egress environment reach SQS and Secrets Manager over their dual-stack
endpoints (``PLATFORM_DUALSTACK_SERVICES``) and get the published parameters handed over at deploy
time (``PLATFORM_PARAMETERS``), since SSM has no dual-stack endpoint; the same handlers still work
against the AWS API (moto) with both settings on, and never call SSM."""

from __future__ import annotations

import json
import uuid

import pytest

from platform_app import aws, config, lambda_producer, lambda_worker
from platform_app.lambda_api import build_handler

from conftest import PlatformEnvironment
from support.aws import sqs_event
from support.events import LambdaContext, http_event, response_json


@pytest.fixture
def dualstack(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(aws.DUALSTACK_SERVICES_VARIABLE, "sqs,secretsmanager")
    aws.reset()
    yield
    aws.reset()


def test_named_services_resolve_to_their_dual_stack_hosts_and_others_do_not(dualstack: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the test's moto endpoint, botocore resolves the real regional hosts (no request is sent).
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    aws.reset()
    # The hosts AWS documents: SQS's dual-stack endpoint (SQS developer guide, "dual-stack endpoints")
    # and Secrets Manager's (user guide, "Secrets Manager endpoints": dual-stack).
    assert aws.client("sqs").meta.endpoint_url == "https://sqs.eu-west-1.api.aws"
    assert aws.client("secretsmanager").meta.endpoint_url == "https://secretsmanager.eu-west-1.api.aws"
    # SSM documents no dual-stack endpoint: a client would stay on its IPv4 host, which this mode cannot reach
    # (no NAT, no interface endpoint), hence the handed-over parameters below.
    assert aws.client("ssm").meta.endpoint_url == "https://ssm.eu-west-1.amazonaws.com"


def test_without_the_setting_every_service_keeps_its_ipv4_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(aws.DUALSTACK_SERVICES_VARIABLE, raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    aws.reset()
    try:
        assert aws.client("sqs").meta.endpoint_url == "https://sqs.eu-west-1.amazonaws.com"
    finally:
        aws.reset()


def test_the_handlers_work_with_dual_stack_clients_against_the_aws_api(platform: PlatformEnvironment, dualstack: None) -> None:
    result = lambda_producer.handler({"count": 2, "scheduledAt": "2026-12-02T00:00:00Z"}, type("Context", (), {"aws_request_id": str(uuid.uuid4())})())
    assert result == {"requested": 2, "sent": 2, "failed": 0}
    bodies = [json.loads(message["Body"]) for message in platform.received()]
    assert [body["kind"] for body in bodies] == ["tick", "tick"]
    # The clients really were the dual-stack ones (the test's endpoint override wins over the host).
    assert aws.client("sqs").meta.config.use_dualstack_endpoint is True


@pytest.fixture
def ipv6_egress(platform: PlatformEnvironment, dualstack: None, monkeypatch: pytest.MonkeyPatch):
    """The app layer's settings in IPv6-egress mode, with SSM made unreachable as it is there and every client recorded."""
    monkeypatch.setenv(config.PARAMETERS_VARIABLE, json.dumps(platform.parameters))
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:1")
    aws.reset()
    config.reset()
    created: list[str] = []
    real_client = aws.client

    def recording_client(service: str):
        created.append(service)
        return real_client(service)

    monkeypatch.setattr(aws, "client", recording_client)
    yield created
    config.reset()
    aws.reset()


def test_the_parameters_handed_over_at_deploy_time_are_the_only_source(platform: PlatformEnvironment, ipv6_egress: list[str]) -> None:
    status = config.load_config()
    assert status.describe() == "ok"
    assert status.config is not None
    assert status.config.queue_url == platform.queue_url
    assert status.config.database.port == platform.postgres.port
    assert "ssm" not in ipv6_egress


def test_an_api_job_is_queued_worked_and_read_back_with_dual_stack_clients_and_no_ssm(platform: PlatformEnvironment, ipv6_egress: list[str]) -> None:
    api = build_handler()
    created = api(http_event("POST", "/api/jobs", body=json.dumps({"kind": "echo", "payload": {"v": 1}}), headers={"content-type": "application/json"}), LambdaContext())
    assert created["statusCode"] == 202, created
    job_id = response_json(created)["id"]
    messages = platform.received()
    assert len(messages) == 1
    assert lambda_worker.handler(sqs_event(platform.queue_arn, messages), LambdaContext()) == {"batchItemFailures": []}
    job = response_json(api(http_event("GET", f"/api/jobs/{job_id}"), LambdaContext()))
    assert job["status"] == "done" and job["result"] == {"v": 1}
    assert "ssm" not in ipv6_egress
    assert {"sqs", "secretsmanager"} <= set(ipv6_egress)
