"""TUI fixtures (auto-loaded): the real demo clinic (SQLCipher store, synthetic patients) and a
helper to drive :class:`tui.app.ClinicApp` with Textual's Pilot.

- ``demo_base``: a data dir whose ``demo/`` holds the demo clinic, made once per session with
  test-speed KDF costs (the real code path of ``clinicbox demo``).
- ``demo_service``: an unlocked, logged-out ``LocalClinicService`` over that demo clinic.
- ``drive(service, scenario, size=(120, 40), **app_kwargs)``: run ``scenario(app, pilot)`` in a
  fresh event loop (so worker threads are joined before the test's leak check).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Test-speed KDF costs, and lexical-only retrieval for the assistant (no embedding model: a real
# supported mode of the knowledge base, and it keeps the demo's knowledge import fast).
FAST_KDF = {"store_kdf_log2_n": 12, "password_hash_memory_kib": 1024, "kb_embedder": "none"}


@pytest.fixture(scope="session")
def demo_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from appliance.config import load_settings
    from appliance.services.training import open_demo_clinic

    base = tmp_path_factory.mktemp("tui-clinic")
    service = open_demo_clinic(load_settings(base, **FAST_KDF))
    service.close()
    return base


def demo_settings_for(base: Path) -> Any:
    from appliance.config import load_settings
    from appliance.services.training import demo_settings

    return demo_settings(load_settings(base, **FAST_KDF))


@pytest.fixture
def demo_service(demo_base: Path) -> Iterator[Any]:
    from appliance.services.interface import LocalClinicService
    from appliance.services.training import DEMO_PASSPHRASE

    service = LocalClinicService(demo_settings_for(demo_base), training=True)
    service.unlock(DEMO_PASSPHRASE)
    try:
        yield service
    finally:
        forget_autosaves(service)
        service.close()


def forget_autosaves(service: Any) -> None:
    """The demo clinic is shared by the session's tests: an open visit's autosave (kept on
    purpose, it comes back next time) must not leak typing into the next test's visit."""
    store = service.runtime.store
    if store is not None:
        store.write_raw(lambda conn: conn.execute("DELETE FROM visit_autosave"))


Scenario = Callable[[Any, Any], Awaitable[None]]


def _drive(service: Any, scenario: Scenario, size: tuple[int, int] = (120, 40), **kw: Any) -> Any:
    from tui.app import ClinicApp

    app = ClinicApp(service, **kw)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(app, pilot)

    asyncio.run(main())
    return app


@pytest.fixture
def drive() -> Callable[..., Any]:
    return _drive


async def type_text(pilot: Any, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


async def wait_for(pilot: Any, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Let the app run until ``predicate()`` holds (worker results arrive asynchronously)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        if predicate():
            return True
        await pilot.pause(0.05)
    return predicate()


async def login(pilot: Any, app: Any, username: str = "doctor", password: str = "demo1234") -> None:
    app.screen.query_one("#username").value = username
    app.screen.query_one("#password").value = password
    app.screen.query_one("#password").focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: type(app.screen).__name__ != "LoginScreen")
    await pilot.pause(0.05)  # let the home screen finish mounting
