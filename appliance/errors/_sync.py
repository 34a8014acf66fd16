"""Errors of the sync and hub (issue 11) area."""

from __future__ import annotations

from appliance.errors._base import ClinicBoxError


class SyncKeyError(ClinicBoxError):
    code = "sync_keys"
    exit_code = 78
    default_zh = "同步密钥缺失或已损坏。"
    default_en = "The sync keys are missing or damaged."
    default_hint_zh = "请联系管理员恢复密钥文件，或重新登记到帮扶医院。"
    default_hint_en = "Ask the administrator to restore the key file or enrol with the hub again."


class BundleRejected(ClinicBoxError):
    """A case bundle or reply failed decryption, signature or shape checks."""

    code = "bundle_rejected"
    exit_code = 65
    http_status = 400
    default_zh = "病例包校验失败（签名或加密无效），已拒收。"
    default_en = (
        "The case bundle failed verification (bad signature or encryption) and was refused."
    )


class UpdateRejected(ClinicBoxError):
    code = "update_rejected"
    exit_code = 65
    http_status = 400
    default_zh = "更新包签名无效或内容被篡改，已拒绝安装。"
    default_en = "The update's signature is not valid or its content was altered; not installed."
    default_hint_zh = "请从帮扶医院重新获取更新包。"
    default_hint_en = "Get the update again from the mentor hospital."


class ConsentRequired(ClinicBoxError):
    code = "consent_required"
    exit_code = 5
    http_status = 403
    default_zh = "患者未同意将病例发送给帮扶医院会诊，不能发送。"
    default_en = "The patient has not consented to mentor review; the case cannot be sent."
    default_hint_zh = "请先征得患者同意并登记：clinicbox consent grant。"
    default_hint_en = "Ask the patient and record consent first: clinicbox consent grant."


class HubUnavailable(ClinicBoxError):
    code = "hub_unavailable"
    exit_code = 75
    http_status = 503
    default_zh = "暂时连不上帮扶医院服务器，稍后自动重试，病例不会丢失。"
    default_en = "The mentor hub cannot be reached now; sync retries later and no case is lost."


class HubRequestRejected(ClinicBoxError):
    code = "hub_rejected"
    exit_code = 1
    http_status = 400
    default_zh = "帮扶医院服务器拒绝了请求。"
    default_en = "The mentor hub refused the request."


class NotEnrolled(ClinicBoxError):
    code = "not_enrolled"
    exit_code = 78
    default_zh = "本机尚未登记到帮扶医院。"
    default_en = "This box is not enrolled with a mentor hub yet."
    default_hint_zh = "请运行 clinicbox sync enrol --hub URL --token 令牌。"
    default_hint_en = "Run clinicbox sync enrol --hub URL --token TOKEN."
