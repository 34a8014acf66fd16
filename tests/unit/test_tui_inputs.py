"""Pure input handling of the TUI and the clinic service: vitals, prescription lines,
diagnoses with ICD-10 codes, allergy text, pinyin search, the level meter."""

from __future__ import annotations

import pytest

from appliance.services._clinic_patients import matches, pinyin_initials
from tui.widgets.dictation import level_meter
from tui.widgets.prescriptions import allergies_from_text, parse_rx_line
from tui.widgets.record import diagnoses_to_text, text_to_diagnoses
from tui.widgets.vitals import parse_vitals


def test_vitals_accept_plausible_numbers_and_chinese_decimal_comma() -> None:
    values, errors = parse_vitals({"sbp": "150", "dbp": "90", "temp": "38，5", "spo2": ""})
    assert errors == []
    assert values == {"sbp": 150.0, "dbp": 90.0, "temp": 38.5}


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"hr": "abc"}, "不是数字"),
        ({"sbp": "400"}, "超出合理范围"),
        ({"spo2": "101"}, "超出合理范围"),
        ({"gcs": "2"}, "超出合理范围"),
        ({"sbp": "90", "dbp": "120"}, "舒张压应低于收缩压"),
    ],
)
def test_vitals_reject_bad_input_with_a_reason(raw: dict[str, str], fragment: str) -> None:
    _values, errors = parse_vitals(raw)
    assert any(fragment in e for e in errors)


def test_prescription_lines() -> None:
    assert parse_rx_line("阿莫西林 500 x3 po") == {
        "drug": "阿莫西林",
        "dose_mg": 500.0,
        "frequency_per_day": 3.0,
        "route": "po",
    }
    assert parse_rx_line("ceftriaxone 1000mg ×1 iv") == {
        "drug": "ceftriaxone",
        "dose_mg": 1000.0,
        "frequency_per_day": 1.0,
        "route": "iv",
    }
    assert parse_rx_line("二甲双胍") == {"drug": "二甲双胍", "route": "po"}
    assert parse_rx_line("  ") is None


def test_diagnoses_round_trip_with_icd10() -> None:
    text = "原发性高血压 (I10)；2型糖尿病（E11.9）、头晕"
    diagnoses = text_to_diagnoses(text)
    assert diagnoses == [
        {"name": "原发性高血压", "icd10": "I10"},
        {"name": "2型糖尿病", "icd10": "E11.9"},
        {"name": "头晕", "icd10": None},
    ]
    assert text_to_diagnoses(diagnoses_to_text(diagnoses)) == diagnoses


def test_allergy_text() -> None:
    assert allergies_from_text("否认药物过敏史") == []
    assert allergies_from_text("无") == []
    assert allergies_from_text("青霉素过敏，磺胺过敏") == ["青霉素", "磺胺"]


def test_pinyin_initials_and_search_matching() -> None:
    assert pinyin_initials("张三") == "zs"
    assert pinyin_initials("欧阳测试") == "oycs"
    patient = {"patient_id": "ab12", "name": "李秀英", "phone": "13900001234", "id_number": ""}
    patient["pinyin"] = pinyin_initials(patient["name"])
    for query in ("lxy", "LX", "秀英", "1234", "ab12", ""):
        assert matches(patient, query), query
    for query in ("zs", "5678", "王"):
        assert not matches(patient, query), query


def test_level_meter() -> None:
    assert level_meter(0.0, 10) == "·" * 10
    assert level_meter(1.0, 10) == "█" * 10
    assert level_meter(0.5, 10).startswith("█████") and len(level_meter(0.5, 10)) == 10
    assert level_meter(7.0, 10) == "█" * 10  # clamped
