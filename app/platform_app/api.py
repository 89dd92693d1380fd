"""The HTTP API (FastAPI): health, a greeting, and jobs that the worker finishes.

Every answer is JSON and ``cache-control: no-store`` (personal to the request: CloudFront and
browsers must not keep it); errors are ``{"error": code, "message": sentence}``, a stable code for
programs and a sentence for people, never a stack trace. Routes that touch the database or the cache
are plain ``def`` functions: Starlette runs them in its thread pool, where blocking I/O belongs.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any

import psycopg
from botocore.exceptions import BotoCoreError, ClientError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from redis.exceptions import RedisError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from . import cache, database, health, jobs
from .config import ConfigurationError, load_config, require_config

log = logging.getLogger(__name__)

_JSON_CONTENT_TYPE = re.compile(r"^application/json\b", re.IGNORECASE)
_NAME_PUNCTUATION = frozenset(" .'-")
_NO_STORE = {"cache-control": "no-store"}


def respond(status: int, body: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={**_NO_STORE, **(headers or {})}, media_type="application/json; charset=utf-8")


def problem(status: int, error: str, message: str, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    return respond(status, {"error": error, "message": message, **extra}, headers)


class _TrailingSlashes:
    """``/api/hello/`` is ``/api/hello``, as in the API's other implementations, without a redirect."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and len(path) > 1 and path.endswith("/"):
            scope = {**scope, "path": path.rstrip("/") or "/"}
        await self.app(scope, receive, send)


app = FastAPI(title="platform app", docs_url=None, redoc_url=None, openapi_url=None, redirect_slashes=False)
app.add_middleware(_TrailingSlashes)


@app.exception_handler(StarletteHTTPException)
async def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    if error.status_code == 404:
        return problem(404, "not_found", f"no route for {request.method} {request.url.path}")
    if error.status_code == 405:
        allow = (error.headers or {}).get("Allow", "")
        return problem(405, "method_not_allowed", f"{request.url.path} accepts {allow}", headers={"allow": allow})
    if error.status_code == 413:
        return problem(413, "payload_too_large", str(error.detail), headers={"connection": "close"})
    return problem(error.status_code, "http_error", str(error.detail))


@app.exception_handler(RequestValidationError)
async def _invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
    problems = [f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}" for item in error.errors()][:10]
    return problem(400, "invalid_request", "the request is not valid", problems=problems)


def _health() -> JSONResponse:
    status, body = health.report()
    return respond(status, body)


# `/health` on the API itself; `/api/health` is the same check through CloudFront's `/api/*` behaviour.
app.add_api_route("/health", _health, methods=["GET"])
app.add_api_route("/api/health", _health, methods=["GET"])


def _valid_name(name: str) -> bool:
    return 1 <= len(name) <= 64 and all(char.isalpha() or char.isnumeric() or char in _NAME_PUNCTUATION for char in name)


@app.get("/api/hello")
def hello(name: str = "world") -> JSONResponse:
    name = name.strip()
    if not _valid_name(name):
        return problem(400, "invalid_name", "name must be 1-64 letters, digits, spaces, dots, apostrophes or hyphens")
    return respond(200, {"message": f"Hello, {name}!"})


@app.post("/api/jobs")
async def create_job(request: Request) -> JSONResponse:
    if not _JSON_CONTENT_TYPE.match(request.headers.get("content-type", "")):
        return problem(415, "unsupported_media_type", "send the job as application/json")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > jobs.MAX_JOB_BYTES:
            return problem(413, "payload_too_large", f"a job is at most {jobs.MAX_JOB_BYTES} bytes", headers={"connection": "close"})
    parsed = jobs.parse_job_request(bytes(body))
    if isinstance(parsed, list):
        return problem(400, "invalid_job", "the job is not valid", problems=parsed)
    return await run_in_threadpool(_enqueue, parsed)


def _enqueue(job: jobs.JobRequest) -> JSONResponse:
    status = load_config()
    if status.config is None:
        log.error("cannot enqueue: the configuration is incomplete", extra={"parameters": status.describe()})
        return problem(503, "unavailable", "the service is not configured yet; try again later")
    message = jobs.JobMessage(id=uuid.uuid4(), kind=job.kind, payload=job.payload)
    try:
        with database.connection() as conn:
            jobs.insert(conn, [message])
    except psycopg.Error:
        log.exception("could not record the job", extra={"kind": job.kind})
        return problem(503, "database_unavailable", "the job could not be recorded; try again later")
    try:
        message_id = jobs.send(status.config.queue_url, message)
    except (BotoCoreError, ClientError, RuntimeError):
        log.exception("could not enqueue the job", extra={"kind": job.kind, "jobId": str(message.id)})
        _mark_failed(message.id, "not_enqueued")
        return problem(503, "queue_unavailable", "the job could not be queued; try again later")
    log.info("job enqueued", extra={"kind": job.kind, "jobId": str(message.id), "messageId": message_id})
    return respond(202, {"id": str(message.id), "messageId": message_id}, headers={"location": f"/api/jobs/{message.id}"})


def _mark_failed(job_id: uuid.UUID, reason: str) -> None:
    try:
        with database.connection() as conn:
            jobs.mark_failed(conn, [job_id], reason)
    except psycopg.Error:
        log.exception("could not mark the job failed; it stays queued without a message", extra={"jobId": str(job_id)})


@app.get("/api/jobs/{job_id}")
def get_job(job_id: str) -> JSONResponse:
    try:
        parsed_id = uuid.UUID(job_id)
    except ValueError:
        return problem(404, "not_found", "no such job")
    try:
        require_config()
    except ConfigurationError as error:
        log.error("cannot read jobs: the configuration is incomplete", extra={"parameters": error.status.describe()})
        return problem(503, "unavailable", "the service is not configured yet; try again later")

    key = jobs.cache_key(parsed_id)
    cached = _cache_get(key)
    if cached is not None:
        return respond(200, json.loads(cached), headers={"x-cache": "hit"})
    try:
        with database.connection() as conn:
            job = jobs.fetch(conn, parsed_id)
    except psycopg.Error:
        log.exception("could not read the job", extra={"jobId": str(parsed_id)})
        return problem(503, "database_unavailable", "the job could not be read; try again later")
    if job is None:
        return problem(404, "not_found", "no such job")
    _cache_set(key, json.dumps(job, separators=(",", ":")))
    return respond(200, job, headers={"x-cache": "miss"})


def _cache_get(key: str) -> str | None:
    try:
        value = cache.client().get(key)
    except RedisError as error:
        log.warning("cache read failed; reading the database", extra={"errorName": type(error).__name__})
        return None
    return value if isinstance(value, str) else None


def _cache_set(key: str, value: str) -> None:
    try:
        cache.client().set(key, value, ex=jobs.CACHE_TTL_SECONDS)
    except RedisError as error:
        log.warning("cache write failed", extra={"errorName": type(error).__name__})
