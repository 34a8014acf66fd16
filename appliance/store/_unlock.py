"""Counting wrong passphrases (kept beside the database, so nothing inside it is touched).

After ``max_unlock_attempts`` consecutive failures, passphrase unlocking pauses for a back-off
that doubles with each further failure (30 s, 60 s, … capped at one hour). A success resets it.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from appliance.errors import UnlockThrottled, WrongPassphrase
from appliance.store.envelope import write_atomic

BASE_BACKOFF_S = 30
MAX_BACKOFF_S = 3600


@dataclass
class UnlockState:
    failures: int = 0
    last_failure: float = 0.0


def read_state(path: Path) -> UnlockState:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return UnlockState(int(data.get("failures", 0)), float(data.get("last_failure", 0.0)))
    except (OSError, ValueError, TypeError, AttributeError):
        return UnlockState()


def _write(path: Path, state: UnlockState) -> None:
    body = {"failures": state.failures, "last_failure": state.last_failure}
    # a full or read-only disk must not hide the real answer
    with contextlib.suppress(OSError):
        write_atomic(path, json.dumps(body).encode("utf-8"))


def backoff_s(failures: int, max_attempts: int) -> float:
    if failures < max_attempts:
        return 0.0
    return float(min(MAX_BACKOFF_S, BASE_BACKOFF_S * 2 ** (failures - max_attempts)))


def check_allowed(path: Path, max_attempts: int, now: float | None = None) -> None:
    state = read_state(path)
    wait = backoff_s(state.failures, max_attempts)
    remaining = state.last_failure + wait - (now if now is not None else time.time())
    if wait and remaining > 0:
        seconds = int(remaining) + 1
        raise UnlockThrottled(
            f"口令已连续错误 {state.failures} 次，请 {seconds} 秒后再试。",
            f"{state.failures} wrong passphrases in a row; try again in {seconds} s.",
            details={"failures": state.failures, "retry_after_s": seconds},
        )


def record_failure(path: Path, max_attempts: int) -> WrongPassphrase:
    state = read_state(path)
    state.failures += 1
    state.last_failure = time.time()
    _write(path, state)
    left = max(0, max_attempts - state.failures)
    return WrongPassphrase(
        f"口令不正确（已连续错误 {state.failures} 次，还可尝试 {left} 次），数据库未打开，也未做任何改动。",
        f"Wrong passphrase ({state.failures} failed in a row, {left} {'try' if left == 1 else 'tries'} left); the database "
        "was not opened and nothing was changed.",
        details={"failures": state.failures, "attempts_left": left},
    )


def record_success(path: Path) -> None:
    if path.exists() and read_state(path).failures:
        _write(path, UnlockState())
