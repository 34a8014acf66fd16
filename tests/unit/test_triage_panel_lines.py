"""The TUI triage panel says where each finding came from (rule, semantic, model) with its span,
and shows the model's unconfirmed hints as not counted (issue #16)."""

from __future__ import annotations

from tui.widgets.vitals import findings_lines


def test_findings_with_source_and_span_and_model_hints_marked_not_counted() -> None:
    result = {
        "findings": [
            {"id": "C-CHEST-PAIN-ACS", "text": "胸痛", "source": "rule", "span": [0, 2]},
            {
                "id": "C-DYSPNOEA",
                "text": "喘不上气",
                "source": "model",
                "span": [3, 7],
                "similarity": 0.81,
            },
        ],
        "vitals_used": {"hr": {"value": 120, "from": "text", "text": "心率120"}},
        "triage": {
            "model_suggestions": [
                {"id": "C-SEPSIS-SIGNS", "text": "脓毒症", "quote": "发烧", "counted": False}
            ]
        },
    }
    lines = findings_lines(result)
    assert lines[0] == "◦ “胸痛” → C-CHEST-PAIN-ACS [规则, 第1–2字]"
    assert lines[1] == "◦ “喘不上气” → C-DYSPNOEA [模型 0.81, 第4–7字]"
    assert lines[2] == "◦ hr = 120 ← 原文“心率120”"
    assert lines[3].startswith("◦ 模型提示（未计入级别）：“发烧” → C-SEPSIS-SIGNS")
