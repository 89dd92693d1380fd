"""Migrations: ordered, recorded, idempotent, safe when processes start together."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from platform_app import database, migrate

from conftest import APP_DIR, OWNER_ROLE, PlatformEnvironment


def _fresh_database(platform: PlatformEnvironment, name: str) -> None:
    platform.postgres.create_database(name, OWNER_ROLE)
    platform.publish_variant({"database/name": name})


def _recorded(platform: PlatformEnvironment, dbname: str) -> list[tuple[str, str]]:
    with platform.database(dbname) as db:
        return db.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()


def test_the_package_ships_ordered_well_named_migrations() -> None:
    migrations = migrate.discover()
    assert [migration.version for migration in migrations] == sorted(migration.version for migration in migrations)
    assert migrations[0].version == "0001" and migrations[0].name == "jobs"


def test_applying_twice_applies_once(platform: PlatformEnvironment) -> None:
    _fresh_database(platform, "migrate_twice")
    with database.connect() as conn:
        assert migrate.apply(conn) == [migration.version for migration in migrate.discover()]
        assert migrate.apply(conn) == []
        columns = {name for (name,) in conn.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'jobs'")}
    assert columns == {"id", "kind", "payload", "status", "result", "created_at", "processed_at", "attempts"}
    assert _recorded(platform, "migrate_twice") == [("0001", "jobs")]


def test_a_failing_migration_leaves_nothing_behind(platform: PlatformEnvironment, tmp_path: Path) -> None:
    _fresh_database(platform, "migrate_failing")
    (tmp_path / "0001_good.sql").write_text("CREATE TABLE first_table (id int);")
    (tmp_path / "0002_bad.sql").write_text("CREATE TABLE second_table (id int); SELECT no_such_function();")
    with database.connect() as conn:
        with pytest.raises(Exception, match="no_such_function"):
            migrate.apply(conn, migrate.discover(tmp_path))
        assert conn.execute("SELECT to_regclass('first_table'), to_regclass('schema_migrations')").fetchone() == (None, None)


def test_badly_named_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "1_jobs.sql").write_text("SELECT 1;")
    with pytest.raises(ValueError, match="NNNN_lowercase_name.sql"):
        migrate.discover(tmp_path)


def test_two_processes_migrating_at_once_apply_each_migration_once(platform: PlatformEnvironment) -> None:
    _fresh_database(platform, "migrate_concurrent")
    environment = platform.subprocess_environment()
    command = [sys.executable, "-m", "platform_app.migrate"]
    with platform.database("migrate_concurrent") as holder:
        # Holding the migration lock makes both processes arrive and wait, so they truly overlap.
        holder.execute("SELECT pg_advisory_lock(%s)", (migrate.ADVISORY_LOCK_KEY,))
        processes = [
            subprocess.Popen(command, cwd=APP_DIR, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for _ in range(2)
        ]
        try:
            deadline = time.monotonic() + 30
            while holder.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").fetchone() != (2,):
                assert time.monotonic() < deadline, "the two processes never both waited for the migration lock"
                assert all(process.poll() is None for process in processes), "a process finished without waiting for the lock"
                time.sleep(0.05)
        finally:
            holder.execute("SELECT pg_advisory_unlock(%s)", (migrate.ADVISORY_LOCK_KEY,))
        outputs = [process.communicate(timeout=60)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    assert _recorded(platform, "migrate_concurrent") == [("0001", "jobs")]
    # Exactly one of them did the work; the other got the lock next and found nothing to do.
    assert sum('"message": "applied migrations"' in output for output in outputs) == 1


def test_the_command_fails_clearly_without_configuration(platform: PlatformEnvironment) -> None:
    environment = platform.subprocess_environment(PLATFORM_PARAMETERS_PATH="/platform/nothing-here")
    completed = subprocess.run(
        [sys.executable, "-m", "platform_app.migrate"], cwd=APP_DIR, env=environment, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 2
    assert "missing: database/endpoint" in completed.stdout
