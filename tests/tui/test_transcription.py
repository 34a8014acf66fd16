"""Dictation from an audio file in the visit workspace: the real Whisper base model (from
packages) transcribes a synthetic Mandarin clip in a worker; the text lands in the transcript
box, editable, with progress shown meanwhile; an unreadable file gives a clear message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests._fixtures.tui import demo_settings_for, login, wait_for

AUDIO = Path(__file__).resolve().parents[1] / "fixtures" / "audio"
pytestmark = pytest.mark.slow


@pytest.fixture
def speech_service(demo_base: Path, whisper_base_dir: Path) -> Any:
    from appliance.services.interface import LocalClinicService
    from appliance.services.training import DEMO_PASSPHRASE

    settings = demo_settings_for(demo_base).model_copy(
        update={"speech_model": str(whisper_base_dir), "llm_threads": 2}
    )
    service = LocalClinicService(settings, training=True)
    service.unlock(DEMO_PASSPHRASE)
    yield service
    service.close()


def test_audio_file_is_transcribed_into_the_editable_transcript(
    speech_service: Any, drive: Any, tmp_path: Path
) -> None:
    clip = AUDIO / "dict05.wav"
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"not audio at all")

    async def scenario(app: Any, pilot: Any) -> None:
        from tui.screens.visit import VisitScreen

        await login(pilot, app)
        app.push_screen(VisitScreen({"patient_id": "x", "name": "测试", "age": 40}))
        await wait_for(pilot, lambda: bool(app.screen.query("#audio-file")))
        screen = app.screen
        box = screen.query_one("#audio-file")
        box.value = str(broken)
        box.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: not screen.is_busy() and bool(app._notifications), 20)
        assert screen.query_one("#transcript").text == ""
        box.value = str(clip)
        await pilot.press("enter")  # runs in a worker; may already be done on a fast box
        await wait_for(pilot, lambda: bool(screen.query_one("#transcript").text), timeout=90)
        text = screen.query_one("#transcript").text
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text)  # Chinese came back

    drive(speech_service, scenario)
