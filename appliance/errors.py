"""The one error base of ClinicBox.

Every error the product raises on purpose is a :class:`ClinicBoxError` subclass with a stable
``code`` (for scripts and the API), a Chinese and an English message, and a hint of what to do.
The CLI prints ``{"error": {"code", "message"}}`` (``--json``) or one readable line and exits with
``exit_code``; the API maps ``http_status``. Messages must never contain patient data.

Add subclasses for your area at the end of this module, grouped under a comment.
"""

from __future__ import annotations

from typing import Any, ClassVar

from appliance.i18n import t


class ClinicBoxError(Exception):
    """Base class. Subclasses set ``code``, default texts and exit/HTTP codes."""

    code: ClassVar[str] = "internal"
    exit_code: ClassVar[int] = 1
    http_status: ClassVar[int] = 500
    default_zh: ClassVar[str] = "发生错误。"
    default_en: ClassVar[str] = "An error occurred."
    default_hint_zh: ClassVar[str] = ""
    default_hint_en: ClassVar[str] = ""

    def __init__(
        self,
        zh: str | None = None,
        en: str | None = None,
        *,
        hint_zh: str | None = None,
        hint_en: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.message_zh = zh or self.default_zh
        self.message_en = en or self.default_en
        self.hint_zh = hint_zh if hint_zh is not None else self.default_hint_zh
        self.hint_en = hint_en if hint_en is not None else self.default_hint_en
        self.details: dict[str, Any] = details or {}
        super().__init__(self.message_en)

    def message(self, lang: str | None = None) -> str:
        """The message in ``lang`` (current language by default), with the hint appended."""
        msg = t(self.message_zh, self.message_en, lang)
        hint = t(self.hint_zh, self.hint_en, lang)
        if not hint:
            return msg
        if t("zh", "en", lang) == "zh":
            return msg + ("" if msg.endswith(("。", "！", "？")) else "。") + hint
        return msg + ("" if msg.endswith((".", "!", "?")) else ".") + " " + hint

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message(lang)}
        if self.details:
            body["details"] = self.details
        return {"error": body}


# --- general -------------------------------------------------------------------------------


class InputError(ClinicBoxError):
    """The user's input is malformed or invalid (exit 2, like a usage error)."""

    code = "bad_input"
    exit_code = 2
    http_status = 422
    default_zh = "输入内容无效。"
    default_en = "The input is not valid."


class UsageError(InputError):
    code = "usage"
    default_zh = "命令用法有误。"
    default_en = "The command was used incorrectly."
    default_hint_zh = "请运行 clinicbox --help 查看用法。"
    default_hint_en = "Run clinicbox --help to see how to use it."


class ConfigError(ClinicBoxError):
    code = "config"
    exit_code = 78
    default_zh = "配置有误。"
    default_en = "The configuration is not valid."


class NotFoundError(ClinicBoxError):
    code = "not_found"
    exit_code = 4
    http_status = 404
    default_zh = "未找到所请求的内容。"
    default_en = "The requested item was not found."


class PermissionDenied(ClinicBoxError):
    code = "permission_denied"
    exit_code = 5
    http_status = 403
    default_zh = "您没有执行此操作的权限。"
    default_en = "You are not allowed to do this."


class DependencyMissing(ClinicBoxError):
    """An optional component (extra) is not installed on this box."""

    code = "dependency_missing"
    exit_code = 69
    http_status = 503
    default_zh = "所需组件未安装。"
    default_en = "A required component is not installed."
    default_hint_zh = "请运行 firmware_scripts/install.sh 安装完整组件。"
    default_hint_en = "Run firmware_scripts/install.sh to install all components."


class InternalError(ClinicBoxError):
    """Wraps an unexpected exception; carries only a reference id, never its text."""

    code = "internal"
    exit_code = 70
    default_zh = "内部错误。"
    default_en = "Internal error."

    def __init__(self, ref: str) -> None:
        super().__init__(
            f"内部错误（参考编号 {ref}），数据未丢失。",
            f"Internal error (reference {ref}); no data was lost.",
            hint_zh="请将参考编号告知管理员，日志中有详细信息。",
            hint_en="Give the reference to your administrator; details are in the log.",
            details={"ref": ref},
        )
        self.ref = ref


# --- LAN API, TLS, pairing, discovery (issue 10) -------------------------------------------


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


class RateLimited(ClinicBoxError):
    code = "rate_limited"
    exit_code = 75
    http_status = 429
    default_zh = "请求过于频繁，请稍后再试。"
    default_en = "Too many requests; try again shortly."


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


# --- clinic service interface and TUI (issue 9) ---------------------------------------------


class FeatureUnavailable(ClinicBoxError):
    """A part of the box (store, model, speech, assistant, sync…) is not installed or not
    available right now; front ends show it as "not available", never as a crash."""

    code = "feature_unavailable"
    exit_code = 69
    http_status = 503
    default_zh = "此功能尚未安装或暂不可用。"
    default_en = "This feature is not installed or not available."
    default_hint_zh = "请联系管理员安装相应组件（clinicbox doctor 可查看本机状态）。"
    default_hint_en = "Ask the administrator to install it (clinicbox doctor shows this box's state)."


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


# --- knowledge base and health assistant (issue 8) -----------------------------------------


class KnowledgeImportError(InputError):
    """A document could not be imported into the knowledge base."""

    code = "kb_import"
    default_zh = "文档无法导入知识库。"
    default_en = "The document could not be imported into the knowledge base."


class KnowledgeDocNotFound(NotFoundError):
    code = "kb_doc_not_found"
    default_zh = "知识库中没有这个文档。"
    default_en = "No such document in the knowledge base."
    default_hint_zh = "运行 clinicbox kb list 查看已导入的文档。"
    default_hint_en = "Run clinicbox kb list to see the imported documents."


class IdentityNotVerified(ClinicBoxError):
    """Self-service look-ups need the visit code and the last 4 digits of the phone first."""

    code = "identity_not_verified"
    exit_code = 5
    http_status = 401
    default_zh = "身份未验证：请先输入就诊码和手机号后四位。"
    default_en = "Identity not verified: enter the visit code and the last 4 digits of the phone."
    default_hint_zh = "如忘记就诊码，请到前台咨询。"
    default_hint_en = "If you lost the visit code, please ask at the front desk."


class RateLimited(ClinicBoxError):
    code = "rate_limited"
    exit_code = 75
    http_status = 429
    default_zh = "操作太频繁，请稍后再试。"
    default_en = "Too many requests; please try again later."
    default_hint_zh = "如需帮助，请到前台咨询工作人员。"
    default_hint_en = "If you need help, please ask the staff at the front desk."


class SelfServiceError(InputError):
    """A self-service request cannot be done (slot taken, no such report…)."""

    code = "self_service"
    default_zh = "无法完成此操作。"
    default_en = "This request cannot be completed."
    default_hint_zh = "请到前台咨询工作人员。"
    default_hint_en = "Please ask the staff at the front desk."
