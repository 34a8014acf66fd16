"""Shared fixtures for every test layer.

- Each test gets its own data dir (``CLINICBOX_DATA_DIR``) and language zh unless it asks.
- ``cli`` runs the real ``clinicbox`` entry point in-process and returns (rc, stdout, stderr).
- ``cli_proc`` runs it as a real subprocess (for kill/timeout/stdin tests).
- A leak check fails a test that leaves non-daemon threads running.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Area fixtures live in tests/_fixtures/<area>.py (store, llm, speech, …) and load automatically.
pytest_plugins = sorted(
    f"tests._fixtures.{p.stem}"
    for p in (Path(__file__).parent / "_fixtures").glob("*.py")
    if not p.name.startswith("__")
)


@dataclass
class CliResult:
    rc: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def error(self) -> dict[str, Any]:
        return json.loads(self.err.strip().splitlines()[-1])["error"]


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key in list(os.environ):
        if key.startswith("CLINICBOX_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("CLINICBOX_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("OMP_WAIT_POLICY", "PASSIVE")
    from appliance.i18n import set_lang

    set_lang("zh")
    yield
    set_lang("zh")


@pytest.fixture(autouse=True)
def _no_leaked_threads() -> Iterator[None]:
    before = {t.ident for t in threading.enumerate()}
    yield
    deadline = time.monotonic() + 2.0
    while True:
        leaked = [
            t
            for t in threading.enumerate()
            if t.ident not in before and t.is_alive() and not t.daemon
        ]
        if not leaked or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert not leaked, f"test left threads running: {[t.name for t in leaked]}"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., CliResult]:
    """Run ``clinicbox ARGS`` in-process; ``stdin`` may be a str or a JSON-able object."""
    import io

    from appliance.cli import main

    def run(*args: str, stdin: Any = None) -> CliResult:
        if stdin is not None:
            text = stdin if isinstance(stdin, str) else json.dumps(stdin, ensure_ascii=False)
            monkeypatch.setattr(sys, "stdin", io.StringIO(text))
        capsys.readouterr()
        rc = main(list(args))
        captured = capsys.readouterr()
        return CliResult(rc, captured.out, captured.err)

    return run


@pytest.fixture
def cli_proc() -> Callable[..., CliResult]:
    """Run ``clinicbox ARGS`` as a subprocess with the test's environment."""

    def run(
        *args: str, stdin: Any = None, timeout: float = 120, env: dict[str, str] | None = None
    ) -> CliResult:
        text = None
        if stdin is not None:
            text = stdin if isinstance(stdin, str) else json.dumps(stdin, ensure_ascii=False)
        proc = subprocess.run(
            [sys.executable, "-m", "appliance", *args],
            input=text,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **(env or {})},
            cwd=ROOT,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run
