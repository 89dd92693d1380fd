"""The scheduled producer: ``platform_app.lambda_producer.handler``.

EventBridge Scheduler may pass ``{"count": 1-10, "scheduledAt": "<aws.scheduler.scheduled-time>"}``.
One SendMessageBatch of ``tick`` jobs per invocation, their rows written first. A batch SQS refuses
entirely raises, so the schedule's retry policy (and its dead-letter queue) see the failure; a partial
refusal is logged and not retried, since a retry would enqueue the accepted ones twice.
"""

from __future__ import annotations

import logging
import os
import uuid
from datetime import UTC, datetime
from typing import Any

from . import database, jobs
from .config import require_config
from .logs import configure_logging, request_id

BATCH_SIZE_VARIABLE = "PRODUCER_BATCH_SIZE"

configure_logging()
log = logging.getLogger(__name__)


class QueueRefusedBatch(RuntimeError):
    pass


def batch_size(event: dict[str, Any]) -> int:
    requested: Any = event.get("count")
    if requested is None:
        configured = (os.environ.get(BATCH_SIZE_VARIABLE) or "").strip()
        requested = int(configured) if configured.lstrip("-").isdigit() else (configured or jobs.MAX_BATCH)
    if not isinstance(requested, int) or isinstance(requested, bool) or not 1 <= requested <= jobs.MAX_BATCH:
        raise ValueError(f"count must be a whole number from 1 to {jobs.MAX_BATCH}, got {requested!r}")
    return requested


def handler(event: Any, context: Any) -> dict[str, int]:
    token = request_id.set(getattr(context, "aws_request_id", None) or str(uuid.uuid4()))
    try:
        return _produce(event if isinstance(event, dict) else {})
    finally:
        request_id.reset(token)


def _produce(event: dict[str, Any]) -> dict[str, int]:
    count = batch_size(event)
    config = require_config()
    scheduled_at = event.get("scheduledAt")
    if not isinstance(scheduled_at, str) or not scheduled_at:
        scheduled_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    messages = [
        jobs.JobMessage(id=uuid.uuid4(), kind="tick", payload={"sequence": sequence, "scheduledAt": scheduled_at})
        for sequence in range(count)
    ]

    with database.connection() as conn:
        with conn.transaction():
            jobs.insert(conn, messages)
        try:
            result = jobs.send_batch(config.queue_url, messages)
        except Exception:
            jobs.mark_failed(conn, [message.id for message in messages], "not_enqueued")
            raise
        if result.failed:
            jobs.mark_failed(conn, [messages[refusal.index].id for refusal in result.failed], "refused_by_queue")

    summary = {"requested": count, "sent": len(result.sent), "failed": len(result.failed)}
    if result.failed:
        log.error("some messages were refused", extra={**summary, "codes": sorted({refusal.code for refusal in result.failed})})
    if not result.sent:
        raise QueueRefusedBatch(f"SQS refused all {count} messages ({', '.join(refusal.code for refusal in result.failed)})")
    log.info("enqueued work messages", extra=summary)
    return summary
