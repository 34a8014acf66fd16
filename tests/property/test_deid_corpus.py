"""Planted-identifier corpus: 400 synthetic records with names, IDs, phones, addresses, dates,
record numbers, e-mails, plates, employers and villages in structured fields and free text.
Zero identifiers may come out; the clinical content must stay (docs/accuracy.md reports this)."""

from __future__ import annotations

import json
import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from sync._idnumber import is_valid_resident_id
from sync.deid import deidentify
from sync.synthetic import corpus, resident_id, score_deid

SECRET = b"c" * 32


def test_planted_corpus_zero_leaks_clinical_kept():
    cases = corpus(400, seed=2026)
    score = score_deid(cases, SECRET)
    assert score.records >= 200
    assert score.planted > 5000
    assert score.leaked == [], score.leaked[:10]
    assert score.clinical_lost == [], score.clinical_lost[:10]
    assert score.recall == 1.0
    assert score.precision >= 0.98, score.false_markers


def test_second_seed_also_clean():
    score = score_deid(corpus(200, seed=7), SECRET)
    assert score.leaked == []


_FILLER = st.text(alphabet="患者头痛发热咳嗽，。、血压高低正常 abcXYZ", max_size=20)


@settings(max_examples=150, deadline=None)
@given(
    before=_FILLER,
    after=_FILLER,
    seed=st.integers(0, 10**6),
    kind=st.sampled_from(["id", "mobile", "email"]),
)
def test_no_resident_id_phone_or_email_survives_any_context(before, after, seed, kind):
    import datetime as dt

    rng = random.Random(seed)
    if kind == "id":
        value = resident_id(rng, dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 20000)))
    elif kind == "mobile":
        value = f"1{rng.choice('3456789')}{rng.randint(0, 10**9 - 1):09d}"
    else:
        value = f"u{rng.randint(0, 9999)}@mail{rng.randint(0, 99)}.cn"
    out = deidentify({}, {"present_illness": before + value + after}, SECRET)
    text = json.dumps(out, ensure_ascii=False)
    assert value not in text
    for run in re.findall(r"\d{17}[\dX]", text):
        assert not is_valid_resident_id(run)
