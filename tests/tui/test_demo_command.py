"""``clinicbox demo`` is the first-run experience: in CI (no terminal) it sets the training
clinic up in its own folder and exits 0; it never creates or opens the real clinic."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINICBOX_STORE_KDF_LOG2_N", "12")
    monkeypatch.setenv("CLINICBOX_PASSWORD_HASH_MEMORY_KIB", "1024")
    monkeypatch.setenv("CLINICBOX_KB_EMBEDDER", "none")


def test_demo_check_sets_up_the_training_clinic_only(cli: Any, data_dir: Path) -> None:
    first = cli("--json", "demo", "--check", "--data-dir", str(data_dir))
    assert first.rc == 0, first.err
    out = first.json()
    assert out["training"] is True and out["patients"] >= 12
    assert Path(out["demo_dir"]) == data_dir / "demo"
    assert (data_dir / "demo" / "clinic.db").is_file()
    assert not (data_dir / "clinic.db").exists()  # the real clinic is untouched
    again = cli("--json", "demo", "--check", "--data-dir", str(data_dir))
    assert again.rc == 0 and again.json()["patients"] == out["patients"]  # reopened, not reseeded


def test_demo_without_a_terminal_behaves_like_check(cli: Any, data_dir: Path) -> None:
    result = cli("demo", "--data-dir", str(data_dir))
    assert result.rc == 0
    assert "演示诊所已就绪" in result.out


def test_tui_without_a_terminal_says_so(cli: Any) -> None:
    result = cli("--json", "tui")
    assert result.rc == 2
    assert result.error()["code"] == "bad_input"
    assert "终端" in result.error()["message"]
