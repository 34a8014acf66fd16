"""Low-risk groups read negation: a positive condition told as absent does not hold its group.

Before, a group phrase held as a plain substring, so "不发烧" held the group word "发烧" and
"不能吃能玩" held "能吃能玩"; rows had to list the absent forms in ``none`` to stay safe. A
phrase that is itself a negative statement ("没吐", "no vomiting") still holds as written.
"""

from __future__ import annotations

from appliance.clinical.findings import Finding
from appliance.clinical.triage_lowrisk import LowRisk, cleared

ROW = LowRisk(
    id="C-X",
    to="N-X-MINOR",
    groups=(("发烧", "fever"), ("没吐", "no vomiting"), ("能吃能玩", "playing normally")),
    source="TEST",
)


def _ids(text: str) -> list[str]:
    finding = Finding(id="C-X", text="x", span=(0, 1))
    return [f.id for f in cleared([finding], [ROW], text, 5.0)]


def test_every_group_told_clears() -> None:
    assert _ids("发烧两天，没吐，能吃能玩") == ["N-X-MINOR"]
    assert _ids("fever for two days, no vomiting, playing normally") == ["N-X-MINOR"]


def test_a_positive_phrase_told_as_absent_holds_no_group() -> None:
    assert _ids("不发烧，没吐，能吃能玩") == ["C-X"]
    assert _ids("没有发烧，没吐，能吃能玩") == ["C-X"]
    assert _ids("发烧，没吐，不能吃能玩") == ["C-X"]
    assert _ids("no fever, no vomiting, playing normally") == ["C-X"]


def test_a_negative_phrase_holds_as_written() -> None:
    # "没吐" is itself the absence the row asks for
    assert _ids("发烧了，没吐，能吃能玩") == ["N-X-MINOR"]


def test_told_once_outside_a_negation_is_enough() -> None:
    assert _ids("昨天不发烧，今天发烧了，没吐，能吃能玩") == ["N-X-MINOR"]
