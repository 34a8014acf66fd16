"""``clinicbox doctor``: is this box healthy, and what should the clinic do about it?"""

from __future__ import annotations

from typing import Any

import click

from appliance.commands._base import CliState, common_options, pass_state
from appliance.i18n import t

_MARK = {"ok": "✔", "warn": "⚠", "fail": "✘", "skip": "·"}


def _human(report: dict[str, Any]) -> str:
    lines = [t("ClinicBox 健康检查", "ClinicBox health check")]
    for check in report["checks"]:
        lines.append(f" {_MARK[check['status']]} {check['message']}")
        if check["fix"] and check["status"] in ("warn", "fail"):
            lines.append(f"     → {check['fix']}")
    verdict = {
        "ok": t("一切正常。", "All good."),
        "warn": t("有需要注意的地方。", "Some things need attention."),
        "fail": t("有问题需要立即处理。", "Something needs fixing now."),
    }[report["status"]]
    lines.append(verdict)
    return "\n".join(lines)


def register(cli: click.Group) -> None:
    @cli.command(
        "doctor",
        help=t(
            "检查本机状态（磁盘、数据库、模型、备份、证书、时间、硬件），并给出处理建议。",
            "Check the box (disk, database, models, backups, certificate, clock, hardware) and say what to do.",
        ),
    )
    @common_options
    @pass_state
    def doctor(state: CliState) -> None:
        from appliance.services.health import overall, run_checks

        results = run_checks(state.settings())
        report = {"status": overall(results), "checks": [r.to_dict() for r in results]}
        state.emit(report, human=_human)
        if report["status"] == "fail":
            raise click.exceptions.Exit(1)
