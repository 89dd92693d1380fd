"""JSON lines on stdout: CloudWatch Logs Insights and metric filters read the fields without a parse step.

Every line carries ``time``, ``level``, ``message``, ``logger`` and, inside a request or an invocation,
``requestId``; structured fields come from ``extra={...}``. The root logger is replaced (Lambda's
Python runtime installs a text handler there), so library loggers (uvicorn, mangum, botocore) come
out as JSON too.

Nothing read from SSM or Secrets Manager may reach a log line: the loaders register those values with
:func:`register_sensitive_value`, and every string in a line (messages, exception text, tracebacks) is
scrubbed of them before it is written; keys that look like credentials are redacted whatever their value.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import threading
from datetime import UTC, datetime
from typing import Any

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("platform_request_id", default=None)

_SENSITIVE_KEY = re.compile(r"(secret|password|passwd|token|authorization|cookie|credential|api[-_]?key)", re.IGNORECASE)
# `...Arn` keys name a secret, they do not hold one (and ARNs are scrubbed as values anyway).
_NAMES_ONLY = re.compile(r"arn$", re.IGNORECASE)
# Shorter values ("iam", a port number, a database called "app") would turn ordinary words into noise.
_MIN_SCRUBBED_LENGTH = 4
_MAX_DEPTH = 4
REDACTED = "[redacted]"

# `color_message` is uvicorn's ANSI-coloured copy of the message.
_STANDARD_RECORD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName", "color_message"}

_sensitive_values: set[str] = set()
_sensitive_lock = threading.Lock()


def register_sensitive_value(value: object) -> None:
    """Values that must never appear in a log line (parameter values, secret fields)."""
    if isinstance(value, str) and len(value) >= _MIN_SCRUBBED_LENGTH:
        with _sensitive_lock:
            _sensitive_values.add(value)


def scrub(text: str) -> str:
    # Longest first, so a value containing another is replaced whole.
    for value in sorted(_sensitive_values, key=len, reverse=True):
        if value in text:
            text = text.replace(value, REDACTED)
    return text


def _safe(key: str | None, value: Any, depth: int = 0) -> Any:
    if key is not None and _SENSITIVE_KEY.search(key) and not _NAMES_ONLY.search(key):
        return REDACTED
    if isinstance(value, str):
        return scrub(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if depth >= _MAX_DEPTH:
        return "[truncated]"
    if isinstance(value, dict):
        return {str(k): _safe(str(k), v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_safe(None, item, depth + 1) for item in value]
    if isinstance(value, BaseException):
        return {"type": type(value).__name__, "message": scrub(str(value))}
    return scrub(str(value))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "message": scrub(record.getMessage()),
            "logger": record.name,
        }
        current_request = request_id.get()
        if current_request:
            entry["requestId"] = current_request
        for key, value in record.__dict__.items():
            if key not in _STANDARD_RECORD_FIELDS and not key.startswith("_") and key not in entry:
                entry[key] = _safe(key, value)
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            entry["error"] = {
                "type": type(error).__name__,
                "message": scrub(str(error)),
                "stack": scrub(self.formatException(record.exc_info)),
            }
        try:
            return json.dumps(entry, default=str, ensure_ascii=False)
        except (TypeError, ValueError):
            return json.dumps(
                {"time": entry["time"], "level": entry["level"], "message": entry["message"], "logError": "fields could not be serialized"}
            )


_configured = False
_configure_lock = threading.Lock()


def configure_logging(level: int = logging.INFO) -> None:
    """Makes the root logger write JSON lines to stdout; idempotent (entry points call it at import)."""
    global _configured
    with _configure_lock:
        if _configured:
            return
        root = logging.getLogger()
        for existing in list(root.handlers):
            root.removeHandler(existing)
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
        root.setLevel(level)
        # Per-request chatter from the SDK and its HTTP pool would drown the app's own lines.
        for noisy in ("botocore", "boto3", "urllib3", "s3transfer"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        _configured = True
