"""Errors of the clinical safety area."""

from __future__ import annotations

from appliance.errors._base import InputError


class OverrideReasonMissing(InputError):
    """A medication alert override was given without a reason."""

    code = "override_reason_required"
    default_zh = "忽略用药警示时必须填写理由。"
    default_en = "Overriding a medication alert requires a reason."
    default_hint_zh = "请在 overrides 中为每条警示填写 reason。"
    default_hint_en = "Give a reason for each entry in overrides."


class SignBlocked(InputError):
    """A record cannot be signed yet: something a signed record needs is missing (chief
    complaint, a diagnosis, an override reason for a major/contraindicated alert)."""

    code = "sign_blocked"
    default_zh = "病历还不能签名。"
    default_en = "The record cannot be signed yet."
    default_hint_zh = "请补全所列内容后再签名；草稿已可照常保存。"
    default_hint_en = "Complete what is listed, then sign; saving a draft still works."


class RecordAlreadySigned(InputError):
    """A save tried to replace a signed record; changes after signing are amendments."""

    code = "record_signed"
    http_status = 409
    default_zh = "此病历已签名，不能再保存草稿或直接修改。"
    default_en = "This record is signed; it cannot be replaced by a draft or changed in place."
    default_hint_zh = "如需更正，请做病历修订并写明理由（clinicbox visit amend --reason）。"
    default_hint_en = (
        "To correct it, amend the record with a reason (clinicbox visit amend --reason)."
    )


class RecordNotSigned(InputError):
    """An action that needs a signed record (referral, amendment) was asked of a draft."""

    code = "record_not_signed"
    http_status = 409
    default_zh = "病历尚未签名定稿。"
    default_en = "The record is not signed yet."
    default_hint_zh = "请先补全并签名病历。"
    default_hint_en = "Complete and sign the record first."
