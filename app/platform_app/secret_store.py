"""Secret values from Secrets Manager, read when first needed and cached for the process.

A cached value can go stale when the secret rotates; callers that see an authentication failure ask
again with ``refresh=True``. Every value read is registered with the log scrubber.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from . import aws
from .config import require_config
from .logs import register_sensitive_value

APP_SECRET_KEY_FIELD = "SECRET_KEY"

_cache: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


class SecretFormatError(ValueError):
    """The secret is not the JSON object expected; the message names the secret's field, never a value."""


def read_json_secret(arn: str, *, refresh: bool = False) -> dict[str, Any]:
    with _lock:
        if not refresh and arn in _cache:
            return _cache[arn]
    response = aws.client("secretsmanager").get_secret_value(SecretId=arn)
    try:
        value = json.loads(response.get("SecretString") or "")
    except ValueError:
        raise SecretFormatError("the secret is not a JSON object") from None
    if not isinstance(value, dict):
        raise SecretFormatError("the secret is not a JSON object")
    for item in value.values():
        register_sensitive_value(item)
    with _lock:
        _cache[arn] = value
    return value


def app_secret_key() -> str:
    """The app's signing key (``app/secret-arn``'s ``SECRET_KEY``)."""
    value = read_json_secret(require_config().app_secret_arn).get(APP_SECRET_KEY_FIELD)
    if not isinstance(value, str) or not value:
        raise SecretFormatError(f"the app secret has no {APP_SECRET_KEY_FIELD}")
    return value


def reset() -> None:
    with _lock:
        _cache.clear()
