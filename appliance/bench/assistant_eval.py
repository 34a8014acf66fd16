"""Accuracy evaluation of the assistant (``clinicbox bench assistant``; docs/accuracy.md).

- Patient questions (``docs/eval/patient_questions.json``): recall@5 of retrieval (lexical and
  hybrid), top-1 citation accuracy, refusal and false refusal, emergency detection, declined
  diagnosis/prescription requests, groundedness of the answers (rule: every sentence supported
  by its cited chunks).
- Clinical cases (``docs/eval/clinical_cases.json``): top-1/top-3 differential hit rate, referral.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from appliance.knowledge.kb import KnowledgeBase
from appliance.services._assistant_advise import advise_record
from appliance.services._assistant_answer import answer_question
from appliance.services._assistant_grounding import split_sentences, support
from appliance.services.ports import EnginePort


def load_eval(name: str) -> dict[str, Any]:
    text = resources.files("appliance.knowledge").joinpath("docs", "eval", name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _pct(num: int, den: int) -> float:
    return round(100.0 * num / den, 1) if den else 0.0


def recall_at_k(kb: KnowledgeBase, questions: list[dict[str, Any]], k: int = 5) -> dict[str, Any]:
    found = 0
    reciprocal = 0.0
    misses = []
    for q in questions:
        hits = kb.search(q["question"], k=k, audience="patient")
        keys = [(h.doc, h.section) for h in hits]
        wanted = {(e["doc"], e["section"]) for e in q["expect"]}
        rank = next((i for i, key in enumerate(keys, start=1) if key in wanted), None)
        if rank is None:
            misses.append(q["id"])
        else:
            found += 1
            reciprocal += 1.0 / rank
    return {
        "recall": _pct(found, len(questions)),
        "mrr": round(reciprocal / len(questions), 3) if questions else 0.0,
        "misses": misses,
    }


def _grounded(answer: str, citations: list[dict[str, str]]) -> bool:
    sources = [c["text"] for c in citations]
    body = [s.split("】")[-1] for s in split_sentences(answer)]
    return bool(sources) and all(support(s, sources) >= 0.6 for s in body if s.strip())


def evaluate_questions(
    kb: KnowledgeBase, engine: EnginePort | None = None, name: str = "patient_questions.json"
) -> dict[str, Any]:
    """End-to-end behaviour of ``ask`` on every question (with ``engine`` when given)."""
    data = load_eval(name)["questions"]
    by_type: dict[str, list[dict[str, Any]]] = {}
    for q in data:
        by_type.setdefault(q["type"], []).append(q)
    outcome: dict[str, Any] = {"questions": len(data)}
    counts = {
        "top1": 0,
        "cited": 0,
        "false_refusal": 0,
        "grounded": 0,
        "answered": 0,
        "kb_answers": 0,
    }
    failures: list[dict[str, str]] = []
    for q in by_type.get("answer", []):
        result = answer_question(kb, q["question"], engine=engine, no_llm=engine is None)
        wanted = {(e["section"]) for e in q["expect"]}
        sections = [c["section"] for c in result.citations]
        if result.kind == "refusal":
            counts["false_refusal"] += 1
            failures.append({"id": q["id"], "why": "refused"})
            continue
        counts["answered"] += 1
        counts["top1"] += bool(sections and sections[0] in wanted)
        counts["cited"] += bool(wanted & set(sections))
        if result.kind in ("answer", "passages"):
            counts["grounded"] += _grounded(result.answer, result.citations)
            counts["kb_answers"] += 1
        if not wanted & set(sections):
            failures.append({"id": q["id"], "why": "wrong citation: " + "|".join(sections)})
    n_answer = len(by_type.get("answer", []))
    outcome["answerable"] = {
        "n": n_answer,
        "top1_citation": _pct(counts["top1"], n_answer),
        "expected_chunk_cited": _pct(counts["cited"], n_answer),
        "false_refusal": _pct(counts["false_refusal"], n_answer),
        "grounded_answers": _pct(counts["grounded"], counts["kb_answers"]),
    }
    for kind, expected_kind in (("refusal", "refusal"), ("emergency", "emergency"),
                                ("declined", "declined")):  # fmt: skip
        items = by_type.get(kind, [])
        ok = 0
        for q in items:
            got = answer_question(kb, q["question"], engine=None, no_llm=True).kind
            if got == expected_kind:
                ok += 1
            else:
                failures.append({"id": q["id"], "why": f"expected {expected_kind}, got {got}"})
        outcome[kind] = {"n": len(items), "correct": _pct(ok, len(items))}
    false_alarms = sum(
        answer_question(kb, q["question"], no_llm=True).kind == "emergency"
        for q in data
        if q["type"] != "emergency"
    )
    outcome["emergency"]["false_alarms"] = false_alarms
    outcome["failures"] = failures
    return outcome


def evaluate_cases(kb: KnowledgeBase) -> dict[str, Any]:
    cases = load_eval("clinical_cases.json")["cases"]
    top1 = top3 = refer_ok = refer_n = 0
    misses = []
    for case in cases:
        result = advise_record(kb, case["record"])
        names = [d["name"] for d in result["differentials"]]
        known = [{d["name"], *d.get("aliases", ())} for d in result["differentials"]]
        top1 += bool(known) and case["expected"] in known[0]
        hit3 = any(case["expected"] in k for k in known[:3])
        top3 += hit3
        if not hit3:
            misses.append({"id": case["id"], "expected": case["expected"], "got": names[:3]})
        if case.get("refer") is not None:
            refer_n += 1
            refer_ok += result["refer"] == case["refer"]
    return {
        "cases": len(cases),
        "top1": _pct(top1, len(cases)),
        "top3": _pct(top3, len(cases)),
        "refer_agreement": _pct(refer_ok, refer_n),
        "refer_cases": refer_n,
        "misses": misses,
    }


def _question_report(
    lexical: KnowledgeBase, hybrid: KnowledgeBase | None, name: str
) -> dict[str, Any]:
    questions = [q for q in load_eval(name)["questions"] if q["type"] == "answer"]
    report: dict[str, Any] = {"retrieval": {"lexical": recall_at_k(lexical, questions)}}
    if hybrid is not None:
        report["retrieval"]["hybrid"] = recall_at_k(hybrid, questions)
    report["ask_lexical"] = evaluate_questions(lexical, name=name)
    if hybrid is not None:
        report["ask_hybrid"] = evaluate_questions(hybrid, name=name)
    return report


def evaluate_all(lexical: KnowledgeBase, hybrid: KnowledgeBase | None) -> dict[str, Any]:
    report = _question_report(lexical, hybrid, "patient_questions.json")
    report["holdout"] = _question_report(lexical, hybrid, "patient_questions_holdout.json")
    report["advise"] = evaluate_cases(hybrid or lexical)
    return report
