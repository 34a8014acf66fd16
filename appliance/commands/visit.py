"""``clinicbox visit save|show|amend``: outpatient visits through the same service use case as
``POST /api/v1/visits`` and the TUI. The box computes the medication alerts, QC and triage level
itself; signing needs a chief complaint, a diagnosis and an override for every major or
contraindicated alert; a signed record changes only by amendment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import click

from appliance.commands._base import (
    CliState,
    common_options,
    json_input_argument,
    pass_state,
    read_json_input,
    subgroup,
)
from appliance.errors import InputError
from appliance.i18n import t

if TYPE_CHECKING:  # the services (and the clinical core) load only when a command runs
    from appliance.services.interface import VisitDraft

_SAVE_FIELDS = ("patient_id", "visit_type", "visit_id", "record", "overrides", "sign")


def _object(data: Any) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise InputError("输入必须是一个 JSON 对象。", "The input must be a JSON object.")
    return dict(data)


def _human(result: dict[str, Any]) -> str:
    qc = result.get("qc") or {}
    alerts = result.get("alerts") or []
    status = {"draft": "草稿", "signed": "已签名", "amended": "已修订"}
    lines = [
        t(
            f"就诊 {result['visit_id']} 病历第 {result['version']} 版："
            f"{status.get(result['status'], result['status'])}",
            f"Visit {result['visit_id']} record version {result['version']}: {result['status']}",
        ),
        t(
            f"质控 {qc.get('score', '-')} 分（{'合格' if qc.get('passed') else '不合格'}）",
            f"QC score {qc.get('score', '-')} ({'passed' if qc.get('passed') else 'failed'})",
        ),
    ]
    for alert in alerts:
        mark = " ✔" if alert.get("overridden") else ""
        lines.append(
            f"  [{alert.get('severity')}] {alert.get('rule')}: {alert.get('message')}{mark}"
        )
    return "\n".join(lines)


def _show_human(result: dict[str, Any]) -> str:
    lines = [_human(result)]
    for h in result.get("history") or []:
        reason = f" — {h['reason']}" if h.get("reason") else ""
        lines.append(f"  v{h['version']} {h['status']} {h['author']} {h['created_at']}{reason}")
    return "\n".join(lines)


def register(cli: click.Group) -> None:
    group = subgroup(cli, "visit", t("门诊就诊与病历。", "Outpatient visits and records."))

    @group.command(
        "save",
        help=t(
            "保存病历新版本（sign=true 时签名）。JSON {patient_id, visit_type, visit_id?, record, "
            "overrides: [{rule, reason}], sign}；警示、质控、分诊由本机重新计算。",
            "Save a new record version (sign=true signs it). JSON {patient_id, visit_type, "
            "visit_id?, record, overrides: [{rule, reason}], sign}; alerts, QC and triage are "
            "computed by the box.",
        ),
    )
    @json_input_argument
    @common_options
    @pass_state
    def save(state: CliState, source: str | None) -> None:
        from appliance.commands._service import open_cli_service

        data = _object(read_json_input(source))
        draft = {k: data[k] for k in _SAVE_FIELDS if k in data}
        with open_cli_service(state) as service:
            result = service.save_visit(cast("VisitDraft", draft))
        state.emit(result, human=_human)

    @group.command(
        "show", help=t("显示就诊的当前病历及版本历史。", "Show a visit's record and its versions.")
    )
    @click.argument("visit_id")
    @common_options
    @pass_state
    def show(state: CliState, visit_id: str) -> None:
        from appliance.commands._service import open_cli_service

        with open_cli_service(state) as service:
            result = service.get_visit(visit_id)
        state.emit(result, human=_show_human)

    @group.command(
        "amend",
        help=t(
            "修订已签名病历（生成新版本，记录理由、修订人和时间）。输入：病历 JSON，"
            "或 {record, overrides}。",
            "Amend a signed record (a new version with reason, author and time). Input: the "
            "record JSON, or {record, overrides}.",
        ),
    )
    @click.argument("visit_id")
    @click.option(
        "--reason", required=True, help=t("修订理由（必填）。", "Why the record is amended.")
    )
    @json_input_argument
    @common_options
    @pass_state
    def amend(state: CliState, visit_id: str, reason: str, source: str | None) -> None:
        from appliance.commands._service import open_cli_service

        data = _object(read_json_input(source))
        inner = data.get("record")
        record: dict[str, Any] = dict(inner) if isinstance(inner, Mapping) else data
        overrides = data.get("overrides") if "record" in data else None
        if overrides is not None and not isinstance(overrides, list):
            raise InputError("overrides 必须是列表。", "overrides must be a list.")
        with open_cli_service(state) as service:
            result = service.amend_visit(visit_id, record, reason, overrides)
        state.emit(result, human=_human)
