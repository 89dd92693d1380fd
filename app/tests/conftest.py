"""Session-wide real servers (PostgreSQL and Redis with TLS, moto as AWS) and, per test, a fresh
platform environment: its own parameter path and queue, and the app's process state reset as a
cold start would."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis

from platform_app import aws as app_aws
from platform_app import lifecycle

from support.aws import AWS_ENVIRONMENT, AWS_VARIABLES_TO_CLEAR, Moto, publish_parameters, put_json_secret, receive_all
from support.events import ORIGIN_VERIFY_VALUE
from support.pki import TestPki, create_pki
from support.servers import PostgresServer, RedisServer

APP_DIR = Path(__file__).resolve().parents[1]

OWNER_ROLE, OWNER_PASSWORD = "app_owner", "owner-password-1f6c"
IAM_ROLE = "app_iam"
APP_DATABASE, IAM_DATABASE = "app", "app_iam"
APP_SECRET_KEY = "test-signing-key-9d2e7b"


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return create_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def postgres(pki: TestPki) -> Iterator[PostgresServer]:
    # Not under pytest's own tmp directory: that is private to us, and under root the server runs
    # as nobody, which must reach its data directory.
    root = Path(tempfile.mkdtemp(prefix="platform-pg-"))
    root.chmod(0o755)
    server = PostgresServer(root / "cluster", pki)
    try:
        server.start()
        server.create_role(OWNER_ROLE, OWNER_PASSWORD)
        server.create_role(IAM_ROLE)
        server.create_database(APP_DATABASE, OWNER_ROLE)
        server.create_database(IAM_DATABASE, IAM_ROLE)
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_server(pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"), pki)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def moto() -> Iterator[Moto]:
    server = Moto()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Session:
    pki: TestPki
    postgres: PostgresServer
    redis: RedisServer
    moto: Moto
    db_secret_arn: str
    app_secret_arn: str
    origin_secret_arn: str


@pytest.fixture(scope="session")
def session(pki: TestPki, postgres: PostgresServer, redis_server: RedisServer, moto: Moto) -> Iterator[Session]:
    with pytest.MonkeyPatch.context() as patch:
        for name in AWS_VARIABLES_TO_CLEAR:
            patch.delenv(name, raising=False)
        for name, value in AWS_ENVIRONMENT.items():
            patch.setenv(name, value)
        patch.setenv("AWS_ENDPOINT_URL", moto.endpoint)
        patch.setenv("PLATFORM_DB_SSLROOTCERT", str(pki.ca_certificate))
        patch.setenv("PLATFORM_CACHE_SSLROOTCERT", str(pki.ca_certificate))
        for name in (
            "BUILD_VERSION",
            "BUILD_COMMIT",
            "BUILD_TIME",
            "MAX_REQUEST_BODY_BYTES",
            "PLATFORM_ASGI_APP",
            "PRODUCER_BATCH_SIZE",
            "AWS_LAMBDA_FUNCTION_NAME",
        ):
            patch.delenv(name, raising=False)
        app_aws.reset()
        yield Session(
            pki=pki,
            postgres=postgres,
            redis=redis_server,
            moto=moto,
            db_secret_arn=put_json_secret(moto, "platform-test-db", {"username": OWNER_ROLE, "password": OWNER_PASSWORD}),
            app_secret_arn=put_json_secret(moto, "platform-test-app", {"SECRET_KEY": APP_SECRET_KEY}),
            # Plain text, as the rotation function writes it: the header value CloudFront adds.
            origin_secret_arn=moto.client("secretsmanager").create_secret(Name="platform-test/origin-verify", SecretString=ORIGIN_VERIFY_VALUE)["ARN"],
        )
        app_aws.reset()


_numbers = itertools.count(1)


@dataclass
class PlatformEnvironment:
    """One test's environment: what the infrastructure would have published for it."""

    session: Session
    path: str
    queue_url: str
    queue_arn: str
    parameters: dict[str, str]
    patch: pytest.MonkeyPatch
    _extra_paths: list[str] = field(default_factory=list)

    @property
    def moto(self) -> Moto:
        return self.session.moto

    @property
    def postgres(self) -> PostgresServer:
        return self.session.postgres

    def publish_variant(self, overrides: dict[str, str] | None = None, *, leave_out: tuple[str, ...] = (), activate: bool = True) -> str:
        """Publishes this environment's parameters again under a new path, changed; returns the path."""
        path = f"{self.path}-variant{len(self._extra_paths) + 1}"
        self._extra_paths.append(path)
        publish_parameters(self.moto, path, {**self.parameters, **(overrides or {})}, leave_out=leave_out)
        if activate:
            self.activate(path)
        return path

    def activate(self, path: str) -> None:
        """Points the app at another parameter path, as a new deployment would (a cold start)."""
        self.patch.setenv("PLATFORM_PARAMETERS_PATH", path)
        lifecycle.reset_process_state()

    def database(self, dbname: str = APP_DATABASE) -> psycopg.Connection:
        """The test's own superuser connection to look behind the app's back."""
        return self.postgres.admin(dbname)

    def redis(self) -> redis.Redis:
        return redis.Redis(
            host=self.session.redis.host,
            port=self.session.redis.port,
            ssl=True,
            ssl_ca_certs=str(self.session.pki.ca_certificate),
            decode_responses=True,
        )

    def received(self) -> list[dict[str, Any]]:
        return receive_all(self.moto, self.queue_url)

    def subprocess_environment(self, **extra: str) -> dict[str, str]:
        """The test process's environment (moto, certificates, this parameter path) for a child process."""
        return {**os.environ, **extra}


@pytest.fixture
def platform(session: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[PlatformEnvironment]:
    number = next(_numbers)
    sqs = session.moto.client("sqs")
    queue_url = sqs.create_queue(QueueName=f"platform-t{number}-work")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    parameters = {
        "database/endpoint": session.postgres.host,
        "database/reader-endpoint": session.postgres.host,
        "database/name": APP_DATABASE,
        "database/port": str(session.postgres.port),
        "database/user": OWNER_ROLE,
        "database/auth": "secret",
        "database/secret-arn": session.db_secret_arn,
        "cache/endpoint": f"{session.redis.host}:{session.redis.port}",
        "queue/url": queue_url,
        "media/bucket": "platform-test-media",
        "app/secret-arn": session.app_secret_arn,
        "edge/origin-secret-arn": session.origin_secret_arn,
    }
    path = f"/platform/t{number}"
    publish_parameters(session.moto, path, parameters)
    monkeypatch.setenv("PLATFORM_PARAMETERS_PATH", path)
    lifecycle.reset_process_state()
    try:
        yield PlatformEnvironment(
            session=session, path=path, queue_url=queue_url, queue_arn=queue_arn, parameters=parameters, patch=monkeypatch
        )
    finally:
        lifecycle.reset_process_state()
