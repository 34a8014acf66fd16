"""Table-driven prescription cases (tests/clinical_cases/meds_cases.toml, each with its
reference): the expected alerts are found and no unexpected major/contraindicated alert."""

from __future__ import annotations

import pytest

from tests.clinical_cases.accuracy import load, meds_case, meds_report

CASES = load("meds_cases.toml") + load("meds_heldout.toml")


def test_at_least_60_cases_with_references():
    assert len(load("meds_cases.toml")) >= 60 and all(c["ref"] for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['id']}[{c['ref'].split(':')[0]}]" for c in CASES])
def test_prescription_case(case):
    _correct, missing, unexpected = meds_case(case)
    assert not missing, f"missed: {missing}"
    assert not unexpected, f"unexpected: {unexpected}"


def test_accuracy_meets_the_seed_threshold():
    assert meds_report()["accuracy"] >= 0.89
