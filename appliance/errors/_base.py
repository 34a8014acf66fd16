"""The one error base of ClinicBox.

Every error the product raises on purpose is a :class:`ClinicBoxError` subclass with a stable
``code`` (for scripts and the API), a Chinese and an English message, and a hint of what to do.
The CLI prints ``{"error": {"code", "message"}}`` (``--json``) or one readable line and exits with
``exit_code``; the API maps ``http_status``. Messages must never contain patient data.

Area errors live in ``appliance/errors/_<area>.py``; this package re-exports all of them, so
callers always ``from appliance.errors import X``.
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
