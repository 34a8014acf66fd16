"""Errors of the LAN API, TLS, pairing, discovery (issue 10) area."""

from __future__ import annotations

from appliance.errors._base import ClinicBoxError


class TlsError(ClinicBoxError):
    code = "tls_missing"
    exit_code = 78
    http_status = 500
    default_zh = "本机的 TLS 证书不存在或无法读取。"
    default_en = "The box's TLS certificate is missing or unreadable."
    default_hint_zh = "请先运行 clinicbox init，或检查数据目录下的 tls/ 文件夹。"
    default_hint_en = "Run clinicbox init first, or check the tls/ folder in the data folder."


class AuthRequired(ClinicBoxError):
    code = "auth_required"
    exit_code = 5
    http_status = 401
    default_zh = "需要登录。"
    default_en = "You need to log in."
    default_hint_zh = "请用您自己的账号登录后重试。"
    default_hint_en = "Log in with your own account and try again."


class DeviceNotPaired(ClinicBoxError):
    code = "device_not_paired"
    exit_code = 5
    http_status = 401
    default_zh = "这台电脑尚未与诊所服务器配对，或配对已被撤销。"
    default_en = "This computer is not paired with the clinic box, or its pairing was revoked."
    default_hint_zh = "请管理员在服务器上生成配对码，然后运行 clinicbox pair。"
    default_hint_en = "Ask the admin for a pairing code on the box, then run clinicbox pair."


class PairingFailed(ClinicBoxError):
    code = "pairing_failed"
    exit_code = 5
    http_status = 403
    default_zh = "配对码无效、已使用或已过期。"
    default_en = "The pairing code is wrong, already used or expired."
    default_hint_zh = "请在服务器上生成新的配对码后重试。"
    default_hint_en = "Make a new pairing code on the box and try again."


class PayloadTooLarge(ClinicBoxError):
    code = "payload_too_large"
    exit_code = 2
    http_status = 413
    default_zh = "上传内容过大。"
    default_en = "The upload is too large."


class ServerUnreachable(ClinicBoxError):
    code = "server_unreachable"
    exit_code = 69
    http_status = 503
    default_zh = "无法连接诊所服务器。"
    default_en = "Cannot reach the clinic box."
    default_hint_zh = "请检查网线/无线网络和服务器电源，或用 clinicbox discover 查找服务器。"
    default_hint_en = "Check the network and the box's power, or find it with clinicbox discover."


class FingerprintMismatch(ClinicBoxError):
    code = "fingerprint_mismatch"
    exit_code = 5
    http_status = 502
    default_zh = "服务器证书指纹与已配对的不一致，可能有人冒充诊所服务器，连接已中止。"
    default_en = (
        "The box's certificate fingerprint differs from the paired one; someone may be "
        "impersonating the box. The connection was stopped."
    )
    default_hint_zh = "请联系管理员核对服务器指纹；确认无误后重新配对。"
    default_hint_en = "Ask the admin to check the box's fingerprint, then pair again."
