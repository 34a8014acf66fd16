"""One clinical vocabulary: what counts as an antibiotic (抗菌药物临床应用管理办法; ATC J01) and
how an allergy history is read (病历书写基本规范: “否认药物过敏史”; NKDA) — the same answers for
QC, the quality dashboard, the visit use case, the TUI and the hub indicators."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from appliance.clinical.vocabulary import (
    RECORD_FIELDS,
    denies_allergy,
    is_antibiotic,
    parse_allergies,
)


@pytest.mark.parametrize(
    ("text", "allergens"),
    [
        ("否认药物过敏史", []),
        ("否认药物及食物过敏史", []),
        ("无", []),
        ("NKDA", []),
        ("no known drug allergies", []),
        ("不详", []),
        ("", []),
        ("青霉素过敏", ["青霉素"]),
        ("对青霉素、磺胺类药物过敏", ["青霉素", "磺胺"]),
        ("有头孢过敏史", ["头孢"]),
        ("否认食物过敏，对阿司匹林过敏", ["阿司匹林"]),  # a denial does not hide a named drug
        ("penicillin allergy", ["penicillin"]),
    ],
)
def test_allergy_history_is_read_one_way(text: str, allergens: list[str]) -> None:
    assert parse_allergies(text) == allergens


def test_denial_is_only_a_denial_without_allergens() -> None:
    assert denies_allergy("否认药物过敏史") and denies_allergy("NKDA") and denies_allergy("无")
    assert not denies_allergy("青霉素过敏")
    assert not denies_allergy("否认食物过敏，对阿司匹林过敏")
    assert not denies_allergy("")  # not recorded is not a denial


@pytest.mark.parametrize(
    "name", ["阿莫西林", "头孢克肟", "左氧氟沙星", "阿奇霉素", "多西环素", "甲硝唑", "amoxicillin"]
)
def test_antibiotics_by_stem_fire(name: str) -> None:
    assert is_antibiotic(name)


@pytest.mark.parametrize("name", ["氨氯地平", "二甲双胍", "制霉菌素", "两性霉素B", "布洛芬", ""])
def test_non_antibiotics_do_not_fire(name: str) -> None:
    assert not is_antibiotic(name)


@dataclass(frozen=True)
class _Drug:
    classes: tuple[str, ...] = ()
    antibiotic_tier: str | None = None
    atc: str | None = None


def test_the_formulary_decides_when_it_knows_the_drug() -> None:
    known = {
        "某新抗菌药": _Drug(atc="J01DD08"),
        "克拉维酸钾复方": _Drug(classes=("antibacterial",)),
        "某霉素软膏": _Drug(atc="D06AX01"),  # a topical -mycin: ATC says not systemic (J01)
        "限制级药": _Drug(antibiotic_tier="restricted"),
    }
    resolve = known.get
    assert is_antibiotic("某新抗菌药", resolve)
    assert is_antibiotic("克拉维酸钾复方", resolve)
    assert is_antibiotic("限制级药", resolve)
    assert not is_antibiotic("某霉素软膏", resolve)
    assert is_antibiotic("阿莫西林", resolve)  # unknown to the formulary: the stem list


def test_formulary_antibiotics_match_the_dashboard_and_the_hub() -> None:
    from appliance.knowledge.catalogs import resolve_drug
    from appliance.services._quality import is_antibiotic as dashboard
    from sync.outbox import case_indicators

    for drug in ("阿莫西林", "头孢呋辛", "氨氯地平", "二甲双胍"):
        hub = case_indicators({"prescriptions": [{"drug": drug}]}, None, False)["antibiotic"]
        assert dashboard(drug) == hub == is_antibiotic(drug, resolve_drug), drug


def test_record_fields_follow_the_contract() -> None:
    assert RECORD_FIELDS[0] == "chief_complaint"
    for name in ("diagnoses", "prescriptions", "vitals", "allergy_history", "treatment_plan"):
        assert name in RECORD_FIELDS
