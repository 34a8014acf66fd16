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
