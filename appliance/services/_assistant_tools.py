"""Patient self-service tools: schedule and booking, report and fee look-up, follow-up reminders.

The model (or, without one, a keyword router) only *chooses* a tool and its arguments as JSON
that must validate against the tool's schema; code executes it, and only for a verified
identity (visit code + last 4 digits of the phone), rate-limited and written to the audit chain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from appliance.errors import InputError
from appliance.services.ports import EnginePort


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScheduleArgs(_Args):
    day: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    department: str | None = Field(None, max_length=40)


class BookArgs(_Args):
    slot_id: str = Field(min_length=4, max_length=64)


class CancelArgs(_Args):
    appointment_id: str = Field(min_length=4, max_length=64)


class NoArgs(_Args):
    pass


@dataclass(frozen=True)
class ToolSpec:
    name: str
    zh: str
    en: str
    args: type[_Args]
    keywords: str  # regex for the keyword router used without a model


TOOLS: dict[str, ToolSpec] = {
    spec.name: spec
    for spec in (
        ToolSpec("schedule", "查看排班和可预约号源", "See the schedule and free slots",
                 ScheduleArgs, r"排班|号源|哪天.{0,4}(看|上班)|有号|坐诊|出诊"),
        ToolSpec("book", "预约一个号", "Book a slot", BookArgs, r"预约|挂.{0,2}号|约.{0,2}号"),
        ToolSpec("my_appointments", "我的预约", "My appointments", NoArgs,
                 r"我的预约|约了(什么|哪)|预约(记录|情况)"),
        ToolSpec("cancel", "取消预约", "Cancel a booking", CancelArgs, r"取消|退号"),
        ToolSpec("reports", "查检查/化验报告", "Look up lab reports", NoArgs,
                 r"报告|化验(单|结果)|检查结果|结果出来"),
        ToolSpec("fees", "查费用", "Look up fees", NoArgs, r"费用|多少钱|花了|缴费|账单|收费"),
        ToolSpec("followups", "随访和复查提醒", "Follow-up reminders", NoArgs,
                 r"随访|复查|复诊|提醒|什么时候再来"),
    )
}  # fmt: skip


def tool_call_schema() -> dict[str, Any]:
    """The bounded JSON schema the model fills to choose a tool (function calling)."""
    return {
        "type": "object",
        "properties": {
            "tool": {"type": "string", "enum": [*TOOLS, "none"]},
            "slot_id": {"type": "string", "maxLength": 64},
            "appointment_id": {"type": "string", "maxLength": 64},
            "day": {"type": "string", "maxLength": 10},
            "department": {"type": "string", "maxLength": 40},
        },
        "required": ["tool"],
    }


def route_by_keywords(message: str) -> str | None:
    """The tool a message asks for, by keyword (the deterministic router); None if no tool.

    Order matters: cancel before book (取消预约), my appointments before book."""
    for name in ("cancel", "my_appointments", "reports", "fees", "followups", "schedule", "book"):
        if re.search(TOOLS[name].keywords, message):
            return name
    return None


def validate_call(name: str, arguments: dict[str, Any]) -> _Args:
    """Validate a tool call chosen by the model or the router; unknown tools are refused."""
    spec = TOOLS.get(name)
    if spec is None:
        raise InputError(f"没有这个自助功能：{name}", f"No such self-service tool: {name}")
    allowed = set(spec.args.model_fields)
    clean = {k: v for k, v in arguments.items() if k in allowed and v not in (None, "")}
    try:
        return spec.args.model_validate(clean)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
        raise InputError(
            f"自助功能参数有误：{fields}", f"Invalid self-service arguments: {fields}"
        ) from None


def plan_with_model(engine: EnginePort, message: str) -> tuple[str | None, dict[str, Any]]:
    """Ask the model to pick a tool (JSON-schema output); falls back to keywords on failure."""
    tools = "；".join(f"{s.name}={s.zh}" for s in TOOLS.values())
    messages = [
        {
            "role": "system",
            "content": "你是卫生院自助服务的路由器。根据患者的话选择一个功能，只输出JSON。"
            f"功能：{tools}；都不是则 tool=none。",
        },
        {"role": "user", "content": message},
    ]
    try:
        res = engine.chat(messages, task="assistant", schema=tool_call_schema(), max_tokens=96)
        data = res.data if isinstance(res.data, dict) else {}
        name = str(data.get("tool", "none"))
        if name in TOOLS:
            return name, {k: v for k, v in data.items() if k != "tool"}
    except Exception:  # noqa: S110 - the keyword router below is the fallback
        pass
    return route_by_keywords(message), {}
