"""SVG snapshots of the key screens in Chinese and English (pytest-textual-snapshot).

Update after an intended change: ``pytest tests/tui/test_snapshots.py --snapshot-update`` and
review the SVGs in ``__snapshots__``. Volatile text (which optional parts are installed) is
hidden before the shot so the snapshots do not change as other areas land.
"""

from __future__ import annotations

from typing import Any

import pytest

from appliance.i18n import set_lang
from tests._fixtures.tui import login, wait_for

SIZE = (110, 34)
PATIENT = {"patient_id": "demo-0001", "name": "张建国", "sex": "M", "age": 68, "allergies": []}


async def steady(pilot: Any) -> None:
    """No blinking cursors: a snapshot must not depend on when the blink timer fired."""
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    await pilot.pause()


def make_app(service: Any, lang: str) -> Any:
    from tui.app import ClinicApp

    set_lang(lang)
    return ClinicApp(service, lang=lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_login_screen(snap_compare: Any, demo_service: Any, lang: str) -> None:
    assert snap_compare(make_app(demo_service, lang), terminal_size=SIZE, run_before=steady)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_home_screen(snap_compare: Any, demo_service: Any, lang: str) -> None:
    async def before(pilot: Any) -> None:
        await login(pilot, pilot.app)
        pilot.app.screen.query_one("#feature-status").display = False
        await steady(pilot)

    assert snap_compare(make_app(demo_service, lang), terminal_size=SIZE, run_before=before)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_visit_workspace(snap_compare: Any, demo_service: Any, lang: str) -> None:
    async def before(pilot: Any) -> None:
        from tui.screens.visit import VisitScreen

        app = pilot.app
        await login(pilot, app)
        app.push_screen(VisitScreen(dict(PATIENT)))
        await wait_for(pilot, lambda: bool(app.screen.query("#complaint")))
        app.screen.query_one("#v-sbp").value = "abc"  # shows the bad-vitals message
        await wait_for(
            pilot,
            lambda: (
                "已" in str(app.screen.query_one("#autosave-state").render())
                or "Autosaved" in str(app.screen.query_one("#autosave-state").render())
            ),
        )
        app.screen.query_one("#triage").display = False  # depends on the triage area
        await steady(pilot)

    assert snap_compare(make_app(demo_service, lang), terminal_size=(130, 40), run_before=before)


def test_training_practice(snap_compare: Any, demo_service: Any) -> None:
    async def before(pilot: Any) -> None:
        from tui.screens.training import TrainingScreen

        app = pilot.app
        await login(pilot, app)
        app.push_screen(TrainingScreen())
        await wait_for(pilot, lambda: bool(app.screen.query("#case-story")))
        await steady(pilot)

    assert snap_compare(make_app(demo_service, "zh"), terminal_size=SIZE, run_before=before)
