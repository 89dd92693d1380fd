"""PostgreSQL connections (psycopg 3): always TLS, authenticated by IAM token or by the RDS-managed secret.

TLS root certificate, first match wins:

1. ``PLATFORM_DB_SSLROOTCERT`` (tests: a throwaway CA);
2. auth ``iam``, or an RDS Proxy endpoint (``*.proxy-*``): the proxy presents a certificate from a
   public Amazon CA, which certifi's bundle holds;
3. ``platform_app/certs/rds-global-bundle.pem`` when a team has added RDS's CA bundle (direct Aurora
   presents a certificate from RDS's own CA, which no public bundle holds);
4. otherwise ``sslmode=require``: still encrypted (the cluster enforces ``rds.force_ssl``) but the
   server is not authenticated, so a warning names the file to add, once per process.

Auth ``iam``: a fresh token per connection (tokens live 15 minutes; a connection lives longer).
Auth ``secret``: username and password from the secret, cached; an authentication failure reads the
secret again once, since RDS rotates it.

Lambda handles one request at a time per execution environment, so it keeps one connection; ECS
serves requests from a thread pool and keeps a few. Either way a connection that broke, or sat idle
long enough for a proxy or a frozen execution environment to lose it, is replaced before use.
Migrations run on the first connection a process opens.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import certifi
import psycopg
from botocore.exceptions import BotoCoreError, ClientError
from psycopg import pq

from . import aws
from .config import DatabaseSettings, PlatformConfig, require_config
from .secret_store import SecretFormatError, read_json_secret

DB_ROOT_CERT_VARIABLE = "PLATFORM_DB_SSLROOTCERT"
BUNDLED_RDS_CA = Path(__file__).resolve().parent / "certs" / "rds-global-bundle.pem"
# Long enough for Aurora Serverless to answer while it scales, short enough to fail within a request.
CONNECT_TIMEOUT_SECONDS = 5
# An idle connection older than this is pinged before use: RDS Proxy and NAT drop idle ones, and a
# Lambda environment thawed after minutes may hold a socket the server already closed.
IDLE_CHECK_SECONDS = 10.0
ACQUIRE_TIMEOUT_SECONDS = 10.0
LAMBDA_POOL_SIZE = 1
SERVER_POOL_SIZE = 5
APPLICATION_NAME = "platform-app"

log = logging.getLogger(__name__)

_warned_unverified = False
_warn_lock = threading.Lock()


class PoolExhausted(psycopg.OperationalError):
    """Every connection stayed busy for the whole acquire timeout."""


def is_rds_proxy_host(host: str) -> bool:
    return ".proxy-" in host


def tls_parameters(database: DatabaseSettings, host: str) -> dict[str, str]:
    override = os.environ.get(DB_ROOT_CERT_VARIABLE)
    if override:
        return {"sslmode": "verify-full", "sslrootcert": override}
    if database.auth == "iam" or is_rds_proxy_host(host):
        return {"sslmode": "verify-full", "sslrootcert": certifi.where()}
    if BUNDLED_RDS_CA.is_file():
        return {"sslmode": "verify-full", "sslrootcert": str(BUNDLED_RDS_CA)}
    _warn_unverified_once()
    return {"sslmode": "require"}


def _warn_unverified_once() -> None:
    global _warned_unverified
    with _warn_lock:
        if _warned_unverified:
            return
        _warned_unverified = True
    log.warning(
        "the database's certificate is not verified: encrypted, but the server is not authenticated",
        extra={"fix": f"add RDS's CA bundle as {BUNDLED_RDS_CA.relative_to(BUNDLED_RDS_CA.parents[2])}"},
    )


def credentials(database: DatabaseSettings, host: str, *, refresh_secret: bool = False) -> tuple[str, str]:
    if database.auth == "iam":
        token = aws.client("rds").generate_db_auth_token(DBHostname=host, Port=database.port, DBUsername=database.user, Region=aws.region())
        return database.user, token
    secret = read_json_secret(database.secret_arn, refresh=refresh_secret)
    username, password = secret.get("username") or database.user, secret.get("password")
    if not isinstance(password, str) or not password:
        raise psycopg.OperationalError("the database secret has no password")
    return str(username), password


def connection_kwargs(config: PlatformConfig, host: str | None = None, *, refresh_secret: bool = False) -> dict[str, Any]:
    """Everything ``psycopg.connect`` needs, credentials fresh (a new IAM token each call); raises
    ``psycopg.OperationalError`` when the credentials cannot be obtained."""
    database = config.database
    target = host or database.endpoint
    try:
        user, password = credentials(database, target, refresh_secret=refresh_secret)
    except (BotoCoreError, ClientError, SecretFormatError) as error:
        # Credentials that cannot be had (no IAM credentials, an unreadable secret) leave the
        # database as unavailable as a refused connection does: callers handle one kind of error.
        name = error.response["Error"].get("Code", "ClientError") if isinstance(error, ClientError) else type(error).__name__
        raise psycopg.OperationalError(f"could not obtain the database credentials: {name}") from error
    return {
        "host": target,
        "port": database.port,
        "dbname": database.name,
        "user": user,
        "password": password,
        "connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "application_name": APPLICATION_NAME,
        **tls_parameters(database, target),
    }


def is_authentication_failure(error: psycopg.Error) -> bool:
    # Connection-time errors carry no SQLSTATE in libpq; the server's message is the signal.
    return error.sqlstate in ("28P01", "28000") or "password authentication failed" in str(error)


def connect(config: PlatformConfig | None = None, *, host: str | None = None) -> psycopg.Connection:
    """A new autocommit connection (callers group statements with ``conn.transaction()``)."""
    config = config or require_config()
    try:
        return psycopg.connect(**connection_kwargs(config, host), autocommit=True)
    except psycopg.OperationalError as error:
        if config.database.auth != "secret" or not is_authentication_failure(error):
            raise
    log.warning("database authentication failed; reading its secret again in case it rotated")
    return psycopg.connect(**connection_kwargs(config, host, refresh_secret=True), autocommit=True)


class ConnectionPool:
    """At most ``max_size`` connections, reused most-recently-used first."""

    def __init__(self, open_connection: Callable[[], psycopg.Connection], max_size: int) -> None:
        self._open = open_connection
        self._slots = threading.BoundedSemaphore(max_size)
        self._idle: list[tuple[psycopg.Connection, float]] = []
        self._lock = threading.Lock()
        self._closed = False

    @contextmanager
    def connection(self, timeout: float = ACQUIRE_TIMEOUT_SECONDS) -> Iterator[psycopg.Connection]:
        if not self._slots.acquire(timeout=timeout):
            raise PoolExhausted(f"no database connection became free within {timeout:g} s")
        conn: psycopg.Connection | None = None
        try:
            conn = self._checkout()
            yield conn
        finally:
            try:
                if conn is not None:
                    self._checkin(conn)
            finally:
                self._slots.release()

    def _checkout(self) -> psycopg.Connection:
        while True:
            with self._lock:
                if not self._idle:
                    break
                conn, idle_since = self._idle.pop()
            if conn.closed or conn.broken:
                continue
            if time.monotonic() - idle_since < IDLE_CHECK_SECONDS:
                return conn
            try:
                conn.execute("SELECT 1")
                return conn
            except psycopg.Error:
                log.info("replacing a database connection that was lost while idle")
                conn.close()
        return self._open()

    def _checkin(self, conn: psycopg.Connection) -> None:
        if conn.closed or conn.broken:
            return
        if conn.info.transaction_status != pq.TransactionStatus.IDLE:
            # A caller left a transaction open (an exception mid-block): never hand that state on.
            try:
                conn.rollback()
            except psycopg.Error:
                conn.close()
                return
        with self._lock:
            if self._closed:
                conn.close()
            else:
                self._idle.append((conn, time.monotonic()))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn, _ in idle:
            conn.close()


_pool: ConnectionPool | None = None
_pool_lock = threading.Lock()
_migrated_targets: set[tuple[str, int, str]] = set()
_migration_lock = threading.Lock()


def _pool_size() -> int:
    return LAMBDA_POOL_SIZE if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") else SERVER_POOL_SIZE


def _open_migrated(config: PlatformConfig) -> psycopg.Connection:
    conn = connect(config)
    try:
        ensure_migrated(conn, config)
    except BaseException:
        conn.close()
        raise
    return conn


def ensure_migrated(conn: psycopg.Connection, config: PlatformConfig) -> None:
    """Applies pending migrations once per process and database."""
    from . import migrate

    target = (config.database.endpoint, config.database.port, config.database.name)
    with _migration_lock:
        if target in _migrated_targets:
            return
        migrate.apply(conn)
        _migrated_targets.add(target)


def pool() -> ConnectionPool:
    global _pool
    config = require_config()
    with _pool_lock:
        if _pool is None:
            _pool = ConnectionPool(lambda: _open_migrated(config), _pool_size())
        return _pool


@contextmanager
def connection() -> Iterator[psycopg.Connection]:
    """A connection from the process's pool (migrated); raises ConfigurationError or psycopg errors."""
    with pool().connection() as conn:
        yield conn


def reset() -> None:
    """Closes the process's connections and forgets what was migrated (tests; a server shutting down)."""
    global _pool
    with _pool_lock:
        old, _pool = _pool, None
    if old is not None:
        old.close()
    with _migration_lock:
        _migrated_targets.clear()
