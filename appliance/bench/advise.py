"""``clinicbox bench advise``: how fast decision support answers, and how accurate it is on a case
file (the bundled clinician cases by default; a development or held-out TOML file with --cases).

Rules-only target: < 1 s per record warm; with the model: < 20 s on 2 cores.
"""

from __future__ import annotations

import json
import time
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from appliance.knowledge.conditions_kb import condition_kb
from appliance.services._advise_model import apply_model
from appliance.services._assistant_advise import advise_record, record_text, validate_record

_SHORT = {"cc": "chief_complaint", "hpi": "present_illness", "pmh": "past_history",
          "exam": "physical_exam", "aux": "auxiliary_exams"}  # fmt: skip


_WARM_UP = {"chief_complaint": "发热咳嗽3天", "physical_exam": "右下肺湿啰音",
            "auxiliary_exams": "胸片右下肺斑片影", "patient": {"age": 50}}  # fmt: skip


def load_cases(path: Path | None) -> list[dict[str, Any]]:
    """Cases as ``{"id", "record", "expected", "refer"}`` from a TOML case file or the bundled set."""
    if path is None:
        text = resources.files("appliance.knowledge").joinpath(
            "docs", "eval", "clinical_cases.json"
        )
        return list(json.loads(text.read_text("utf-8"))["cases"])
    out = []
    for case in tomllib.loads(path.read_text("utf-8"))["case"]:
        record = dict(case.get("record") or {})
        record.update({long: case[short] for short, long in _SHORT.items() if short in case})
        patient = {k: case[k] for k in ("age", "sex") if k in case}
        if patient:
            record["patient"] = patient
        out.append({**case, "record": record})
    return out


def _expected_name(expected: str) -> str:
    try:
        return condition_kb().get(expected).name
    except KeyError:
        return expected


def _hit(expected: str, diff: dict[str, Any]) -> bool:
    return expected in {diff["name"], diff.get("icd10"), *diff.get("aliases", ())}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3) if ordered else 0.0


def bench_advise(cases: list[dict[str, Any]], engine: Any = None) -> dict[str, Any]:
    started = time.perf_counter()
    condition_kb()
    advise_record(None, validate_record(_WARM_UP))  # loads triage, medication and exam rules
    first: float | None = time.perf_counter() - started
    times: list[float] = []
    model_times: list[float] = []
    top1 = top3 = need = referred = township = kept = 0
    for case in cases:
        record = validate_record(case["record"])
        t0 = time.perf_counter()
        out = advise_record(None, record)
        elapsed = time.perf_counter() - t0
        times.append(elapsed)
        if engine is not None:
            t1 = time.perf_counter()
            out = apply_model(out, record_text(record), engine)
            model_times.append(time.perf_counter() - t1 + elapsed)
        expected = _expected_name(str(case.get("expected", "")))
        diffs = out["differentials"]
        top1 += bool(diffs) and _hit(expected, diffs[0])
        top3 += any(_hit(expected, d) for d in diffs[:3])
        if case.get("refer") is True:
            need += 1
            referred += out["refer"]
        elif case.get("refer") is False:
            township += 1
            kept += not out["refer"]
    n = max(len(cases), 1)
    report: dict[str, Any] = {
        "cases": len(cases),
        "conditions": len(condition_kb().conditions),
        "top1": round(top1 / n, 3),
        "top3": round(top3 / n, 3),
        "refer_when_needed": f"{referred}/{need}",
        "not_referred_when_not_needed": f"{kept}/{township}",
        "rules_cold_start_s": round(first or 0.0, 3),
        "rules_p50_s": _pct(times, 0.5),
        "rules_p95_s": _pct(times, 0.95),
        "rules_max_s": round(max(times, default=0.0), 3),
        "rules_under_1s": all(x < 1.0 for x in times),
    }
    if engine is not None:
        report.update({"model_p50_s": _pct(model_times, 0.5),
                       "model_max_s": round(max(model_times, default=0.0), 3),
                       "model_under_20s": all(x < 20.0 for x in model_times)})  # fmt: skip
    return report
