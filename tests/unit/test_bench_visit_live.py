"""``clinicbox bench visit`` in live mode (issue 20): the recording is played to the box in real
time as the microphone sends it, each utterance is transcribed at its pause, and the model takes
the sections closed by a later cue while the doctor still speaks; the clock starts when the
recording ends. Here with a scripted recogniser and engine (the timing itself is a benchmark)."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import numpy as np

from appliance.bench import visit as bench
from appliance.config import load_settings
from appliance.services._section_memo import SectionMemo
from appliance.speech.audio import SAMPLE_RATE
from appliance.speech.transcriber import Segment, Transcript
from tests.unit.test_emr_sections import ScriptedEngine

UTTERANCES = ["主诉头晕三天。", "既往史高血压五年。", "查体血压一百七十比一百。", "诊断高血压病。"]


class ScriptedRecogniser:
    """Each utterance (a voiced burst between pauses) → the next scripted sentence."""

    lexicon = None
    model_name = "scripted"

    def __init__(self) -> None:
        self.said = iter(UTTERANCES)

    def transcribe_array(self, audio: np.ndarray, offset_s: float = 0.0, **_: Any) -> Transcript:
        end = offset_s + len(audio) / SAMPLE_RATE
        return Transcript(text="", segments=[Segment(offset_s, end, next(self.said, ""))])


def recording(path: Path) -> Path:
    """Four 0.3 s bursts, each followed by a 0.9 s pause (a pause closes an utterance)."""
    t = np.arange(int(0.3 * SAMPLE_RATE)) / SAMPLE_RATE
    burst = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    pause = np.zeros(int(0.9 * SAMPLE_RATE), dtype=np.float32)
    audio = np.concatenate([np.concatenate([burst, pause]) for _ in UTTERANCES])
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((audio * 32767).astype("<i2").tobytes())
    return path


def test_live_mode_structures_closed_sections_while_the_doctor_speaks(
    tmp_path: Path, monkeypatch: Any
) -> None:
    from appliance.services import emr

    monkeypatch.setattr(emr, "transcriber", lambda *_a, **_k: ScriptedRecogniser())
    engine = ScriptedEngine(
        {
            "主诉": {"chief_complaint": "头晕三天"},
            "既往史": {"past_history": "高血压五年"},
            "查体": {"physical_exam": "血压170/100mmHg"},
            "诊断": {"diagnoses": ["高血压病"]},
        }
    )
    memo, result = SectionMemo(), {}
    started = __import__("time").monotonic()
    text, ended = bench._live_dictation(
        load_settings(), recording(tmp_path / "d.wav"), engine, memo, result
    )
    assert text.startswith("主诉头晕3天") and "诊断高血压病" in text
    assert result["audio_s"] == 4.8
    assert ended - started >= 4.7  # played in real time: the clock starts when it ends
    passes = result["live_passes"]
    assert passes and all("error" not in p for p in passes)
    live_cues = [c["cue"] for c in engine.calls]
    assert "主诉" in live_cues and "诊断" not in live_cues  # the last section waits for the end
    engine.calls.clear()
    out = emr.structure(text, engine=engine, memo=memo)
    assert out["structuring"]["sections_reused"] >= 1
    assert "主诉" not in [c["cue"] for c in engine.calls]  # done while the doctor spoke
    assert out["diagnoses"] and out["physical_exam"]
