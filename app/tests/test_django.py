"""The Django example, packaged the way synthesis packages the app, through the platform's own Lambda entry point.

``PLATFORM_PACKAGED_DJANGO_DIR`` holds ``function.zip`` (``platform_app``, ``django_site``, ``notes``
and ``manage.py`` at its root) and ``layer.zip`` (the app's pins plus Django's, under ``python/``),
built by ``scripts/package-python.ts`` (``scripts/test-python.sh`` does it). Both are unpacked as Lambda
does, and migrations and requests run in child processes (Django's settings are process-wide)
whose path is exactly [task, opt/python] plus the standard library, so nothing from the test's own
environment can stand in for a file the package lacks.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import OWNER_ROLE, PlatformEnvironment
from support.events import http_event
from support.packaged import unpack_lambda

PACKAGED_DIR_VARIABLE = "PLATFORM_PACKAGED_DJANGO_DIR"

_ISOLATE = r"""
import sys
task, opt = sys.argv[1:3]
standard_library = [path for path in sys.path if path and "site-packages" not in path and "dist-packages" not in path]
sys.path[:] = [task, opt + "/python"] + standard_library
"""

_MIGRATE = _ISOLATE + r"""
import runpy
sys.argv = ["manage.py", "migrate", "--noinput"]
runpy.run_path(task + "/manage.py", run_name="__main__")
"""

_INVOKE = _ISOLATE + r"""
import json
from platform_app.lambda_api import handler
import django, platform_app
for module, root in ((django, opt + "/python"), (platform_app, task)):
    assert module.__file__.startswith(root), f"{module.__name__} came from {module.__file__}, not {root}"

class Context:
    aws_request_id = "django-invocation"

events = json.load(open(sys.argv[3]))
json.dump([handler(event, Context()) for event in events], open(sys.argv[4], "w"))
"""


@pytest.fixture(scope="module")
def django_root(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return unpack_lambda(PACKAGED_DIR_VARIABLE, tmp_path_factory.mktemp("django-lambda"))


@pytest.fixture
def django_environment(platform: PlatformEnvironment, django_root: tuple[Path, Path]) -> dict[str, str]:
    platform.postgres.create_database("django_notes", OWNER_ROLE)
    platform.publish_variant({"database/name": "django_notes"})
    task, _ = django_root
    return platform.subprocess_environment(
        LAMBDA_TASK_ROOT=str(task),
        PLATFORM_ASGI_APP="django_site.asgi:application",
        DJANGO_SETTINGS_MODULE="django_site.settings",
        MAX_REQUEST_BODY_BYTES="4096",
    )


def _run(script: str, django_root: tuple[Path, Path], environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    task, opt = django_root
    return subprocess.run(
        [sys.executable, "-I", "-S", "-c", script, str(task), str(opt), *arguments],
        cwd=task,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _invoke(django_root: tuple[Path, Path], environment: dict[str, str], events: list[dict[str, Any]], tmp_path: Path) -> list[dict[str, Any]]:
    events_file, results_file = tmp_path / "events.json", tmp_path / "results.json"
    events_file.write_text(json.dumps(events))
    completed = _run(_INVOKE, django_root, environment, str(events_file), str(results_file))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return json.loads(results_file.read_text())


def test_django_migrates_and_serves_notes_through_the_lambda_handler(
    platform: PlatformEnvironment, django_root: tuple[Path, Path], django_environment: dict[str, str], tmp_path: Path
) -> None:
    migrated = _run(_MIGRATE, django_root, django_environment)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    with platform.database("django_notes") as db:
        assert db.execute("SELECT count(*) FROM django_migrations WHERE app = 'notes' AND name = '0001_initial'").fetchone() == (1,)
        # Django connected as the secret's user, over TLS (the server refuses anything else).
        assert db.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'notes_note'").fetchone() == (OWNER_ROLE,)

    json_headers = {"content-type": "application/json"}
    created, listed, invalid, health, missing, too_large = _invoke(
        django_root,
        django_environment,
        [
            http_event("POST", "/api/notes/", body=json.dumps({"text": "  hello from Django  "}), headers=json_headers),
            http_event("GET", "/api/notes/"),
            http_event("POST", "/api/notes/", body=json.dumps({"text": ""}), headers=json_headers),
            http_event("GET", "/health"),
            http_event("GET", "/api/nothing"),
            http_event("POST", "/api/notes/", body=json.dumps({"text": "x" * 5000}), headers=json_headers),
        ],
        tmp_path,
    )

    assert created["statusCode"] == 201, created
    note = json.loads(created["body"])
    assert note["text"] == "hello from Django"
    assert listed["statusCode"] == 200
    assert json.loads(listed["body"])["notes"] == [note]
    assert invalid["statusCode"] == 400 and json.loads(invalid["body"])["error"] == "invalid_note"
    assert health["statusCode"] == 200, health
    assert json.loads(health["body"])["checks"] == {"parameters": "ok", "database": "ok", "cache": "ok"}
    assert missing["statusCode"] == 404 and json.loads(missing["body"])["error"] == "not_found"
    assert too_large["statusCode"] == 413 and json.loads(too_large["body"])["error"] == "payload_too_large"
    assert created["headers"]["x-request-id"] == "api-POST-/api/notes/"
    with platform.database("django_notes") as db:
        assert db.execute("SELECT text FROM notes_note").fetchall() == [("hello from Django",)]
