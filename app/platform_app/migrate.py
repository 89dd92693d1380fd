"""Schema migrations: ``platform_app/migrations/NNNN_name.sql``, applied in order, each once.

All pending files are applied in one transaction under a transaction-scoped advisory lock, so
processes starting together (a burst of Lambda cold starts, ECS tasks of a deploy) serialise: the
first applies, the others then find nothing left to do. ``schema_migrations`` records each version
with a checksum of its file; an applied file that changed afterwards is reported, never re-applied.

Runs on a process's first database use and as ``python -m platform_app.migrate`` (exit 0 when the
schema is current, 1 when it could not be migrated, 2 when the configuration is incomplete).
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any constant shared by every process of the app; this one spells "platform".
ADVISORY_LOCK_KEY = 0x706C6174666F726D
_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

log = logging.getLogger("platform_app.migrate")


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if not match:
            raise ValueError(f"migration file {path.name} is not named NNNN_lowercase_name.sql")
        migrations.append(Migration(version=match.group(1), name=match.group(2), sql=path.read_text(encoding="utf-8")))
    versions = [migration.version for migration in migrations]
    duplicates = sorted({version for version in versions if versions.count(version) > 1})
    if duplicates:
        raise ValueError(f"several migration files share version {', '.join(duplicates)}")
    return migrations


def apply(conn: psycopg.Connection, migrations: list[Migration] | None = None) -> list[str]:
    """Applies what is pending; returns the versions applied by this call."""
    pending_source = discover() if migrations is None else migrations
    applied_now: list[str] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_LOCK_KEY,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version text PRIMARY KEY,"
            " name text NOT NULL,"
            " checksum text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        recorded: dict[str, str] = dict(conn.execute("SELECT version, checksum FROM schema_migrations").fetchall())
        for migration in pending_source:
            known = recorded.get(migration.version)
            if known is not None:
                if known != migration.checksum:
                    log.warning(
                        "an applied migration's file has changed since; it is not applied again",
                        extra={"version": migration.version, "migration": migration.name},
                    )
                continue
            conn.execute(migration.sql.encode())
            conn.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                (migration.version, migration.name, migration.checksum),
            )
            applied_now.append(migration.version)
    if applied_now:
        log.info("applied migrations", extra={"versions": applied_now})
    return applied_now


def main() -> int:
    from .config import ConfigurationError, require_config
    from .database import connect
    from .logs import configure_logging

    configure_logging()
    try:
        config = require_config()
    except ConfigurationError as error:
        log.error("cannot migrate: the configuration is incomplete", extra={"parameters": error.status.describe()})
        return 2
    try:
        with connect(config) as conn:
            applied = apply(conn)
    except (psycopg.Error, ValueError):
        log.exception("migration failed")
        return 1
    log.info("the schema is current", extra={"appliedNow": applied, "known": [migration.version for migration in discover()]})
    return 0


if __name__ == "__main__":
    sys.exit(main())
