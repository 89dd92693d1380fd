"""The SQS worker: ``platform_app.lambda_worker.handler``.

Partial batch responses (the event source mapping sets ``ReportBatchItemFailures``): each record is
processed on its own, in its own transaction, and only the records that were invalid or whose
processing failed are returned for redelivery (and dead-lettered after the queue's maxReceiveCount).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
from pydantic import ValidationError
from redis.exceptions import RedisError

from . import cache, database, jobs
from .config import ConfigurationError, require_config
from .logs import configure_logging, request_id

configure_logging()
log = logging.getLogger(__name__)

Processor = Callable[[jobs.JobMessage], Any]


class UnknownJob(LookupError):
    """A message for a job the database has no row for."""


def _echo(message: jobs.JobMessage) -> Any:
    return message.payload


def _tick(message: jobs.JobMessage) -> Any:
    sequence, scheduled_at = message.payload.get("sequence"), message.payload.get("scheduledAt")
    if not isinstance(sequence, int) or isinstance(sequence, bool) or not isinstance(scheduled_at, str):
        raise ValueError("a tick needs an integer sequence and a scheduledAt string")
    return {"sequence": sequence, "scheduledAt": scheduled_at}


# What each kind of job does; raising marks the message failed, so SQS redelivers it.
PROCESSORS: dict[str, Processor] = {"echo": _echo, "tick": _tick}


def handler(event: dict[str, Any] | None, context: Any) -> dict[str, list[dict[str, str]]]:
    token = request_id.set(getattr(context, "aws_request_id", None) or str(uuid.uuid4()))
    try:
        records = (event or {}).get("Records") or []
        failures = [{"itemIdentifier": str(record.get("messageId", ""))} for record in records if not process_record(record)]
        log.info("batch processed", extra={"records": len(records), "failed": len(failures)})
        return {"batchItemFailures": failures}
    finally:
        request_id.reset(token)


def process_record(record: dict[str, Any]) -> bool:
    fields = {"messageId": record.get("messageId"), "receiveCount": (record.get("attributes") or {}).get("ApproximateReceiveCount")}
    try:
        message = jobs.JobMessage.model_validate_json(record.get("body") or "")
    except ValidationError as error:
        log.warning("invalid message", extra={**fields, "problems": jobs.describe_validation_error(error)})
        return False
    fields.update(jobId=str(message.id), kind=message.kind)
    try:
        require_config()
        with database.connection() as conn:
            with conn.transaction():
                status = jobs.lock_for_processing(conn, message.id)
                if status is None:
                    raise UnknownJob(f"no job {message.id}")
                if status == "done":
                    # SQS delivers at least once: a redelivery of finished work is acknowledged, not redone.
                    log.info("job already done", extra=fields)
                    return True
                jobs.complete(conn, message.id, PROCESSORS[message.kind](message))
    except (ConfigurationError, psycopg.OperationalError):
        # The database (or the configuration) is unreachable: there is nowhere to count the attempt.
        log.exception("processing failed", extra=fields)
        return False
    except Exception:
        log.exception("processing failed", extra=fields)
        _record_failed_attempt(message.id)
        return False
    _invalidate(message.id)
    log.info("job done", extra=fields)
    return True


def _record_failed_attempt(job_id: uuid.UUID) -> None:
    try:
        with database.connection() as conn:
            jobs.record_failed_attempt(conn, job_id)
    except Exception:
        log.warning("could not count the failed attempt", extra={"jobId": str(job_id)}, exc_info=True)


def _invalidate(job_id: uuid.UUID) -> None:
    # The row is already committed: a cache that cannot be reached must not make SQS redeliver
    # finished work; the entry's short TTL bounds how long it can show the old state.
    try:
        cache.client().delete(jobs.cache_key(job_id))
    except RedisError as error:
        log.warning("could not invalidate the cached job", extra={"jobId": str(job_id), "errorName": type(error).__name__})
