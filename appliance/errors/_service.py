"""Errors of the clinic service interface and TUI (issue 9) area."""

from __future__ import annotations

from appliance.errors._base import ClinicBoxError


class FeatureUnavailable(ClinicBoxError):
    """A part of the box (store, model, speech, assistant, sync…) is not installed or not
    available right now; front ends show it as "not available", never as a crash."""

    code = "feature_unavailable"
    exit_code = 69
    http_status = 503
    default_zh = "此功能尚未安装或暂不可用。"
    default_en = "This feature is not installed or not available."
    default_hint_zh = "请联系管理员安装相应组件（clinicbox doctor 可查看本机状态）。"
    default_hint_en = (
        "Ask the administrator to install it (clinicbox doctor shows this box's state)."
    )


class Cancelled(ClinicBoxError):
    """Long work was cancelled by the user; nothing was saved."""

    code = "cancelled"
    exit_code = 130
    http_status = 499
    default_zh = "已取消，未保存任何内容。"
    default_en = "Cancelled; nothing was saved."


class NotLoggedIn(ClinicBoxError):
    code = "not_logged_in"
    exit_code = 5
    http_status = 401
    default_zh = "请先登录。"
    default_en = "Please log in first."
