"""Functions in an IPv6-egress environment reach SQS and Secrets Manager over their dual-stack
endpoints (``PLATFORM_DUALSTACK_SERVICES``), and nothing else changes: the same handlers still work
against the AWS API (moto) with the setting on."""

from __future__ import annotations

import json
import uuid

import pytest

from platform_app import aws, lambda_producer

from conftest import PlatformEnvironment


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
    # SSM documents no dual-stack endpoint: it stays on its IPv4 host, reached through its interface endpoint.
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
