"""Streaming dictation: audio blocks in, a growing transcript out.

:class:`ChunkedDictation` cuts a stream of 16 kHz mono blocks into utterances at pauses
(energy below a floor for ``pause_s``) or, when the doctor talks on for ``max_chunk_s``, at the
quietest block of its last ``search_s`` seconds (a cut at the exact limit split words:
"急性，寻支气管炎"), and transcribes each utterance as it closes, so the doctor sees the text while still talking. :class:`MicDictation` feeds it from
the microphone through sounddevice (PortAudio) when that is present; without it,
:class:`MicrophoneUnavailable` says so in Chinese and English. Files can be fed the same way.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import numpy as np

from appliance.errors import MicrophoneUnavailable
from appliance.speech.audio import SAMPLE_RATE
from appliance.speech.correct import Correction
from appliance.speech.normalize import join_segments
from appliance.speech.transcriber import Segment, Transcriber, Transcript, postprocess

Update = Callable[[str, float, float], None]  # (partial text, level 0..1, seconds elapsed)


class ChunkedDictation:
    def __init__(
        self,
        transcriber: Transcriber,
        *,
        pause_s: float = 0.8,
        max_chunk_s: float = 15.0,
        floor_dbfs: float = -45.0,
        search_s: float = 3.0,
    ) -> None:
        self.transcriber = transcriber
        self.pause_s = pause_s
        self.max_chunk_s = max_chunk_s
        self.search_s = search_s
        self.floor = 10 ** (floor_dbfs / 20)
        self.segments: list[Segment] = []
        self.corrections: list[Correction] = []
        self._chunk: list[np.ndarray] = []
        self._chunk_start = 0.0
        self._silence = 0.0
        self._voiced = False
        self.position = 0.0
        self.elapsed_asr = 0.0
        self._shown, self._shown_for = "", 0

    def _flush(self, keep: int = 0) -> None:
        """Transcribe the chunk; its last ``keep`` blocks start the next one."""
        tail = self._chunk[len(self._chunk) - keep :] if keep else []
        self._chunk = self._chunk[: len(self._chunk) - keep] if keep else self._chunk
        tail_s = sum(len(b) for b in tail) / SAMPLE_RATE
        if self._chunk and self._voiced:
            audio = np.concatenate(self._chunk)
            started = time.monotonic()
            part = self.transcriber.transcribe_array(audio, offset_s=self._chunk_start)
            self.elapsed_asr += time.monotonic() - started
            shift = len(self.partial) + (1 if self.partial and part.segments else 0)
            self.corrections += [replace(c, start=c.start + shift) for c in part.corrections]
            self.segments.extend(part.segments)
        self._chunk, self._voiced, self._silence = tail, bool(tail), 0.0
        self._chunk_start = self.position - tail_s

    def _quietest_cut(self) -> int:
        """How many trailing blocks to carry over so the cut falls on the quietest block of the
        last ``search_s`` seconds (between words rather than inside one)."""
        seconds, best, best_rms = 0.0, 0, float("inf")
        for back, block in enumerate(reversed(self._chunk)):
            if seconds >= self.search_s or back >= len(self._chunk) - 1:
                break
            rms = float(np.sqrt(np.mean(block**2))) if len(block) else 0.0
            if rms < best_rms:
                best, best_rms = back, rms
            seconds += len(block) / SAMPLE_RATE
        return best

    def feed(self, block: np.ndarray) -> float:
        """Add one block; returns its level (0..1) for a meter."""
        block = np.asarray(block, dtype=np.float32).reshape(-1)
        seconds = len(block) / SAMPLE_RATE
        rms = float(np.sqrt(np.mean(block**2))) if len(block) else 0.0
        self._chunk.append(block)
        self.position += seconds
        if rms >= self.floor:
            self._voiced, self._silence = True, 0.0
        else:
            self._silence += seconds
        length = self.position - self._chunk_start
        if self._voiced and self._silence >= self.pause_s:
            self._flush()
        elif length >= self.max_chunk_s:
            self._flush(keep=self._quietest_cut())
        elif not self._voiced and length >= self.pause_s:
            self._chunk, self._chunk_start = [], self.position  # drop leading silence
        return min(1.0, rms / 0.3)

    @property
    def partial(self) -> str:
        """The utterances so far as recognised (before the whole-text correction)."""
        return join_segments([s.text for s in self.segments])

    @property
    def text_so_far(self) -> str:
        """The transcript so far as :meth:`finish` will write it (lexicon correction, numbers
        and units): what the doctor sees while speaking, and what the live structuring reads —
        so a section closed while speaking has the same words in the final transcript."""
        if self._shown_for != len(self.segments):
            self._shown = postprocess(self.partial, self.transcriber.lexicon).text
            self._shown_for = len(self.segments)
        return self._shown

    def finish(self) -> Transcript:
        self._flush()
        result = postprocess(self.partial, self.transcriber.lexicon)
        result.corrections = self.corrections + result.corrections
        result.segments = list(self.segments)
        result.model = self.transcriber.model_name
        result.duration_s = self.position
        result.elapsed_s = self.elapsed_asr
        return result

    def run_blocks(
        self, blocks: Iterable[np.ndarray], on_update: Update | None = None
    ) -> Transcript:
        for block in blocks:
            before = len(self.segments)
            level = self.feed(block)
            if on_update is not None and (len(self.segments) != before or level > 0):
                on_update(self.text_so_far, level, self.position)
        return self.finish()


def require_microphone() -> Any:
    try:
        import sounddevice
    except (ImportError, OSError):  # OSError: PortAudio library not found
        raise MicrophoneUnavailable() from None
    try:
        sounddevice.query_devices(kind="input")
    except Exception:
        raise MicrophoneUnavailable(
            "没有找到麦克风输入设备。", "No microphone input device was found."
        ) from None
    return sounddevice


def microphone_available() -> bool:
    try:
        require_microphone()
    except MicrophoneUnavailable:
        return False
    return True


class MicDictation:
    def __init__(self, transcriber: Transcriber, block_s: float = 0.1) -> None:
        self.dictation = ChunkedDictation(transcriber)
        self.block = int(SAMPLE_RATE * block_s)

    def run(
        self,
        *,
        stop: Callable[[], bool],
        on_update: Update | None = None,
        max_seconds: float = 300.0,
    ) -> Transcript:
        sd = require_microphone()
        blocks: queue.Queue[np.ndarray] = queue.Queue()

        def callback(indata: Any, _frames: int, _time: Any, _status: Any) -> None:
            blocks.put(indata[:, 0].copy())

        started = time.monotonic()

        def stream() -> Iterable[np.ndarray]:
            while not stop() and time.monotonic() - started < max_seconds:
                try:
                    yield blocks.get(timeout=0.5)
                except queue.Empty:
                    continue

        with sd.InputStream(
            samplerate=SAMPLE_RATE,
            channels=1,
            dtype="float32",
            blocksize=self.block,
            callback=callback,
        ):
            return self.dictation.run_blocks(stream(), on_update)
