"""Errors of the knowledge base and health assistant (issue 8) area."""

from __future__ import annotations

from appliance.errors._base import ClinicBoxError, InputError, NotFoundError


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
