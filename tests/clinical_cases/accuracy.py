"""Accuracy of the clinical rules on the bundled vignettes (and rules+LLM with --llm).

    .venv/bin/python -m tests.clinical_cases.accuracy            # rules only
    .venv/bin/python -m tests.clinical_cases.accuracy --llm      # rules + the installed model

Prints one JSON document; docs/accuracy.md quotes it.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def load(name: str) -> list[dict[str, Any]]:
    return list(tomllib.loads((HERE / name).read_text("utf-8"))["case"])


def triage_case(case: dict[str, Any], engine: Any = None) -> dict[str, Any]:
    from appliance.services.safety import triage

    request = {k: case[k] for k in ("complaint", "age", "sex", "vitals", "pregnant") if k in case}
    return triage(request, engine, use_llm=engine is not None)


def triage_report(engine: Any = None, name: str = "triage_vignettes.toml") -> dict[str, Any]:
    cases = load(name)
    exact = under = under_l12 = over = refer_ok = refer_n = 0
    disp_ok = disp_n = 0
    misses = []
    for case in cases:
        out = triage_case(case, engine)
        level = out["level"]
        if level == case["level"]:
            exact += 1
        else:
            misses.append({"id": case["id"], "expected": case["level"], "got": level})
            if level > case["level"]:
                under += 1
                under_l12 += case["level"] <= 2
            else:
                over += 1
        if "disposition" in case:
            disp_n += 1
            disp_ok += out["disposition"] == case["disposition"]
        if "refer" in case:
            refer_n += 1
            refer_ok += out["refer"] == case["refer"]
    n = len(cases)
    return {"cases": n, "accuracy": round(exact / n, 4), "under_triage": under,
            "under_triage_l12": under_l12, "over_triage": over,
            "refer_agreement": f"{refer_ok}/{refer_n}",
            "disposition_agreement": f"{disp_ok}/{disp_n}", "misses": misses}  # fmt: skip


def meds_case(case: dict[str, Any]) -> tuple[bool, list[str], list[str]]:
    """(correct, missing expected findings, unexpected major findings)."""
    from appliance.services.safety import check_meds

    request = {
        k: case[k] for k in ("patient", "prescriptions", "prescriber", "diagnoses") if k in case
    }
    alerts = check_meds(request)["alerts"]
    got = [(a["type"], a["rule"], a["severity"]) for a in alerts]
    missing = []
    for want in case.get("expect", []):
        kind, _, rule = want.partition(":")
        if not any(t == kind and (not rule or r == rule) for t, r, _ in got):
            missing.append(want)
    allowed = set(case.get("expect", [])) | set(case.get("allow", []))
    unexpected = [
        f"{t}:{r}"
        for t, r, s in got
        if s in ("contraindicated", "major") and f"{t}:{r}" not in allowed and t not in allowed
    ]
    return not missing and not unexpected, missing, unexpected


def meds_report(name: str = "meds_cases.toml") -> dict[str, Any]:
    cases = load(name)
    ok = 0
    misses = []
    detected = expected_total = 0
    for case in cases:
        correct, missing, unexpected = meds_case(case)
        ok += correct
        expected_total += len(case.get("expect", []))
        detected += len(case.get("expect", [])) - len(missing)
        if not correct:
            misses.append({"id": case["id"], "missing": missing, "unexpected": unexpected})
    n = len(cases)
    return {"cases": n, "accuracy": round(ok / n, 4),
            "expected_alerts_found": f"{detected}/{expected_total}", "misses": misses}  # fmt: skip


def main(argv: list[str]) -> int:
    engine = None
    if "--llm" in argv:
        from appliance.config import load_settings
        from appliance.llm import open_engine

        engine = open_engine(load_settings(), monitor=False)
    try:
        report = {
            "triage": triage_report(engine),
            "triage_criteria": triage_report(engine, "triage_criteria.toml"),
        }
        if (HERE / "meds_cases.toml").exists():
            report["meds"] = meds_report()
            report["meds_source_tables"] = meds_report("meds_source_cases.toml")
        report["mode"] = "rules+llm" if engine is not None else "rules"
    finally:
        if engine is not None:
            engine.close()
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
