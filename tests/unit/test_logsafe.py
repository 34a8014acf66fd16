"""Logs never carry patient data: planted identifiers are scrubbed from every log line."""

from __future__ import annotations

import logging

from appliance.logsafe import configure_logging, redact, register_sensitive

PLANTED = {
    "id18": "110105194912310021",
    "id18x": "11010519491231002X",
    "mobile": "13812345678",
    "mobile_spaced": "+86 138-1234-5678",
    "landline": "0571-87654321",
    "email": "zhang.san@example.com",
    "insurance": "3301009988776655",
}


def test_patterns_are_redacted():
    for kind, value in PLANTED.items():
        line = f"visit saved for {value} ok"
        assert value not in redact(line), kind


def test_labelled_names_and_addresses():
    out = redact("姓名：王小明, 住址=浙江省杭州市西湖区文三路1号, name=LiLei")
    assert "王小明" not in out and "文三路" not in out and "LiLei" not in out


def test_registered_values_are_redacted():
    register_sensitive("欧阳娜娜", "青山村")
    out = redact("患者欧阳娜娜来自青山村，主诉头痛")
    assert "欧阳娜娜" not in out and "青山村" not in out
    assert "主诉头痛" in out


def test_clinical_numbers_survive():
    assert redact("BP 150/95 mmHg, HR 88, glucose 7.8") == "BP 150/95 mmHg, HR 88, glucose 7.8"


def test_log_file_never_contains_identifiers(tmp_path):
    log_file = tmp_path / "logs" / "clinicbox.log"
    configure_logging(log_file, "DEBUG")
    register_sensitive("司马光")
    logger = logging.getLogger("clinicbox.test")
    logger.info("patient %s phone %s", "司马光", PLANTED["mobile"])
    try:
        raise ValueError(f"bad id {PLANTED['id18']}")
    except ValueError:
        logger.exception("failed for %s", PLANTED["email"])
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "failed for" in text and "ValueError" in text
    for value in [*PLANTED.values(), "司马光"]:
        assert value not in text
    configure_logging(None)
