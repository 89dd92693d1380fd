"""Real PostgreSQL and Redis servers for the suite, on free loopback ports, TLS only.

Binaries: ``PLATFORM_POSTGRES_BIN_DIR`` (initdb, pg_ctl, postgres) and ``PLATFORM_REDIS_SERVER``
(set by ``bash scripts/toolchain.sh servers``), else PATH, else ``/usr/lib/postgresql/*/bin``.
PostgreSQL refuses to run as root, so under root its processes run as ``nobody``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from .pki import TestPki

INSTALL_HINT = "install them with: bash scripts/toolchain.sh servers"
SUPERUSER = "postgres"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(process: subprocess.Popen[str], port: int, seconds: float = 30) -> None:
    """Returns once ``process`` accepts connections on ``port``; fails, with its output, if it exits or never listens."""
    deadline = time.monotonic() + seconds
    while True:
        assert process.poll() is None, f"the server exited early: {process.stdout.read() if process.stdout else ''}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            assert time.monotonic() < deadline, "the server never listened"
            time.sleep(0.05)


def _version_key(path: str) -> tuple[int, ...]:
    digits = Path(path).parent.name
    return tuple(int(part) for part in digits.split(".") if part.isdigit())


def postgres_bin_dir() -> Path:
    configured = os.environ.get("PLATFORM_POSTGRES_BIN_DIR")
    if configured:
        directory = Path(configured)
        if not (directory / "initdb").is_file():
            raise RuntimeError(f"PLATFORM_POSTGRES_BIN_DIR={configured} holds no initdb; {INSTALL_HINT}")
        return directory
    on_path = shutil.which("initdb")
    if on_path:
        directory = Path(os.path.realpath(on_path)).parent
        if (directory / "pg_ctl").is_file() and (directory / "postgres").is_file():
            return directory
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if candidates:
        return Path(candidates[-1]).parent
    raise RuntimeError(
        "PostgreSQL (initdb, pg_ctl, postgres) was not found in PLATFORM_POSTGRES_BIN_DIR, PATH or /usr/lib/postgresql/*/bin; "
        + INSTALL_HINT
    )


def redis_server_binary() -> Path:
    configured = os.environ.get("PLATFORM_REDIS_SERVER")
    if configured:
        if not os.access(configured, os.X_OK):
            raise RuntimeError(f"PLATFORM_REDIS_SERVER={configured} is not an executable; {INSTALL_HINT}")
        return Path(configured)
    on_path = shutil.which("redis-server")
    if on_path:
        return Path(on_path)
    raise RuntimeError(f"redis-server was not found in PLATFORM_REDIS_SERVER or PATH; {INSTALL_HINT}")


@dataclass(frozen=True)
class _RunAs:
    """Who runs PostgreSQL: ourselves, or nobody when we are root."""

    uid: int | None
    gid: int | None

    @classmethod
    def for_postgres(cls) -> _RunAs:
        if os.geteuid() != 0:
            return cls(None, None)
        nobody = pwd.getpwnam("nobody")
        return cls(nobody.pw_uid, nobody.pw_gid)

    def popen_options(self) -> dict[str, Any]:
        if self.uid is None:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}

    def own(self, path: Path) -> None:
        if self.uid is not None:
            os.chown(path, self.uid, self.gid)


class PostgresServer:
    """``initdb`` into a fresh directory, TLS on, ``hostnossl`` rejected.

    Roles: ``postgres`` (the fixture's own, through the Unix socket only), ``app_owner`` (password
    auth, the app's ``secret`` path) and ``app_iam`` (the app's ``iam`` path).
    """

    host = "127.0.0.1"

    def __init__(self, root: Path, pki: TestPki) -> None:
        self.bin_dir = postgres_bin_dir()
        self.root = root
        self.data = root / "data"
        self.log_file = root / "postgres.log"
        self.pki = pki
        self.port = free_port()
        self.run_as = _RunAs.for_postgres()

    def _run(self, *arguments: str) -> None:
        completed = subprocess.run(
            [str(self.bin_dir / arguments[0]), *arguments[1:]],
            cwd=self.root,
            capture_output=True,
            text=True,
            env={**os.environ, "LC_ALL": "C"},
            **self.run_as.popen_options(),
        )
        if completed.returncode != 0:
            log_tail = self.log_file.read_text(errors="replace")[-3000:] if self.log_file.exists() else ""
            raise RuntimeError(f"{arguments[0]} failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}\n{log_tail}")

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o700)
        self.run_as.own(self.root)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync")

        certificate, key = self.data / "server.crt", self.data / "server.key"
        shutil.copyfile(self.pki.server_certificate, certificate)
        shutil.copyfile(self.pki.server_key, key)
        key.chmod(0o600)
        for path in (certificate, key):
            self.run_as.own(path)

        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n".join(
                    [
                        "",
                        f"listen_addresses = '{self.host}'",
                        f"port = {self.port}",
                        f"unix_socket_directories = '{self.data}'",
                        "ssl = on",
                        "ssl_cert_file = 'server.crt'",
                        "ssl_key_file = 'server.key'",
                        "password_encryption = 'scram-sha-256'",
                        "max_connections = 60",
                        # Throwaway data: durability only costs time here.
                        "fsync = off",
                        "synchronous_commit = off",
                        "full_page_writes = off",
                        "",
                    ]
                )
            )
        (self.data / "pg_hba.conf").write_text(
            "\n".join(
                [
                    "# The fixture's own superuser, through the Unix socket in the private data directory.",
                    f"local     all  {SUPERUSER}  trust",
                    "# app_iam stands for the app's IAM-auth path. PostgreSQL cannot validate an RDS IAM token,",
                    "# so this user is let in without a password check, but only over TLS; the tests prove",
                    "# separately that the token is generated for this host, port and user and handed to libpq",
                    "# as the password.",
                    f"hostssl   all  app_iam    {self.host}/32  trust",
                    f"hostssl   all  all        {self.host}/32  scram-sha-256",
                    "# Plain TCP is refused outright, as RDS does with rds.force_ssl.",
                    "hostnossl all  all        0.0.0.0/0     reject",
                    "",
                ]
            )
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log_file), "-w", "-t", "30", "-o", "-c logging_collector=off", "start")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def admin(self, dbname: str = "postgres") -> psycopg.Connection:
        """A superuser connection through the Unix socket (autocommit)."""
        return psycopg.connect(host=str(self.data), port=self.port, user=SUPERUSER, dbname=dbname, autocommit=True)

    def create_role(self, name: str, password: str | None = None) -> None:
        with self.admin() as conn:
            if password is None:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
            else:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(name), sql.Literal(password)))

    def set_password(self, role: str, password: str) -> None:
        with self.admin() as conn:
            conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))

    def create_database(self, name: str, owner: str) -> None:
        with self.admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier(owner)))


class RedisServer:
    """redis-server with TLS only (``--port 0``); clients are not asked for certificates."""

    host = "127.0.0.1"

    def __init__(self, root: Path, pki: TestPki) -> None:
        self.binary = redis_server_binary()
        self.root = root
        self.pki = pki
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log_file = root / "redis.log"

    def start(self, timeout: float = 15.0) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        arguments = [
            str(self.binary),
            "--bind", self.host,
            "--port", "0",
            "--tls-port", str(self.port),
            "--tls-cert-file", str(self.pki.server_certificate),
            "--tls-key-file", str(self.pki.server_key),
            "--tls-ca-cert-file", str(self.pki.ca_certificate),
            "--tls-auth-clients", "no",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(self.root),
            "--logfile", str(self.log_file),
        ]  # fmt: skip
        self.process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        context = ssl.create_default_context(cafile=str(self.pki.ca_certificate))
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                stderr = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                log = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
                raise RuntimeError(f"redis-server exited with {self.process.returncode} (is it built with TLS?):\n{stderr}\n{log[-3000:]}")
            try:
                with (
                    socket.create_connection((self.host, self.port), timeout=1) as raw,
                    context.wrap_socket(raw, server_hostname=self.host) as tls,
                ):
                    tls.sendall(b"PING\r\n")
                    if tls.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not answer on {self.host}:{self.port} within {timeout} s")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
