"""The scheduled producer: rows first, then one SendMessageBatch of ticks."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from platform_app import lambda_producer

from conftest import PlatformEnvironment
from support.events import LambdaContext


def test_the_producer_records_and_enqueues_the_requested_ticks(platform: PlatformEnvironment) -> None:
    result = lambda_producer.handler({"count": 3, "scheduledAt": "2025-03-01T10:00:00Z"}, LambdaContext())
    assert result == {"requested": 3, "sent": 3, "failed": 0}

    bodies = sorted((json.loads(message["Body"]) for message in platform.received()), key=lambda body: body["payload"]["sequence"])
    assert [body["payload"] for body in bodies] == [{"sequence": n, "scheduledAt": "2025-03-01T10:00:00Z"} for n in range(3)]
    assert {body["kind"] for body in bodies} == {"tick"}
    with platform.database() as db:
        rows = db.execute(
            "SELECT id::text, kind, status FROM jobs WHERE id = ANY(%s::uuid[])", ([body["id"] for body in bodies],)
        ).fetchall()
    assert sorted(rows) == sorted((body["id"], "tick", "queued") for body in bodies)


def test_the_batch_size_comes_from_the_environment_by_default(platform: PlatformEnvironment, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRODUCER_BATCH_SIZE", "2")
    assert lambda_producer.handler(None, LambdaContext()) == {"requested": 2, "sent": 2, "failed": 0}
    monkeypatch.delenv("PRODUCER_BATCH_SIZE")
    assert lambda_producer.handler({}, LambdaContext())["requested"] == 10
    assert len(platform.received()) == 12


@pytest.mark.parametrize("count", [0, 11, "3", 2.5, True])
def test_an_invalid_count_is_refused(platform: PlatformEnvironment, count: object) -> None:
    with pytest.raises(ValueError, match="count must be a whole number from 1 to 10"):
        lambda_producer.handler({"count": count}, LambdaContext())
    assert platform.received() == []


def test_a_batch_the_queue_refuses_entirely_raises_and_fails_its_rows(platform: PlatformEnvironment) -> None:
    platform.publish_variant({"queue/url": platform.queue_url.replace("-work", "-gone")})
    with pytest.raises(ClientError) as raised:
        lambda_producer.handler({"count": 2, "scheduledAt": "refused-batch"}, LambdaContext())
    assert "NonExistentQueue" in raised.value.response["Error"]["Code"] or "QueueDoesNotExist" in raised.value.response["Error"]["Code"]
    with platform.database() as db:
        statuses = db.execute("SELECT status FROM jobs WHERE payload->>'scheduledAt' = 'refused-batch'").fetchall()
    assert statuses == [("failed",), ("failed",)]
