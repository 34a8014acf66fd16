"""CI checks of the service layer's shape (issue 15): use cases import what they call (no
look-up of the product's own functions by name), and the store and the engine are typed ports,
never ``Any``."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "appliance" / "services"


def _sources(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in folder.rglob("*.py")}


def test_no_any_typed_store_or_engine_in_services() -> None:
    bad = [
        f"{name}:{n}"
        for name, text in _sources(SERVICES).items()
        for n, line in enumerate(text.splitlines(), 1)
        if re.search(r"\b(store|engine)\s*:\s*Any\b", line)
    ]
    assert bad == [], "type them with appliance.services.ports (StorePort, EnginePort)"


def test_no_function_looked_up_by_name_in_services() -> None:
    text = (SERVICES / "_parts.py").read_text(encoding="utf-8")
    for name in ("def find(", "def need(", "def call("):
        assert name not in text
    bad = [
        f"{name}:{n}"
        for name, src in {**_sources(SERVICES), **_sources(ROOT / "appliance" / "commands")}.items()
        for n, line in enumerate(src.splitlines(), 1)
        if "importlib.import_module(" in line or re.search(r"getattr\(\w*mod\w*, \"", line)
    ]
    assert bad == []


def test_every_command_module_is_registered() -> None:
    """The CLI lists its command modules (no discovery by name): a new module must be listed."""
    from appliance import cli

    listed = {m.__name__.rsplit(".", 1)[1] for m in cli.COMMAND_AREAS}
    present = {
        p.stem for p in (ROOT / "appliance" / "commands").glob("*.py") if not p.stem.startswith("_")
    }
    assert listed == present
