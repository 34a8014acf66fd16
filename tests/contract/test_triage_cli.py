"""``clinicbox triage --json`` contract (DESIGN.md): exact field names, levels 1-4, --no-llm."""

from __future__ import annotations

import pytest

DISPOSITIONS = {"emergency", "urgent", "routine", "self_care"}


@pytest.mark.parametrize(
    ("request_", "level"),
    [
        (
            {
                "age": 65,
                "sex": "M",
                "complaint": "胸痛2小时伴大汗",
                "vitals": {
                    "sbp": 85,
                    "dbp": 50,
                    "hr": 120,
                    "rr": 24,
                    "temp": 36.5,
                    "spo2": 95,
                    "gcs": 15,
                    "glucose": 6.0,
                    "pain": 8,
                },
            },
            1,  # chest pain in shock: shock index 120/85 = 1.41 (≥1.4, severe), ESI A
        ),
        ({"complaint": "cardiac arrest, not breathing"}, 1),
        ({"age": 30, "complaint": "感冒，流鼻涕"}, 4),
    ],
)
def test_triage_contract(cli, request_, level):
    r = cli("triage", "--json", "--no-llm", stdin=request_)
    assert r.rc == 0, r.err
    out = r.json()
    assert {"level", "disposition", "department", "refer", "reasons"} <= set(out)
    assert out["level"] == level
    assert out["disposition"] in DISPOSITIONS
    assert isinstance(out["department"], str) and out["department"]
    assert isinstance(out["refer"], bool)
    assert out["reasons"]
    for reason in out["reasons"]:
        assert {"rule", "source", "text"} <= set(reason)
        assert reason["rule"] and reason["source"] and reason["text"]


def test_triage_english(cli):
    r = cli(
        "--lang",
        "en",
        "triage",
        "--json",
        "--no-llm",
        stdin={"complaint": "slurred speech and facial droop", "age": 70},
    )
    out = r.json()
    assert out["level"] == 2 and out["refer"] is True
    assert "Stroke" in out["reasons"][0]["text"]


def test_triage_without_model_still_answers(cli):
    # No model installed in the test data dir: rules answer, the reason is reported.
    r = cli("triage", "--json", stdin={"complaint": "牙痛"})
    assert r.rc == 0
    assert r.json()["level"] == 4
    assert r.json()["triage"]["mode"] == "rules"


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"complaint": ""},
        {"complaint": "胸痛", "vitals": {"hr": "fast"}},
        {"complaint": "胸痛", "vitals": {"spo2": 150}},
        [1, 2],
    ],
)
def test_triage_bad_input(cli, bad):
    r = cli("triage", "--json", "--no-llm", stdin=bad)
    assert r.rc == 2 and "Traceback" not in r.err
    assert r.error()["code"] == "bad_input"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unknown_vitals_key_is_refused_with_the_accepted_keys(cli, lang):
    r = cli("triage", "--json", "--no-llm", "--lang", lang,
            stdin={"complaint": "发热", "vitals": {"temp_c": 39.5}})  # fmt: skip
    assert r.rc == 2 and "Traceback" not in r.err
    err = r.error()
    assert err["code"] == "bad_input" and "temp_c" in err["message"]
    for key in ("temp", "spo2", "sbp", "glucose"):
        assert key in err["message"]
    assert ("体温" in err["message"]) is (lang == "zh")


def test_triage_reports_findings_and_vitals_used(cli):
    r = cli("triage", "--json", "--no-llm", stdin={"complaint": "72岁，胸口闷痛，血氧88%"})
    out = r.json()
    assert r.rc == 0 and out["level"] == 2
    assert out["vitals_used"]["spo2"]["from"] == "text"
    assert out["vitals_used"]["age"]["value"] == 72
    assert {"id", "text", "source", "span"} <= set(out["findings"][0])
