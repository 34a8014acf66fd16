"""Make the README's screenshots (SVG, Textual's own export) from a throw-away demo clinic.

python -m tui.screenshots docs/images [--lang zh|en]
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from appliance.i18n import set_lang

SIZE = (130, 42)


async def _shoot(service: Any, out: Path, lang: str) -> list[Path]:
    from tui.app import ClinicApp
    from tui.screens.patients import PatientListScreen
    from tui.screens.quality import QualityScreen
    from tui.screens.training import TrainingScreen
    from tui.screens.visit import VisitScreen

    app = ClinicApp(service, lang=lang)
    files: list[Path] = []

    def save(name: str) -> None:
        path = out / f"tui-{name}-{lang}.svg"
        app.save_screenshot(filename=path.name, path=str(out))
        files.append(path)

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        save("login")
        user = service.login("doctor", "demo1234")
        app.logged_in(user)
        await pilot.pause(0.3)
        save("home")
        app.push_screen(PatientListScreen())
        await pilot.pause(0.8)
        save("patients")
        app.pop_screen()
        patient = service.search_patients("zjg")[0]
        app.push_screen(VisitScreen(patient))
        await pilot.pause(0.3)
        screen: Any = app.screen
        screen.query_one("#complaint").value = "胸痛40分钟，伴大汗"
        for key, value in (("sbp", "88"), ("dbp", "56"), ("hr", "118"), ("spo2", "93")):
            screen.query_one(f"#v-{key}").value = value
        screen.query_one("#transcript").text = (
            "患者胸骨后压榨样疼痛40分钟，伴大汗，既往高血压10年，否认药物过敏史。"
            "查体：血压88/56mmHg，心率118次/分。初步诊断：急性冠脉综合征？"
        )
        await pilot.pause(1.0)
        screen.action_structure()
        await pilot.pause(2.5)
        save("visit")
        app.pop_screen()
        app.push_screen(QualityScreen())
        await pilot.pause(1.0)
        save("quality")
        app.pop_screen()
        app.push_screen(TrainingScreen())
        await pilot.pause(0.5)
        save("training")
    return files


def take_screenshots(service: Any, out: Path, lang: str) -> list[Path]:
    """Save the main screens of ``service`` (an unlocked demo clinic) as SVG files."""
    set_lang(lang)
    out.mkdir(parents=True, exist_ok=True)
    return asyncio.run(_shoot(service, out, lang))
