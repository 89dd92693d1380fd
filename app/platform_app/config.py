"""Where things are: the SSM parameters the infrastructure publishes under ``PLATFORM_PARAMETERS_PATH``.

Read once per process (GetParametersByPath, recursive, decrypted, paginated) and kept while complete.
Where the functions cannot reach SSM (IPv6 egress: SSM has no dual-stack endpoint), the app layer
hands them the same values when it is applied, as a JSON object in ``PLATFORM_PARAMETERS``
(relative name -> value); that variable, when set, is the only source and SSM is never called.
An incomplete or failed read is retried after :data:`RETRY_AFTER_SECONDS` rather than on every
request (a broken environment would otherwise call SSM per request and hit its throughput limit) or
never (the parameters may appear while the execution environment is warm, e.g. mid-apply).
Secrets appear here as ARNs only; :mod:`platform_app.secret_store` fetches values when needed.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Literal

from botocore.exceptions import BotoCoreError, ClientError

from . import aws
from .logs import register_sensitive_value

PARAMETERS_PATH_VARIABLE = "PLATFORM_PARAMETERS_PATH"
PARAMETERS_VARIABLE = "PLATFORM_PARAMETERS"

REQUIRED_PARAMETERS: tuple[str, ...] = (
    "database/endpoint",
    "database/reader-endpoint",
    "database/name",
    "database/port",
    "database/user",
    "database/auth",
    "database/secret-arn",
    "cache/endpoint",
    "queue/url",
    "media/bucket",
    "app/secret-arn",
)
# Published only when the environment turns the feature on. Without `edge/origin-secret-arn` the app
# serves nothing but the load balancer's health check (platform_app.origin fails closed), so an app
# deployed ahead of its infra layer is refused rather than open.
OPTIONAL_PARAMETERS: tuple[str, ...] = ("table/name", "edge/origin-secret-arn")

DATABASE_AUTH_MODES = ("iam", "secret")
# Values from a short fixed set: scrubbing "secret" or "5432" from every log line would hide nothing
# and garble ordinary words.
_ENUMERATED_PARAMETERS = frozenset({"database/auth", "database/port"})
RETRY_AFTER_SECONDS = 10.0

log = logging.getLogger(__name__)

DatabaseAuth = Literal["iam", "secret"]


@dataclass(frozen=True)
class DatabaseSettings:
    endpoint: str
    reader_endpoint: str
    name: str
    port: int
    user: str
    auth: DatabaseAuth
    secret_arn: str


@dataclass(frozen=True)
class PlatformConfig:
    parameters_path: str
    database: DatabaseSettings
    cache_endpoint: str
    queue_url: str
    media_bucket: str
    app_secret_arn: str
    table_name: str | None = None
    origin_secret_arn: str | None = None


@dataclass(frozen=True)
class ConfigStatus:
    """``ok`` with the config, or why not: ``missing``/``invalid`` parameter names, or ``unavailable``
    with the error's class name (never its message)."""

    state: Literal["ok", "missing", "invalid", "unavailable"]
    config: PlatformConfig | None = None
    names: tuple[str, ...] = field(default_factory=tuple)
    error: str | None = None
    # Known whenever the parameters could be read, complete or not: the origin check must not hide
    # what the health check says is missing behind its own refusal.
    origin_secret_arn: str | None = None

    @property
    def ok(self) -> bool:
        return self.state == "ok"

    def describe(self) -> str:
        """What the health check reports: ``ok``, ``missing: a, b``, ``invalid: a`` or ``unavailable: ErrorName``."""
        if self.state == "ok":
            return "ok"
        if self.state == "unavailable":
            return f"unavailable: {self.error}"
        return f"{self.state}: {', '.join(self.names)}"


class ConfigurationError(RuntimeError):
    def __init__(self, status: ConfigStatus) -> None:
        super().__init__(f"configuration is {status.describe()}")
        self.status = status


_lock = threading.Lock()
_cached: tuple[ConfigStatus, float] | None = None


def _clock() -> float:
    return time.monotonic()


def load_config() -> ConfigStatus:
    """The configuration status; never raises. Concurrent callers wait for one read."""
    global _cached
    with _lock:
        now = _clock()
        if _cached is not None:
            status, read_at = _cached
            if status.ok or now - read_at < RETRY_AFTER_SECONDS:
                return status
        status = _read_parameters()
        _cached = (status, now)
        return status


def require_config() -> PlatformConfig:
    """The configuration, or :class:`ConfigurationError` naming what is missing or unavailable."""
    status = load_config()
    if status.config is None:
        raise ConfigurationError(status)
    return status.config


def reset() -> None:
    """Forgets the cached configuration: the next call reads SSM again, as a cold start would."""
    global _cached
    with _lock:
        _cached = None


