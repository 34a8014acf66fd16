"""The condition knowledge base as data: coverage, citations, consistency, and a loader that
refuses an inconsistent catalog."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import pytest

from appliance.knowledge import conditions_kb
from appliance.knowledge.catalogs import sources
from appliance.knowledge.conditions_kb import condition_kb

# The must-not-miss list of issue #19 and the brief (急诊/基层 red-flag diagnoses).
MUST_NOT_MISS = {
    "急性冠脉综合征", "主动脉夹层", "肺栓塞", "异位妊娠/宫外孕", "消化道穿孔", "肠梗阻",
    "嵌顿疝", "脑膜炎/脑炎", "急性脑卒中", "脓毒症", "糖尿病酮症酸中毒/高血糖高渗状态",
    "急性阑尾炎", "急性胰腺炎", "睾丸扭转", "子痫前期", "急性心力衰竭", "上消化道出血",
    "肺癌", "结直肠癌", "胃癌/食管癌", "乳腺癌",
}  # fmt: skip


def test_covers_primary_care_and_the_must_not_miss_list() -> None:
    kb = condition_kb()
    assert 100 <= len(kb.conditions) <= 160
    names = {c.name for c in kb.conditions if c.must_not_miss}
    assert names >= MUST_NOT_MISS
    assert {c.system for c in kb.conditions} == set(conditions_kb.FILES)
    township = [c for c in kb.conditions if c.scope == "township"]
    assert len(township) >= 60


def test_every_condition_is_complete_and_cited() -> None:
    table = sources()
    for c in condition_kb().conditions:
        assert re.fullmatch(r"[A-Z]\d{2}(\.\d{1,2})?", c.icd10), c.id
        assert c.key and c.findings_for and c.tests and c.manage and c.referral, c.id
        assert all(k.strip() in table for k in c.source.split(";")), c.id
        assert all(w > 0 for w in (*c.findings_for.values(), *c.findings_against.values())), c.id
        if c.must_not_miss:
            assert c.scope == "refer", f"{c.id}: a must-not-miss condition is beyond township care"


def test_every_finding_can_be_found() -> None:
    kb = condition_kb()
    for concept in kb.vocabulary.concepts:
        assert concept.terms or concept.id in kb.measures, concept.id
    used = {f for c in kb.conditions for f in (*c.findings_for, *c.findings_against, *c.refer_if)}
    unused = set(kb.findings) - used - set(kb.danger_signs)
    assert not unused, f"findings no condition weighs: {sorted(unused)}"


def _broken(monkeypatch: pytest.MonkeyPatch, change: dict[str, Any]) -> None:
    real = conditions_kb._read

    def read(name: str) -> dict[str, Any]:
        data = real(name)
        if name == "respiratory":
            data = {"condition": [{**data["condition"][0], **change}]}
        return data

    monkeypatch.setattr(conditions_kb, "_read", read)
    condition_kb.cache_clear()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"for": {"no_such_finding": 2, "runny_nose": 3}}, "not in findings.toml"),
        ({"source": "NO-SUCH-SOURCE"}, "not in sources.toml"),
        ({"scope": "anywhere"}, "scope"),
        ({"colour": "red"}, "unknown field"),
        ({"key": ["fever"], "for": {"runny_nose": 3}}, "key finding"),
    ],
)
def test_loader_refuses_an_inconsistent_catalog(
    monkeypatch: pytest.MonkeyPatch, change: dict[str, Any], message: str
) -> None:
    _broken(monkeypatch, change)
    try:
        with pytest.raises(ValueError, match=message):
            condition_kb()
    finally:
        monkeypatch.undo()
        condition_kb.cache_clear()


def test_data_files_parse_and_name_their_schema() -> None:
    from importlib import resources

    folder = resources.files("appliance.knowledge").joinpath("data", "conditions")
    readme = folder.joinpath("README.md").read_text("utf-8")
    for name in conditions_kb.FILES:
        tomllib.loads(folder.joinpath(f"{name}.toml").read_text("utf-8"))
        assert name in readme
