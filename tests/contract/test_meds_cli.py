"""``clinicbox meds check/recommend/lookup --json`` contracts (DESIGN.md)."""

from __future__ import annotations

ALERT_KEYS = {"type", "severity", "drugs", "message", "source"}
TYPES = {
    "interaction",
    "allergy",
    "dose",
    "age",
    "pregnancy",
    "renal",
    "duplicate",
    "antibiotic_tier",
    "unknown_drug",
}


def test_meds_check_contract(cli):
    req = {
        "patient": {
            "age": 70,
            "sex": "F",
            "weight_kg": 60,
            "pregnant": False,
            "egfr": 25,
            "allergies": ["青霉素"],
            "conditions": ["高血压"],
        },
        "prescriptions": [
            {"drug": "华法林", "dose_mg": 3, "frequency_per_day": 1, "route": "po"},
            {"drug": "ibuprofen", "dose_mg": 400, "frequency_per_day": 3, "route": "po"},
            {"drug": "阿莫西林", "dose_mg": 500, "frequency_per_day": 3, "route": "po"},
        ],
        "prescriber": {"antibiotic_privilege": "non_restricted"},
    }
    r = cli("meds", "check", "--json", "--no-llm", stdin=req)
    assert r.rc == 0, r.err
    out = r.json()
    assert isinstance(out["alerts"], list) and out["alerts"]
    for a in out["alerts"]:
        assert set(a) >= ALERT_KEYS and a["type"] in TYPES
        assert a["severity"] in {"contraindicated", "major", "moderate", "minor"}
        assert a["source"]
    types = {a["type"] for a in out["alerts"]}
    assert {"interaction", "allergy", "renal"} <= types
    inter = next(a for a in out["alerts"] if a["type"] == "interaction")
    assert set(inter["drugs"]) == {"华法林", "布洛芬"}


def test_meds_check_english_messages(cli):
    req = {"prescriptions": [{"drug": "sildenafil"}, {"drug": "硝酸甘油"}]}
    r = cli("--lang", "en", "meds", "check", "--json", stdin=req)
    a = r.json()["alerts"][0]
    assert a["severity"] == "contraindicated" and "hypotension" in a["message"]


def test_meds_check_unknown_drug(cli):
    r = cli("meds", "check", "--json", stdin={"prescriptions": [{"drug": "不存在的药"}]})
    assert [a["type"] for a in r.json()["alerts"]] == ["unknown_drug"]


def test_meds_check_bad_input_is_a_clean_json_error(cli):
    r = cli("meds", "check", "--json", stdin={"prescriptions": []})
    assert r.rc == 2 and "Traceback" not in r.err
    assert r.error()["code"] == "bad_input"
    r = cli("meds", "check", "--json", stdin="{not json")
    assert r.rc == 2 and r.error()["code"] == "bad_input"


def test_override_needs_a_reason(cli):
    base = {"prescriptions": [{"drug": "sildenafil"}, {"drug": "硝酸甘油"}]}
    r = cli(
        "meds",
        "check",
        "--json",
        stdin={**base, "overrides": [{"rule": "DDI-PDE5-NITRATE", "reason": " "}]},
    )
    assert r.rc == 2 and r.error()["code"] == "override_reason_required"
    r = cli(
        "meds",
        "check",
        "--json",
        stdin={**base, "overrides": [{"rule": "DDI-PDE5-NITRATE", "reason": "已停用硝酸甘油"}]},
    )
    assert r.rc == 0
    a = r.json()["alerts"][0]
    assert a["overridden"] is True and a["override_reason"] == "已停用硝酸甘油"


def test_meds_lookup(cli):
    r = cli("meds", "lookup", "拜新同", "--json")
    assert r.rc == 0 and r.json()["inn"] == "nifedipine"
    r = cli("meds", "lookup", "nosuchdrug", "--json")
    assert r.rc == 4 and r.error()["code"] == "not_found"


def test_meds_lookup_is_readable_text_and_release_forms_are_separate(cli):
    """Without --json the doctor reads text; 拜新同 is the controlled-release product with its
    own limits, and the other nifedipine products are listed as separate entries."""
    r = cli("meds", "lookup", "拜新同")
    assert r.rc == 0 and not r.out.lstrip().startswith("{")
    assert "硝苯地平控释片" in r.out and "控释" in r.out
    assert "120 mg" in r.out and "1 次/日" in r.out
    assert "硝苯地平缓释片" in r.out and "普通（速释）制剂" in r.out
    data = cli("meds", "lookup", "拜新同", "--json").json()
    assert data["id"] == "nifedipine_cr" and data["release"] == "cr"
    assert {o["id"] for o in data["other_forms"]} == {"nifedipine", "nifedipine_sr"}
    ir = cli("meds", "lookup", "硝苯地平片", "--json").json()
    assert ir["id"] == "nifedipine" and ir["release"] == "ir"
    assert ir["adult_max_daily_mg"] == 120 and ir["max_frequency_per_day"] == 3
    lithium = cli("meds", "lookup", "碳酸锂").out
    assert "eGFR<30" in lithium and "妊娠" in lithium


def test_override_is_audited_in_the_store(cli, store_env, store_settings):
    base = {
        "prescriptions": [{"drug": "sildenafil"}, {"drug": "硝酸甘油"}],
        "overrides": [
            {"rule": "DDI-PDE5-NITRATE", "reason": "硝酸甘油已停用三天，家属电话13812345678"}
        ],
    }
    r = cli("meds", "check", "--json", stdin=base)
    assert r.rc == 0, r.err
    assert r.json()["override_audit"] == "recorded"
    from appliance.store import open_store
    from tests._fixtures.store import PASSPHRASE

    with open_store(store_settings, PASSPHRASE) as store, store.read() as db:
        rows = list(
            db.execute(
                "SELECT action, target, detail_json FROM audit_log WHERE action = 'meds.override'"
            )
        )
    assert rows and rows[0][1] == "DDI-PDE5-NITRATE"
    # why is kept, identifiers typed into the reason are not
    assert "硝酸甘油已停用三天" in rows[0][2] and "13812345678" not in rows[0][2]
    assert cli("audit", "verify").rc == 0


def test_plain_drug_names_are_accepted(cli):
    r = cli("meds", "check", "--json", stdin={"prescriptions": ["阿司匹林", "华法林"]})
    assert r.rc == 0 and r.json()["alerts"][0]["type"] == "interaction"


def test_institution_tier_file_in_the_data_dir(cli, data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "antibiotic_tiers.toml").write_text(
        '[tiers]\n"头孢曲松" = "non_restricted"\n', encoding="utf-8"
    )
    assert cli("meds", "lookup", "头孢曲松", "--json").json()["antibiotic_tier"] == "non_restricted"
    req = {
        "prescriptions": [{"drug": "头孢曲松", "route": "iv"}],
        "diagnoses": ["肺炎"],
        "prescriber": {"antibiotic_privilege": "non_restricted"},
    }
    assert cli("meds", "check", "--json", stdin=req).json()["alerts"] == []
    (data_dir / "antibiotic_tiers.toml").write_text('[tiers]\n"不存在" = "x"\n', encoding="utf-8")
    r = cli("meds", "check", "--json", stdin=req)
    assert r.rc != 0 and r.error()["code"] == "config"
