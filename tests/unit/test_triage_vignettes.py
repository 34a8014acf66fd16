"""Table-driven triage vignettes (tests/clinical_cases/*.toml, each with its reference):
the expected level per case, and never an under-triage."""

from __future__ import annotations

import pytest

from tests.clinical_cases.accuracy import load, triage_case, triage_report

CASES = load("triage_vignettes.toml") + load("triage_heldout.toml")


def test_at_least_60_vignettes_with_references():
    assert len(load("triage_vignettes.toml")) >= 60
    assert all(c["ref"] for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['id']}[{c['ref'].split()[0]}]" for c in CASES])
def test_vignette(case):
    out = triage_case(case)
    assert out["level"] <= case["level"], f"under-triage: {out['level']} > {case['level']}"
    assert out["level"] == case["level"]
    if "refer" in case:
        assert out["refer"] is case["refer"]


def test_accuracy_meets_the_seed_threshold():
    report = triage_report()
    assert report["accuracy"] >= 0.82
    assert report["under_triage"] == 0