def _read_parameters() -> ConfigStatus:
    raw = (os.environ.get(PARAMETERS_PATH_VARIABLE) or "").strip()
    path = raw.rstrip("/")
    if not path.startswith("/") or len(path) < 2:
        if raw:
            log.error("the parameter path is not an absolute SSM path", extra={"variable": PARAMETERS_PATH_VARIABLE})
        return ConfigStatus("missing", names=(PARAMETERS_PATH_VARIABLE,))
    handed_over = os.environ.get(PARAMETERS_VARIABLE)
    values = _parameters_from_environment(handed_over) if handed_over is not None else _parameters_from_ssm(path)
    if isinstance(values, ConfigStatus):
        return values
    return _config_from(path, values, source="deployment" if handed_over is not None else "ssm")


def _parameters_from_environment(text: str) -> dict[str, str] | ConfigStatus:
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict) or not all(isinstance(key, str) and isinstance(value, str) for key, value in document.items()):
        # Never the text itself: it holds endpoints.
        log.error("the handed-over parameters are not a JSON object of strings", extra={"variable": PARAMETERS_VARIABLE})
        return ConfigStatus("invalid", names=(PARAMETERS_VARIABLE,))
    for key, value in document.items():
        if key not in _ENUMERATED_PARAMETERS:
            register_sensitive_value(value)
    return document


def _parameters_from_ssm(path: str) -> dict[str, str] | ConfigStatus:
    values: dict[str, str] = {}
    try:
        paginator = aws.client("ssm").get_paginator("get_parameters_by_path")
        for page in paginator.paginate(Path=path, Recursive=True, WithDecryption=True, PaginationConfig={"PageSize": 10}):
            for parameter in page.get("Parameters", []):
                name, value = parameter.get("Name", ""), parameter.get("Value")
                if name.startswith(path + "/") and value is not None:
                    key = name[len(path) + 1 :]
                    values[key] = value
                    if key not in _ENUMERATED_PARAMETERS:
                        register_sensitive_value(value)
    except (BotoCoreError, ClientError) as error:
        name = error.response["Error"].get("Code", "ClientError") if isinstance(error, ClientError) else type(error).__name__
        log.error("could not read the environment's parameters", extra={"path": path, "errorName": name})
        return ConfigStatus("unavailable", error=name)
    return values


def _config_from(path: str, values: dict[str, str], source: Literal["ssm", "deployment"]) -> ConfigStatus:
    missing = tuple(name for name in REQUIRED_PARAMETERS if not values.get(name))
    # Names only: no parameter value goes to a log line.
    log.info("read the environment's parameters", extra={"path": path, "source": source, "found": sorted(values), "missing": list(missing)})
    origin_secret_arn = values.get("edge/origin-secret-arn") or None
    if missing:
        return ConfigStatus("missing", names=missing, origin_secret_arn=origin_secret_arn)

    invalid: list[str] = []
    port_text = values["database/port"].strip()
    port = int(port_text) if port_text.isdigit() else 0
    if not 0 < port < 65536:
        invalid.append("database/port")
    auth = values["database/auth"].strip().lower()
    if auth not in DATABASE_AUTH_MODES:
        invalid.append("database/auth")
    if invalid:
        log.error("parameters have values the app cannot use", extra={"path": path, "invalid": invalid})
        return ConfigStatus("invalid", names=tuple(invalid), origin_secret_arn=origin_secret_arn)

    return ConfigStatus(
        "ok",
        config=PlatformConfig(
            parameters_path=path,
            database=DatabaseSettings(
                endpoint=values["database/endpoint"],
                reader_endpoint=values["database/reader-endpoint"],
                name=values["database/name"],
                port=port,
                user=values["database/user"],
                auth=auth,  # type: ignore[arg-type]  # checked against DATABASE_AUTH_MODES above
                secret_arn=values["database/secret-arn"],
            ),
            cache_endpoint=values["cache/endpoint"],
            queue_url=values["queue/url"],
            media_bucket=values["media/bucket"],
            app_secret_arn=values["app/secret-arn"],
            table_name=values.get("table/name") or None,
            origin_secret_arn=origin_secret_arn,
        ),
        origin_secret_arn=origin_secret_arn,
    )


@dataclass(frozen=True)
class BuildInfo:
    version: str
    commit: str
    built_at: str

    def as_dict(self) -> dict[str, str]:
        return {"version": self.version, "commit": self.commit, "builtAt": self.built_at}


def build_info() -> BuildInfo:
    """What was deployed, from the variables the app layer sets."""
    return BuildInfo(
        version=os.environ.get("BUILD_VERSION") or "unknown",
        commit=os.environ.get("BUILD_COMMIT") or "unknown",
        built_at=os.environ.get("BUILD_TIME") or "unknown",
    )
