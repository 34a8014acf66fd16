"""An unexpected error inside the UI never prints a traceback (locals could hold patient data):
it is logged with a reference and the user sees one line."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest


class Boom(RuntimeError):
    pass


def test_crash_shows_a_reference_not_a_traceback(
    demo_service: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.app import ClinicApp

    app = ClinicApp(demo_service)

    async def main() -> None:
        async with app.run_test() as pilot:
            await pilot.pause()
            secret = "张三 110101199003071234"  # noqa: F841 - a local a traceback would show

            def explode() -> None:
                raise Boom("patient 张三 110101199003071234")

            app.call_later(explode)
            await pilot.pause(0.2)

    with pytest.raises(Boom):  # Pilot re-raises for the test framework
        asyncio.run(main())
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    assert "参考编号" in shown
    assert "110101199003071234" not in shown and "Traceback" not in shown
