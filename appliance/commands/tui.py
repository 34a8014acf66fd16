"""``clinicbox tui`` (the terminal UI, local or ``--connect`` to a box) and ``clinicbox demo``
(the first-run experience: the training clinic of synthetic patients, with the guided tour)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from appliance.commands._base import CliState, common_options, pass_state, subgroup
from appliance.errors import DependencyMissing, InputError
from appliance.i18n import get_lang, t


def _need_textual() -> None:
    try:
        import textual  # noqa: F401
    except ImportError:
        raise DependencyMissing(
            "终端界面组件（textual）未安装。",
            "The terminal UI (textual) is not installed.",
        ) from None


def _need_terminal() -> None:
    if not (sys.stdin is not None and sys.stdin.isatty() and sys.stdout.isatty()):
        raise InputError(
            "终端界面需要在交互式终端中运行。",
            "The terminal UI needs an interactive terminal.",
            hint_zh="请在本机屏幕或 SSH 终端中运行；自动化请使用各 JSON 命令。",
            hint_en="Run it on the box's screen or in an SSH terminal; automation uses the JSON commands.",
        )


def install_referral_sealer(settings: Any) -> bool:
    """Make sync's case sealer the process default (for runtimes built without one). The
    commands build their runtime with :func:`appliance.runtime.build_runtime`, which injects it."""
    from appliance.runtime import referral_sealer
    from appliance.services.interface import set_referral_sealer

    sealer = referral_sealer(settings)
    if sealer is None:
        return False
    set_referral_sealer(sealer)
    return True


def _run_app(service: Any, *, kiosk: bool = False, tour: bool = False) -> int:
    from tui.app import ClinicApp

    try:
        ClinicApp(service, kiosk=kiosk, tour=tour, lang=get_lang()).run()
    finally:
        service.close()
    return 0


def _remote_service(state: CliState, target: str) -> Any:
    try:
        from appliance.api.client import connect
    except ImportError:
        from appliance.services._parts import unavailable

        raise unavailable(
            "sync", "局域网客户端未安装。", "The LAN client is not installed."
        ) from None
    return connect(state.settings(), target)


def register(cli: click.Group) -> None:
    @cli.command(
        "tui",
        help=t(
            "打开终端界面（医生工作台、患者、随访、助手、看板、管理）。",
            "Open the terminal UI (visit workspace, patients, follow-up, assistant, dashboards, admin).",
        ),
    )
    @click.option(
        "--connect",
        metavar="auto|HOST:PORT",
        default=None,
        help=t(
            "连接局域网中的 ClinicBox（auto=自动发现）。",
            "Use a ClinicBox on the LAN (auto = discover).",
        ),
    )
    @click.option(
        "--kiosk",
        is_flag=True,
        help=t("患者自助模式：只显示健康助手。", "Kiosk mode: only the patient assistant."),
    )
    @common_options
    @pass_state
    def tui_command(state: CliState, connect: str | None, kiosk: bool) -> int:
        _need_textual()
        _need_terminal()
        if connect:
            service = _remote_service(state, connect)
        else:
            from appliance.runtime import build_runtime
            from appliance.services.interface import LocalClinicService

            settings = state.settings()
            service = LocalClinicService(
                settings, runtime=build_runtime(settings), owns_runtime=True
            )
            service.try_unlock_from_settings()
        return _run_app(service, kiosk=kiosk)

    @cli.command(
        "demo",
        help=t(
            "打开培训模式的演示诊所（虚构患者，不影响正式数据），含导览与练习病例。",
            "Open the training clinic (fictional patients, real data untouched) with a guided tour "
            "and practice cases.",
        ),
    )
    @click.option(
        "--check",
        is_flag=True,
        help=t(
            "只建立/检查演示诊所后退出（用于自动化）。",
            "Set up/check the demo clinic and exit (CI).",
        ),
    )
    @click.option(
        "--screenshots",
        type=click.Path(file_okay=False),
        default=None,
        help=t(
            "在临时演示诊所中截取主要界面（SVG）保存到此目录后退出。",
            "Save SVG screenshots of the main screens (throw-away demo clinic) here and exit.",
        ),
    )
    @common_options
    @pass_state
    def demo_command(state: CliState, check: bool, screenshots: str | None) -> int:
        from appliance.services.training import DEMO_PASSWORD, open_demo_clinic

        if screenshots:
            _need_textual()
            from tui.screenshots import take_screenshots

            with tempfile.TemporaryDirectory(prefix="clinicbox-shots-") as tmp:
                settings = state.settings().model_copy(
                    update={"data_dir": Path(tmp), "demo_dir": None}
                )
                shots = open_demo_clinic(settings)
                try:
                    files = take_screenshots(shots, Path(screenshots), get_lang())
                finally:
                    shots.close()
            state.emit({"screenshots": [str(f) for f in files]})
            return 0
        from appliance.runtime import referral_sealer

        service = open_demo_clinic(state.settings(), sealer=referral_sealer(state.settings()))
        interactive = sys.stdin is not None and sys.stdin.isatty() and sys.stdout.isatty()
        if check or not interactive:
            try:
                service.login("doctor", DEMO_PASSWORD)
                count = len(service.search_patients("", limit=1000))
                info = service.info()
            finally:
                service.close()
            state.emit(
                {
                    "demo_dir": info.get("data_dir"),
                    "clinic_name": info.get("clinic_name"),
                    "training": True,
                    "patients": count,
                    "accounts": ["admin", "doctor", "nurse", "front"],
                    "password": DEMO_PASSWORD,
                },
                human=lambda r: t(
                    f"演示诊所已就绪：{r['demo_dir']}（{r['patients']} 位虚构患者）。"
                    f"账号 doctor/nurse/admin，密码 {r['password']}。在终端中运行 clinicbox demo 打开界面。",
                    f"Demo clinic ready: {r['demo_dir']} ({r['patients']} fictional patients). "
                    f"Accounts doctor/nurse/admin, password {r['password']}. Run clinicbox demo in "
                    "a terminal to open it.",
                ),
            )
            return 0
        _need_textual()
        return _run_app(service, tour=True)

    bench = subgroup(cli, "bench", t("性能基准（不属于测试）。", "Benchmarks (not tests)."))

    @bench.command(
        "tui",
        help=t(
            "终端界面响应：模型生成时按键延迟（p95 目标 < 100 ms）。",
            "TUI responsiveness: keystroke latency while the model generates (p95 < 100 ms).",
        ),
    )
    @click.option("--keys", default=120, show_default=True, help=t("按键次数。", "Keystrokes."))
    @common_options
    @pass_state
    def bench_tui(state: CliState, keys: int) -> int:
        _need_textual()
        from appliance.bench.tui import run_latency_bench
        from appliance.services.training import open_demo_clinic

        with tempfile.TemporaryDirectory(prefix="clinicbox-bench-tui-") as tmp:
            settings = state.settings().model_copy(update={"data_dir": Path(tmp), "demo_dir": None})
            service = open_demo_clinic(settings)
            try:
                result = run_latency_bench(service, keys=keys)
            finally:
                service.close()
        state.emit(result)
        return 0 if result["passed"] else 1
