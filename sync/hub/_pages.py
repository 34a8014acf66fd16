"""The mentor review web page (server-rendered HTML, bilingual, no JavaScript)."""

from __future__ import annotations

import json
from html import escape
from typing import Any

_STYLE = (
    "body{font-family:sans-serif;max-width:960px;margin:2em auto;padding:0 1em}"
    "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 8px}"
    "pre{white-space:pre-wrap;background:#f6f6f6;padding:8px}"
)


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def _pct(v: Any) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def case_list_page(cases: list[dict[str, Any]], indicators: list[dict[str, Any]], who: str) -> str:
    rows = "".join(
        f"<tr><td>{escape(c['clinic_name'])}</td><td><a href='/mentor/{escape(c['clinic_id'])}/"
        f"{escape(c['case_id'])}/{c['version']}'>{escape(c['case_id'])} v{c['version']}</a></td>"
        f"<td>{escape(c['chief_complaint'])}</td><td>{escape(c['question'])}</td>"
        f"<td>{'待回复 new' if c['status'] == 'new' else '已回复 reviewed'}</td></tr>"
        for c in cases
    )
    ind = "".join(
        f"<tr><td>{escape(i['clinic_name'])}</td><td>{i['visits']}</td><td>{_pct(i['antibiotic_rate'])}</td>"
        f"<td>{_pct(i['qc_pass_rate'])}</td><td>{_pct(i['referral_rate'])}</td>"
        f"<td>{_pct(i['followup_rate'])}</td><td>{escape(i['source'])}</td></tr>"
        for i in indicators
    )
    body = (
        f"<h1>转诊病例 Referred cases</h1><p>{escape(who)}</p>"
        "<table><tr><th>诊所 Clinic</th><th>病例 Case</th><th>主诉 Complaint</th>"
        f"<th>问题 Question</th><th>状态 Status</th></tr>{rows}</table>"
        "<h2>质量指标 Indicators</h2><table><tr><th>诊所</th><th>就诊 Visits</th>"
        "<th>抗菌药物使用率 Antibiotic</th><th>质控合格率 QC pass</th><th>转诊率 Referral</th>"
        f"<th>随访率 Follow-up</th><th>来源 Source</th></tr>{ind}</table>"
    )
    return _page("ClinicBox 帮扶病例", body)


def case_page(clinic_id: str, case_id: str, version: int, case: dict[str, Any]) -> str:
    payload = case["payload"]
    replies = "".join(
        f"<li>{escape(r['created_at'])} {escape(r['mentor'])}: {escape(r['advice'])}</li>"
        for r in case["replies"]
    )
    body = (
        f"<p><a href='/mentor'>← 返回 Back</a></p><h1>{escape(case_id)} v{version}</h1>"
        f"<h2>问题 Question</h2><p>{escape(str(payload.get('question', '')))}</p>"
        f"<h2>病历 Record（已去标识化 de-identified）</h2>"
        f"<pre>{escape(json.dumps(payload.get('record', {}), ensure_ascii=False, indent=2))}</pre>"
        f"<h2>回复 Replies</h2><ul>{replies}</ul>"
        f"<form method='post' action='/mentor/{escape(clinic_id)}/{escape(case_id)}/{version}'>"
        "<textarea name='advice' rows='6' cols='80' required></textarea><br>"
        "<button type='submit'>发送指导意见 Send advice</button></form>"
    )
    return _page(f"病例 {case_id}", body)
