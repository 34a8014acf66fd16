"""Store commands for patients and data retention."""

from __future__ import annotations

import json

import click

from appliance.commands._base import (
    CliState,
    common_options,
    json_input_argument,
    pass_state,
    read_json_input,
    subgroup,
)
from appliance.commands._store_cli import cli_session, open_cli_store
from appliance.errors import InputError
from appliance.i18n import t

ERASE_REASONS = ("legal_request", "patient_request", "duplicate", "test_data", "retention_expired")


def _register_patient(cli: click.Group) -> None:
    group = subgroup(cli, "patient", t("患者档案。", "Patient registry."))

    @group.command(
        "add",
        help=t(
            "登记患者：JSON {name, sex, birth_date, id_number, phone, address}。",
            "Register a patient from JSON {name, sex, birth_date, id_number, phone, address}.",
        ),
    )
    @json_input_argument
    @common_options
    @pass_state
    def add(state: CliState, source: str | None) -> None:
        from appliance.services import patients

        data = read_json_input(source)
        with open_cli_store(state) as store:
            result = patients.add_patient(cli_session(store), data)
        state.emit(
            result,
            human=lambda r: t("已登记，患者编号 ", "Registered; patient id ") + r["patient_id"],
        )

    @group.command("list", help=t("列出或搜索患者。", "List or search patients."))
    @click.option(
        "--query",
        "-q",
        default="",
        help=t("姓名、身份证号、电话或编号。", "Name, ID number, phone or patient id."),
    )
    @click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000))
    @common_options
    @pass_state
    def list_(state: CliState, query: str, limit: int) -> None:
        from appliance.services import patients

        with open_cli_store(state) as store:
            session = cli_session(store)
            rows = (
                patients.search_patients(session, query, limit)
                if query
                else patients.list_patients(session, limit)
            )
        state.emit(
            rows,
            human=lambda rs: (
                "\n".join(
                    f"{r['patient_id']}  {r['name']}  {r['sex'] or '-'}  {r['age'] if r['age'] is not None else '-'}"
                    for r in rs
                )
                or t("没有患者。", "No patients.")
            ),
        )

    @group.command("show", help=t("显示一位患者。", "Show one patient."))
    @click.argument("patient_id")
    @common_options
    @pass_state
    def show(state: CliState, patient_id: str) -> None:
        from appliance.services import patients

        with open_cli_store(state) as store:
            row = patients.get_patient(cli_session(store), patient_id)
        state.emit(row, human=lambda r: json.dumps(r, ensure_ascii=False, indent=2))

    @group.command(
        "erase",
        help=t(
            "依法删除患者全部数据（不可恢复，审计中只留不可识别的记录）。",
            "Legally erase all of a patient's data (irreversible; the audit keeps a non-identifying tombstone).",
        ),
    )
    @click.argument("patient_id")
    @click.option(
        "--reason", type=click.Choice(ERASE_REASONS), default="legal_request", show_default=True
    )
    @click.option("--yes", is_flag=True, help=t("不再确认。", "Do not ask for confirmation."))
    @common_options
    @pass_state
    def erase(state: CliState, patient_id: str, reason: str, yes: bool) -> None:
        from appliance.commands._store_cli import stdin_is_tty
        from appliance.services import patients

        if not yes:
            if not stdin_is_tty():
                raise InputError(
                    "删除不可恢复：请加 --yes 确认。",
                    "Erasure cannot be undone: add --yes to confirm.",
                )
            click.confirm(
                t(
                    "确定永久删除这位患者的全部数据吗？",
                    "Erase all of this patient's data for good?",
                ),
                abort=True,
                err=True,
            )
        with open_cli_store(state) as store:
            result = patients.erase_patient(cli_session(store), patient_id, reason)
        state.emit(
            result,
            human=lambda r: (
                t("已删除，共 ", "Erased; ")
                + str(sum(r["rows_removed"].values()))
                + t(" 行。", " rows.")
            ),
        )


def _register_retention(cli: click.Group) -> None:
    group = subgroup(cli, "retention", t("数据保存期限。", "Data retention."))

    @group.command(
        "show",
        help=t(
            "显示各类数据的保存期限和已超期的患者。",
            "Show retention per data class and patients past it.",
        ),
    )
    @common_options
    @pass_state
    def show(state: CliState) -> None:
        from appliance.services.store_admin import retention_report

        with open_cli_store(state) as store:
            cli_session(store).require("store.admin")
            report = retention_report(store)
        state.emit(report)

    @group.command(
        "apply",
        help=t(
            "删除已超过保存期限、可自动清理的数据。",
            "Delete data past its retention that may go automatically.",
        ),
    )
    @common_options
    @pass_state
    def apply(state: CliState) -> None:
        from appliance.services.store_admin import apply_retention

        with open_cli_store(state) as store:
            session = cli_session(store)
            session.require("store.admin")
            result = apply_retention(store, actor=session.username)
        state.emit(result)


def register_patient(cli: click.Group) -> None:
    _register_patient(cli)
    _register_retention(cli)
