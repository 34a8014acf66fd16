"""The knowledge base in the real encrypted store: migrations, `clinicbox kb` commands, ask."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _lexical_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINICBOX_KB_EMBEDDER", "none")


def test_kb_commands_against_the_store(cli: Any, store_env: Path, tmp_path: Path) -> None:
    doc = tmp_path / "本院门诊时间.md"
    doc.write_text(
        "# 本院门诊时间\n\n## 周末门诊\n周六周日上午只开全科门诊，下午不看普通门诊，口腔科周末停诊。\n",
        encoding="utf-8",
    )
    res = cli("kb", "add", str(doc), "--source", "本院办公室 2026-11", "--json")
    assert res.rc == 0, res.err
    added = res.json()["added"][0]
    assert added["doc"] == "patient/本院门诊时间" and added["chunks"] == 1

    rows = cli("kb", "list", "--json").json()
    keys = {r["doc"] for r in rows}
    assert "patient/本院门诊时间" in keys and "patient/emergency" in keys

    out = cli("ask", "--json", "--no-llm", stdin={"question": "口腔科周末上班吗"}).json()
    assert out["citations"][0]["doc"] == "本院门诊时间", out
    assert "停诊" in out["answer"]

    assert cli("kb", "reindex", "--json").json()["chunks"] >= len(rows)

    res = cli("kb", "remove", "patient/emergency", "--json")
    assert res.rc == 2 and "内置" in res.error()["message"]
    assert cli("kb", "remove", "patient/本院门诊时间", "--json").rc == 0
    res = cli("kb", "remove", "patient/本院门诊时间", "--json")
    assert res.rc == 4 and res.error()["code"] == "kb_doc_not_found"
    out = cli("ask", "--json", "--no-llm", stdin={"question": "口腔科周末上班吗"}).json()
    assert all(c["doc"] != "本院门诊时间" for c in out["citations"])


def test_kb_add_reports_unsupported_files(cli: Any, store_env: Path, tmp_path: Path) -> None:
    bad = tmp_path / "a.xlsx"
    bad.write_bytes(b"PK")
    res = cli("kb", "add", str(bad), "--json")
    assert res.rc == 2 and res.error()["code"] == "kb_import"


def test_kb_needs_an_initialised_store(cli: Any) -> None:
    res = cli("kb", "list", "--json")
    assert res.rc != 0 and res.error()["code"]


def test_store_knowledge_base_is_encrypted_at_rest(store: Any, tmp_path: Path) -> None:
    from appliance.config import load_settings
    from appliance.services.assistant import open_knowledge_base

    kb = open_knowledge_base(load_settings(tmp_path, kb_embedder="none"), store)
    assert any(h.section == "低血糖怎么办" for h in kb.search("低血糖怎么办"))
    raw = store.path.read_bytes() if hasattr(store.path, "read_bytes") else b""
    assert "低血糖".encode() not in raw
