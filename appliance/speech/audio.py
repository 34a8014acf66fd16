"""Audio input: files (wav, mp3, m4a, … via PyAV, bundled with faster-whisper) as 16 kHz mono.

Audio that arrives over the network (dictation uploaded by a clinic PC) never touches the disk
in plain text: :func:`audio_in_memory` gives it a path inside an anonymous in-memory file
(``memfd``) that vanishes with the process, even on a crash. :func:`sweep_audio_leftovers`
removes audio that older versions left in ``DATA_DIR/tmp``; ``serve`` runs it at start.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from appliance.errors import AudioError, DependencyMissing

SAMPLE_RATE = 16000
SUPPORTED_SUFFIXES = (".wav", ".mp3", ".m4a", ".aac", ".ogg", ".opus", ".flac", ".webm", ".amr")
MAX_SECONDS = 60 * 60


MEMORY_PREFIX = "/proc/self/fd/"


@contextlib.contextmanager
def audio_in_memory(data: bytes) -> Iterator[Path]:
    """``data`` as a readable path that exists only in memory (Linux ``memfd``)."""
    try:
        fd = os.memfd_create("clinicbox-audio", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        raise AudioError(
            "本系统不支持在内存中处理上传的录音，为保护患者隐私已拒绝写入磁盘。",
            "This system cannot hold uploaded audio in memory; it was not written to disk.",
        ) from None
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        yield Path(f"{MEMORY_PREFIX}{fd}")
    finally:
        os.close(fd)


def sweep_audio_leftovers(folder: Path) -> int:
    """Delete audio files left in ``folder`` (older versions' upload temp files); returns how
    many. Unreadable folders are left alone."""
    removed = 0
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES:
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed += 1
    return removed


def load_audio(path: Path) -> np.ndarray:
    """Decode ``path`` to float32 mono at 16 kHz; :class:`AudioError` with zh/en text if not."""
    path = Path(path)
    in_memory = str(path).startswith(MEMORY_PREFIX)
    if not path.is_file():
        raise AudioError(f"找不到音频文件：{path.name}", f"Audio file not found: {path.name}")
    if path.stat().st_size == 0:
        raise AudioError(f"音频文件为空：{path.name}", f"The audio file is empty: {path.name}")
    if not in_memory and path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise AudioError(
            f"不支持的音频格式：{path.suffix or '(无扩展名)'}",
            f"Unsupported audio format: {path.suffix or '(no extension)'}",
        )
    try:
        from faster_whisper.audio import decode_audio
    except ImportError:
        raise _speech_missing() from None

    try:
        audio = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except Exception as exc:  # PyAV raises many error types for broken files
        raise AudioError(
            f"无法解码音频文件 {path.name}（{exc.__class__.__name__}）。",
            f"Cannot decode the audio file {path.name} ({exc.__class__.__name__}).",
        ) from None
    audio = np.asarray(audio, dtype=np.float32)
    if audio.size == 0:
        raise AudioError(f"音频文件没有声音数据：{path.name}", f"No audio data in {path.name}")
    if audio.size > MAX_SECONDS * SAMPLE_RATE:
        raise AudioError("录音超过 60 分钟，请分段录制。", "Recording longer than 60 minutes.")
    return audio


def _speech_missing() -> DependencyMissing:
    return DependencyMissing(
        "未安装语音识别组件（faster-whisper，speech 组件）。",
        "The speech component (faster-whisper, speech extra) is not installed.",
    )
