"""TUI fixtures (auto-loaded): the real demo clinic (SQLCipher store, synthetic patients) and a
helper to drive :class:`tui.app.ClinicApp` with Textual's Pilot.

- ``demo_base``: a data dir whose ``demo/`` holds the demo clinic, made afresh for each test
  module (no test sees another module's leftovers) with test-speed KDF costs (the real code
  path of ``clinicbox demo``).
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


@pytest.fixture(scope="module")
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


# On a loaded 2-core box one Textual screen change can take seconds; a wait ends as soon as its
# condition holds, so a long floor costs nothing when the app works.
WAIT_FLOOR_S = 30.0


async def wait_for(pilot: Any, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Let the app run until ``predicate()`` holds (worker results arrive asynchronously);
    fail the test when it never does (at least ``WAIT_FLOOR_S``), naming the screen it was on."""
    loop = asyncio.get_running_loop()
    end = loop.time() + max(timeout, WAIT_FLOOR_S)
    while loop.time() < end:
        if predicate():
            return True
        await pilot.pause(0.05)
    if predicate():
        return True
    screen = type(pilot.app.screen).__name__
    raise AssertionError(f"the TUI never reached the expected state (on {screen})")


def _login_error(app: Any) -> str:
    found = app.screen.query("#login-error")
    return str(found.first().render()) if found else ""


async def login(pilot: Any, app: Any, username: str = "doctor", password: str = "demo1234") -> None:
    """Log in from the login screen; the test fails unless the app leaves it logged in as
    ``username`` or shows a login error (a wrong password is a scenario of its own)."""
    app.screen.query_one("#username").value = username
    app.screen.query_one("#password").value = password
    app.screen.query_one("#password").focus()
    await pilot.press("enter")
    await wait_for(
        pilot, lambda: type(app.screen).__name__ != "LoginScreen" or "✖" in _login_error(app)
    )
    await pilot.pause(0.05)  # let the home screen finish mounting
    if type(app.screen).__name__ == "LoginScreen":
        return
    user = app.service.current_user()
    assert user and user["username"] == username, f"logged in as {user}, not {username}"


def speaking(words: str, every_s: float = 0.1) -> Callable[..., Any]:
    """A fake ``service.dictate``: a microphone whose transcript grows by one character every
    ``every_s`` while the doctor speaks, until F5 stops it (the words said so far come back)."""
    import threading

    from appliance.services.interface import Progress

    def dictate(**kw: Any) -> Any:
        said = ""
        for ch in words:
            if kw["cancel"].cancelled:
                break
            said += ch
            kw["progress"](Progress(partial=said, level=0.5))
            threading.Event().wait(every_s)
        while not kw["cancel"].cancelled:
            threading.Event().wait(0.05)
        return {"text": said, "language": "zh", "segments": []}

    return dictate
