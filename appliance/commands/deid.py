"""``clinicbox deid``: de-identify a patient and a structured record (rules only, no model)."""

from __future__ import annotations

from typing import Any

import click
from pydantic import BaseModel, ConfigDict

from appliance.commands._base import (
    CliState,
    common_options,
    json_input_argument,
    pass_state,
    read_json_input,
    validate_input,
)
from appliance.errors import InputError
from appliance.i18n import t


class DeidRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    patient: dict[str, Any] = {}
    record: dict[str, Any] = {}


def _human(result: dict[str, Any]) -> str:
    import json

    info = result["deid"]
    head = t(
        f"已去标识化：替换 {info['replaced']} 处，假名 {info['pseudonym']}",
        f"De-identified: {info['replaced']} replacements, pseudonym {info['pseudonym']}",
    )
    body = {"patient": result["patient"], "record": result["record"]}
    return head + "\n" + json.dumps(body, ensure_ascii=False, indent=2)


def register(cli: click.Group) -> None:
    @cli.command(
        "deid",
        help=t(
            "去标识化：删除或泛化患者信息和病历中的身份标识（姓名、身份证号、电话、住址、日期等），"
            "只有去标识化的数据才能离开诊所。",
            "De-identify a patient and a record: remove or generalise names, ID numbers, phones, "
            "addresses, dates and other identifiers. Only de-identified data leaves the clinic.",
        ),
    )
    @json_input_argument
    @common_options
    @pass_state
    def deid(state: CliState, source: str | None) -> None:
        from sync.deid import deidentify
        from sync.keys import box_keys

        req = validate_input(DeidRequest, read_json_input(source))
        if not req.patient and not req.record:
            raise InputError(
                '没有要去标识化的内容：输入需要 {"patient": {...}, "record": {...}}。',
                'Nothing to de-identify: the input needs {"patient": {...}, "record": {...}}.',
                details={"fields": ["patient", "record"]},
            )
        keys = box_keys(state.settings().data_dir)
        state.emit(deidentify(req.patient, req.record, keys.deid_secret), human=_human)
