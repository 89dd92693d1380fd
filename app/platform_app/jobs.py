"""Work items: what the API and the producer enqueue and the worker finishes.

A job is a ``jobs`` row (its state) plus an SQS message ``{"id", "kind", "payload"}`` (the request to
do it). The row is written before the message is sent, so the worker always finds it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import aws

JobKind = Literal["echo", "tick"]
JOB_KINDS: tuple[str, ...] = ("echo", "tick")
# SQS's own limit is larger; a work item above this belongs in the media bucket, referenced by key.
MAX_JOB_BYTES = 64 * 1024
# SendMessageBatch takes at most ten entries.
MAX_BATCH = 10
# Short: the worker deletes the entry when it finishes a job, and this bounds how long a read that
# raced that delete can keep serving the old state.
CACHE_TTL_SECONDS = 30


class JobRequest(BaseModel):
    """What a client posts."""

    model_config = ConfigDict(extra="forbid")

    kind: JobKind
    payload: dict[str, Any] = Field(default_factory=dict)


class JobMessage(JobRequest):
    """What goes on the queue."""

    id: uuid.UUID

    def body(self) -> str:
        return json.dumps({"id": str(self.id), "kind": self.kind, "payload": self.payload}, separators=(",", ":"))


def describe_validation_error(error: ValidationError) -> list[str]:
    """Problems safe to return to a client: where and what, never the rejected input itself."""
    problems: list[str] = []
    for item in error.errors(include_url=False, include_input=False):
        if item["type"] == "json_invalid":
            problems.append("the body is not valid JSON")
        elif item["type"] == "model_type":
            problems.append("the body must be a JSON object")
        else:
            where = ".".join(str(part) for part in item["loc"]) or "body"
            problems.append(f"{where}: {item['msg']}")
    return problems[:10]


def parse_job_request(body: bytes) -> JobRequest | list[str]:
    """The job, or the problems with it."""
    try:
        job = JobRequest.model_validate_json(body)
    except ValidationError as error:
        return describe_validation_error(error)
    if len(json.dumps(job.payload, separators=(",", ":")).encode()) > MAX_JOB_BYTES:
        return [f"the job must be at most {MAX_JOB_BYTES} bytes as JSON"]
    return job


def cache_key(job_id: uuid.UUID | str) -> str:
    return f"platform:job:{job_id}"


def insert(conn: psycopg.Connection, messages: list[JobMessage]) -> None:
    with conn.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO jobs (id, kind, payload, status) VALUES (%s, %s, %s, 'queued')",
            [(message.id, message.kind, Jsonb(message.payload)) for message in messages],
        )


def mark_failed(conn: psycopg.Connection, job_ids: list[uuid.UUID], reason: str) -> None:
    """For jobs whose message SQS never accepted: nothing will ever process them."""
    conn.execute(
        "UPDATE jobs SET status = 'failed', result = %s, processed_at = now() WHERE id = ANY(%s) AND status = 'queued'",
        (Jsonb({"error": reason}), job_ids),
    )


def lock_for_processing(conn: psycopg.Connection, job_id: uuid.UUID) -> str | None:
    """The job's status, its row locked until the transaction ends; None if there is no such job."""
    row = conn.execute("SELECT status FROM jobs WHERE id = %s FOR UPDATE", (job_id,)).fetchone()
    return None if row is None else row[0]


def complete(conn: psycopg.Connection, job_id: uuid.UUID, result: Any) -> None:
    conn.execute(
        "UPDATE jobs SET status = 'done', result = %s, processed_at = now(), attempts = attempts + 1 WHERE id = %s",
        (Jsonb(result), job_id),
    )


def record_failed_attempt(conn: psycopg.Connection, job_id: uuid.UUID) -> None:
    conn.execute("UPDATE jobs SET attempts = attempts + 1 WHERE id = %s AND status = 'queued'", (job_id,))


def fetch(conn: psycopg.Connection, job_id: uuid.UUID) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cursor:
        row = cursor.execute(
            "SELECT id, kind, status, payload, result, attempts, created_at, processed_at FROM jobs WHERE id = %s",
            (job_id,),
        ).fetchone()
    return None if row is None else representation(row)


def representation(row: dict[str, Any]) -> dict[str, Any]:
    """The job as the API shows it (JSON-ready)."""

    def timestamp(value: datetime | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "id": str(row["id"]),
        "kind": row["kind"],
        "status": row["status"],
        "payload": row["payload"],
        "result": row["result"],
        "attempts": row["attempts"],
        "createdAt": timestamp(row["created_at"]),
        "processedAt": timestamp(row["processed_at"]),
    }


def _attributes(message: JobMessage) -> dict[str, Any]:
    # Lets a consumer or a redrive filter by kind without parsing the body.
    return {"kind": {"DataType": "String", "StringValue": message.kind}}


def send(queue_url: str, message: JobMessage) -> str:
    """The message id SQS assigned."""
    sent = aws.client("sqs").send_message(QueueUrl=queue_url, MessageBody=message.body(), MessageAttributes=_attributes(message))
    message_id = sent.get("MessageId")
    if not message_id:
        raise RuntimeError("SQS accepted the message without a message id")
    return message_id


@dataclass(frozen=True)
class BatchRefusal:
    index: int
    code: str
    sender_fault: bool


@dataclass(frozen=True)
class BatchResult:
    sent: list[str]
    """Message ids, in the order of the accepted messages."""
    failed: list[BatchRefusal]


def send_batch(queue_url: str, messages: list[JobMessage]) -> BatchResult:
    """One SendMessageBatch; SQS may accept some entries and refuse others, so both are returned."""
    if not 1 <= len(messages) <= MAX_BATCH:
        raise ValueError(f"a batch holds 1 to {MAX_BATCH} messages, got {len(messages)}")
    result = aws.client("sqs").send_message_batch(
        QueueUrl=queue_url,
        Entries=[
            {"Id": str(index), "MessageBody": message.body(), "MessageAttributes": _attributes(message)}
            for index, message in enumerate(messages)
        ],
    )
    successful = sorted(result.get("Successful", []), key=lambda entry: int(entry["Id"]))
    return BatchResult(
        sent=[entry["MessageId"] for entry in successful],
        failed=[
            BatchRefusal(index=int(entry["Id"]), code=entry.get("Code", "Unknown"), sender_fault=bool(entry.get("SenderFault")))
            for entry in result.get("Failed", [])
        ],
    )
