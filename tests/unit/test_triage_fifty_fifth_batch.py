"""Triage mechanisms of the fifty-fifth #16 batch, read from the outside-written development sets
dev129 (``triage_outside_dev129.toml``: breathing and chest infections at every age), dev130
(``triage_outside_dev130.toml``: people over 70 brought by relatives) and dev131
(``triage_outside_dev131.toml``: pregnancy, birth, the weeks after and women's health), and from
a read case of dev80; firing and non-firing (wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_a_month_of_dizziness_is_no_presyncope() -> None:
    # weeks of dizziness with pallor and black stools now and then: chronic blood loss, stable (3)
    out = run("头晕没劲儿一个多月了，脸发白，大便有时候发黑", 78)
    assert "N-PRESYNCOPE" not in ids(out) and "C-GI-BLEED-UNSTABLE" not in ids(out)
    assert out["level"] == 3
    # dizziness today, or worse today, with black stools is the unstable bleed (2)
    for text in (
        "拉黑屎两天了，头晕，站起来眼前发黑",
        "头晕两个月了，今天突然晕得厉害，大便是黑的",
    ):
        out = run(text, 60)
        assert "C-GI-BLEED-UNSTABLE" in ids(out) and out["level"] == 2, text
