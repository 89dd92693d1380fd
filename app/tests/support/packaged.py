"""The packaged artifacts as Lambda lays them out: the function zip in a task directory, the layer in an opt directory."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest


def unpack_lambda(variable: str, root: Path) -> tuple[Path, Path]:
    """Unpacks ``function.zip`` and ``layer.zip`` from the directory ``variable`` names into ``root``;
    fails (never skips) when the packaging step did not run."""
    configured = os.environ.get(variable)
    if not configured:
        pytest.fail(f"{variable} is not set: run the suite with scripts/test-python.sh, which packages the app with scripts/package-python.ts")
    packaged = Path(configured)
    missing = [name for name in ("function.zip", "layer.zip") if not (packaged / name).is_file()]
    if missing:
        pytest.fail(f"{variable}={packaged} lacks {', '.join(missing)}")
    task, opt = root / "task", root / "opt"
    with zipfile.ZipFile(packaged / "function.zip") as function:
        function.extractall(task)
    with zipfile.ZipFile(packaged / "layer.zip") as layer:
        layer.extractall(opt)
    return task, opt
