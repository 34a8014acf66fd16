"""Decision support over the LAN API (real TLS server, paired PC, doctor login): the same
contract as ``clinicbox advise`` — differentials with for/against, referral with its reasons."""

from __future__ import annotations

from typing import Any


def test_doctor_gets_advice_with_referral_reasons_over_the_api(remote: Any) -> None:
    doctor = remote("doctor")
    out = doctor.advise(
        {"chief_complaint": "停经7周，下腹痛伴阴道少量流血半天",
         "auxiliary_exams": "尿hCG阳性。B超：宫内未见孕囊，左附件区混合性包块。",
         "patient": {"age": 27, "sex": "F"}},
        use_llm=False,
    )  # fmt: skip
    assert out["differentials"][0]["name"] == "异位妊娠/宫外孕"
    assert {"for", "against", "citations", "icd10"} <= set(out["differentials"][0])
    assert out["refer"] is True and any("异位妊娠" in r for r in out["refer_reasons"])
    assert out["must_not_miss"][0]["icd10"] == "O00.9"
