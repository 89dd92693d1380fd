"""The packaged artifacts, run the way Lambda runs them.

``PLATFORM_PACKAGED_DIR`` holds ``function.zip`` (the app's code: ``platform_app/`` at its root) and
``layer.zip`` (the dependencies under ``python/``, built for this machine). They are unpacked as
Lambda does (the function into a task directory, the layer into an opt directory) and the handlers
run in an isolated interpreter whose path is exactly [task, opt/python] plus the standard library:
nothing from the test's own environment can stand in for a missing file.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from platform_app import database

from conftest import PlatformEnvironment
from support.aws import sqs_event
from support.events import ORIGIN_VERIFY_HEADER, ORIGIN_VERIFY_VALUE, http_event
from support.packaged import unpack_lambda
from support.servers import free_port, wait_for_port

PACKAGED_DIR_VARIABLE = "PLATFORM_PACKAGED_DIR"

_RUNNER = r"""
import json, sys
task, opt, entry, event_file, result_file = sys.argv[1:6]
standard_library = [path for path in sys.path if path and "site-packages" not in path and "dist-packages" not in path]
sys.path[:] = [task, opt + "/python"] + standard_library

class Context:
    aws_request_id = "packaged-invocation"
    function_name = "platform-packaged"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:platform-packaged"
    def get_remaining_time_in_millis(self):
        return 10000

module = __import__("platform_app." + entry, fromlist=["handler"])
with open(event_file) as source:
    result = module.handler(json.load(source), Context())

import boto3, fastapi, mangum, platform_app, psycopg, pydantic_core, redis
origins = {module.__name__: module.__file__ for module in (platform_app, fastapi, psycopg, pydantic_core, redis, mangum, boto3)}
with open(result_file, "w") as target:
    json.dump({"result": result, "origins": origins, "psycopg": psycopg.pq.__impl__}, target)
"""


@pytest.fixture(scope="module")
def lambda_root(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return unpack_lambda(PACKAGED_DIR_VARIABLE, tmp_path_factory.mktemp("lambda"))


def _invoke(
    platform: PlatformEnvironment, lambda_root: tuple[Path, Path], entry: str, event: dict[str, Any], tmp_path: Path
) -> dict[str, Any]:
    task, opt = lambda_root
    event_file, result_file = tmp_path / f"{entry}-event.json", tmp_path / f"{entry}-result.json"
    event_file.write_text(json.dumps(event))
    environment = platform.subprocess_environment(AWS_LAMBDA_FUNCTION_NAME="platform-packaged", LAMBDA_TASK_ROOT=str(task))
    completed = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _RUNNER, str(task), str(opt), entry, str(event_file), str(result_file)],
        cwd=task,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    outcome = json.loads(result_file.read_text())
    for name, origin in outcome["origins"].items():
        expected = task if name == "platform_app" else opt / "python"
        assert Path(origin).is_relative_to(expected), f"{name} was loaded from {origin}, not from {expected}"
    assert outcome["psycopg"] == "binary"
    return outcome["result"]


def test_the_packaged_api_answers_health(platform: PlatformEnvironment, lambda_root: tuple[Path, Path], tmp_path: Path) -> None:
    response = _invoke(platform, lambda_root, "lambda_api", http_event("GET", "/health"), tmp_path)
    assert response["statusCode"] == 200, response
    assert json.loads(response["body"])["checks"] == {"parameters": "ok", "database": "ok", "cache": "ok"}


def test_the_packaged_worker_finishes_a_job(platform: PlatformEnvironment, lambda_root: tuple[Path, Path], tmp_path: Path) -> None:
    with database.connection():
        pass  # the schema exists before the test writes its row
    job_id = str(uuid.uuid4())
    with platform.database() as db:
        db.execute("INSERT INTO jobs (id, kind, payload) VALUES (%s, 'echo', '{\"packaged\": true}')", (job_id,))
    platform.moto.client("sqs").send_message(
        QueueUrl=platform.queue_url, MessageBody=json.dumps({"id": job_id, "kind": "echo", "payload": {"packaged": True}})
    )

    result = _invoke(platform, lambda_root, "lambda_worker", sqs_event(platform.queue_arn, platform.received()), tmp_path)

    assert result == {"batchItemFailures": []}
    with platform.database() as db:
        assert db.execute("SELECT status, result FROM jobs WHERE id = %s", (job_id,)).fetchone() == ("done", {"packaged": True})


def test_the_image_task_root_serves_under_the_ecs_command(platform: PlatformEnvironment, tmp_path: Path) -> None:
    """``image-root/`` is the ``/var/task`` app/Dockerfile builds (the pins and ``platform_app`` side by
    side); ECS runs ``python3 -m platform_app.server`` there. ``-S`` keeps this interpreter's own
    site-packages out, so everything must come from the task root, as in the image."""
    configured = os.environ.get(PACKAGED_DIR_VARIABLE)
    if not configured or not (Path(configured) / "image-root" / "platform_app").is_dir():
        pytest.fail(f"{PACKAGED_DIR_VARIABLE} holds no image-root/ (scripts/package-python.ts writes it)")
    task_root = Path(configured) / "image-root"
    port = free_port()
    environment = platform.subprocess_environment(PORT=str(port))
    environment.pop("PYTHONPATH", None)
    script = (
        "import runpy, sys\n"
        "assert not any('site-packages' in path for path in sys.path), sys.path\n"
        "import fastapi, uvicorn, psycopg\n"
        "for module in (fastapi, uvicorn, psycopg):\n"
        f"    assert module.__file__.startswith({str(task_root)!r}), module.__file__\n"
        "runpy.run_module('platform_app.server', run_name='__main__', alter_sys=True)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-S", "-E", "-c", f"import sys; sys.path.insert(0, {str(task_root)!r})\n" + script],
        cwd=task_root,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_port(process, port)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/health", headers={ORIGIN_VERIFY_HEADER: ORIGIN_VERIFY_VALUE})
        response = connection.getresponse()
        assert response.status == 200, response.read()
        assert json.loads(response.read())["checks"] == {"parameters": "ok", "database": "ok", "cache": "ok"}
        connection.close()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
