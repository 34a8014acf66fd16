"""Accuracy of ``clinicbox advise`` (rules only) on a case file; docs/accuracy.md quotes it.

    .venv/bin/python -m tests.clinical_cases.advise_accuracy                 # development set
    .venv/bin/python -m tests.clinical_cases.advise_accuracy path/to/cases.toml

A case: ``expected`` (condition id, or a name/alias/ICD-10 code), ``refer`` (bool), and the record
fields ``cc`` ``hpi`` ``pmh`` ``exam`` ``aux`` (or a ``record`` table), ``age``, ``sex``.
"""

from __future__ import annotations

import json
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FIELDS = {"cc": "chief_complaint", "hpi": "present_illness", "pmh": "past_history",
          "exam": "physical_exam", "aux": "auxiliary_exams"}  # fmt: skip


def case_record(case: dict[str, Any]) -> dict[str, Any]:
    record = dict(case.get("record") or {})
    for short, name in FIELDS.items():
        if short in case:
            record[name] = case[short]
    patient = {k: case[k] for k in ("age", "sex") if k in case}
    if patient:
        record["patient"] = patient
    return record


def hit(expected: str, differential: dict[str, Any]) -> bool:
    from appliance.knowledge.conditions_kb import condition_kb

    names = {differential["name"], *differential.get("aliases", []), differential.get("icd10")}
    try:
        return condition_kb().get(expected).name == differential["name"]
    except KeyError:  # a name, alias or ICD-10 code written by the case author
        return expected in names


def advise_report(path: Path = HERE / "advise_dev.toml") -> dict[str, Any]:
    from appliance.knowledge.conditions_kb import condition_kb
    from appliance.services._assistant_advise import advise_record, validate_record

    cases = tomllib.loads(path.read_text("utf-8"))["case"]
    top1 = top3 = refer_pos = refer_pos_n = refer_neg = refer_neg_n = 0
    misses: list[dict[str, Any]] = []
    slowest = 0.0
    for case in cases:
        start = time.perf_counter()
        out = advise_record(None, validate_record(case_record(case)))
        slowest = max(slowest, time.perf_counter() - start)
        diffs = out["differentials"]
        ok1 = bool(diffs) and hit(case["expected"], diffs[0])
        ok3 = any(hit(case["expected"], d) for d in diffs[:3])
        top1 += ok1
        top3 += ok3
        try:
            cond = condition_kb().get(case["expected"])
            must_refer = cond.must_not_miss or cond.scope == "refer"
        except KeyError:
            must_refer = bool(case.get("refer"))
        if must_refer or case.get("refer"):
            refer_pos_n += 1
            refer_pos += out["refer"]
        else:
            refer_neg_n += 1
            refer_neg += not out["refer"]
        if not ok3 or out["refer"] != bool(case.get("refer", must_refer)):
            misses.append({"id": case["id"], "expected": case["expected"],
                           "got": [d["name"] for d in diffs[:3]], "refer": out["refer"]})  # fmt: skip
    n = len(cases)
    return {
        "cases": n,
        "top1": round(top1 / n, 3),
        "top3": round(top3 / n, 3),
        "refer_when_needed": f"{refer_pos}/{refer_pos_n}",
        "no_refer_when_not_needed": f"{refer_neg}/{refer_neg_n}",
        "slowest_s": round(slowest, 3),
        "misses": misses,
    }


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "advise_dev.toml"
    print(json.dumps(advise_report(target), ensure_ascii=False, indent=1))
