"""The SQS worker: each record on its own, failures reported individually."""

from __future__ import annotations

import json
import uuid

from platform_app import lambda_worker

from conftest import PlatformEnvironment
from support.aws import sqs_event
from support.events import LambdaContext


def _queue_job(platform: PlatformEnvironment, kind: str, payload: dict, *, with_row: bool = True) -> str:
    job_id = str(uuid.uuid4())
    if with_row:
        with platform.database() as db:
            db.execute("INSERT INTO jobs (id, kind, payload) VALUES (%s, %s, %s)", (job_id, kind, json.dumps(payload)))
    platform.moto.client("sqs").send_message(
        QueueUrl=platform.queue_url, MessageBody=json.dumps({"id": job_id, "kind": kind, "payload": payload})
    )
    return job_id


def _migrated(platform: PlatformEnvironment) -> None:
    from platform_app import database

    with database.connection():
        pass


def test_a_batch_reports_exactly_the_invalid_and_the_failed_records(platform: PlatformEnvironment) -> None:
    _migrated(platform)
    good = _queue_job(platform, "echo", {"hello": "world"})
    platform.moto.client("sqs").send_message(QueueUrl=platform.queue_url, MessageBody='{"kind": "echo", "payload": {}}')  # no id
    orphan = _queue_job(platform, "echo", {"x": 1}, with_row=False)  # processing fails: no such job
    messages = platform.received()
    by_body = {json.loads(message["Body"]).get("id"): message["MessageId"] for message in messages}
    assert len(messages) == 3

    outcome = lambda_worker.handler(sqs_event(platform.queue_arn, messages), LambdaContext("worker-1"))

    failed = sorted(item["itemIdentifier"] for item in outcome["batchItemFailures"])
    assert failed == sorted([by_body[None], by_body[orphan]])
    with platform.database() as db:
        row = db.execute("SELECT status, result, attempts, processed_at IS NOT NULL FROM jobs WHERE id = %s", (good,)).fetchone()
    assert row == ("done", {"hello": "world"}, 1, True)


def test_a_failing_processor_counts_the_attempt_and_leaves_the_job_queued(platform: PlatformEnvironment) -> None:
    _migrated(platform)
    broken_tick = _queue_job(platform, "tick", {"sequence": "not a number"})
    tick = _queue_job(platform, "tick", {"sequence": 4, "scheduledAt": "2025-06-01T12:00:00Z"})
    messages = platform.received()
    ids = {json.loads(message["Body"])["id"]: message["MessageId"] for message in messages}

    outcome = lambda_worker.handler(sqs_event(platform.queue_arn, messages), LambdaContext())

    assert outcome == {"batchItemFailures": [{"itemIdentifier": ids[broken_tick]}]}
    with platform.database() as db:
        rows = dict(
            (str(job_id), (status, result, attempts))
            for job_id, status, result, attempts in db.execute(
                "SELECT id, status, result, attempts FROM jobs WHERE id = ANY(%s)", ([broken_tick, tick],)
            )
        )
    assert rows[broken_tick] == ("queued", None, 1)
    assert rows[tick] == ("done", {"sequence": 4, "scheduledAt": "2025-06-01T12:00:00Z"}, 1)


def test_a_redelivered_finished_job_is_acknowledged_without_being_redone(platform: PlatformEnvironment) -> None:
    _migrated(platform)
    job_id = _queue_job(platform, "echo", {"once": True})
    messages = platform.received()
    event = sqs_event(platform.queue_arn, messages)
    assert lambda_worker.handler(event, LambdaContext())["batchItemFailures"] == []
    assert lambda_worker.handler(event, LambdaContext())["batchItemFailures"] == []
    with platform.database() as db:
        assert db.execute("SELECT attempts FROM jobs WHERE id = %s", (job_id,)).fetchone() == (1,)


def test_every_record_fails_when_the_database_is_unreachable(platform: PlatformEnvironment) -> None:
    _migrated(platform)
    _queue_job(platform, "echo", {})
    messages = platform.received()
    platform.publish_variant({"database/port": "1"})
    outcome = lambda_worker.handler(sqs_event(platform.queue_arn, messages), LambdaContext())
    assert outcome == {"batchItemFailures": [{"itemIdentifier": messages[0]["MessageId"]}]}
