"""``clinicbox consent …``: record and show patients' consent to mentor review (PIPL)."""

from __future__ import annotations

import click

from appliance.commands._base import BilingualGroup, CliState, common_options, pass_state
from appliance.i18n import t


def _record(state: CliState, patient: str, granted: bool, method: str, note: str) -> None:
    from appliance.commands._store_cli import cli_session, open_cli_store
    from appliance.services.patients import get_patient
    from sync import outbox

    store = open_cli_store(state)
    try:
        session = cli_session(store)
        get_patient(session, patient)  # must exist (raises NotFound otherwise)
        row = outbox.record_consent(store, patient, granted, session.username, method, note)
        session.audit(
            "consent.grant" if granted else "consent.withdraw",
            patient_id=patient,
            detail={"scope": row["scope"], "method": method},
        )
    finally:
        store.close()
    state.emit(
        row,
        human=lambda r: t(
            "已登记患者同意。" if granted else "已登记撤回同意。",
            "Consent recorded." if granted else "Withdrawal recorded.",
        ),
    )


def register(cli: click.Group) -> None:
    @cli.group(
        "consent",
        cls=BilingualGroup,
        help=t(
            "患者知情同意（帮扶医院会诊），可审计。",
            "Patient consent to mentor review (auditable).",
        ),
    )
    def consent() -> None:
        pass

    method_option = click.option(
        "--method", type=click.Choice(["written", "verbal", "electronic"]), default="written"
    )

    @consent.command(
        "grant",
        help=t(
            "登记患者同意将去标识化病例发给帮扶医院。",
            "Record that the patient consents to mentor review.",
        ),
    )
    @click.option("--patient", required=True)
    @method_option
    @click.option("--note", default="")
    @common_options
    @pass_state
    def grant(state: CliState, patient: str, method: str, note: str) -> None:
        _record(state, patient, True, method, note)

    @consent.command(
        "withdraw", help=t("登记患者撤回同意。", "Record that the patient withdraws consent.")
    )
    @click.option("--patient", required=True)
    @method_option
    @click.option("--note", default="")
    @common_options
    @pass_state
    def withdraw(state: CliState, patient: str, method: str, note: str) -> None:
        _record(state, patient, False, method, note)

    @consent.command(
        "show", help=t("显示患者的同意记录（全部历史）。", "Show a patient's consent history.")
    )
    @click.option("--patient", required=True)
    @common_options
    @pass_state
    def show(state: CliState, patient: str) -> None:
        from appliance.commands._store_cli import open_cli_store
        from sync import outbox

        store = open_cli_store(state, read_only=True)
        try:
            rows = outbox.consent_history(store, patient)
        finally:
            store.close()
        current = bool(rows and rows[-1]["granted"])
        state.emit({"patient_id": patient, "consented": current, "history": rows}, human=None)
