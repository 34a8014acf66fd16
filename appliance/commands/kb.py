"""``clinicbox kb add|list|remove|reindex``: the clinic's knowledge base in the encrypted store."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from appliance.commands._base import CliState, common_options, pass_state
from appliance.errors import InputError
from appliance.i18n import t


class _Progress:
    """``正在建立索引 12/70，预计还需 5 秒`` on stderr (not with --json), throttled."""

    def __init__(self, label_zh: str, label_en: str, enabled: bool) -> None:
        self.label = t(label_zh, label_en)
        self.enabled = enabled
        self.start = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.5 and done < total):
            return
        self.last = now
        elapsed = now - self.start
        eta = elapsed / done * (total - done) if done else 0.0
        sys.stderr.write(
            t(
                f"\r{self.label} {done}/{total}，预计还需 {eta:.0f} 秒 ",
                f"\r{self.label} {done}/{total}, about {eta:.0f} s left ",
            )
        )
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _human_list(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return t("知识库为空。", "The knowledge base is empty.")
    from appliance.commands._base import text_table

    body = [
        [
            str(r["doc"]),
            str(r["chunks"]),
            t("内置", "built-in") if r["builtin"] else str(r["filename"]),
            str(r["title"]),
        ]
        for r in rows
    ]
    headers = [t("文档", "Document"), t("段数", "Chunks"), t("来源", "Source"), t("标题", "Title")]
    return text_table(headers, body, right=frozenset({1}))


def _with_kb(state: CliState, fn: Any, *, session_action: str | None = None) -> Any:
    from appliance.commands._store_cli import cli_session, open_cli_store
    from appliance.services.assistant import open_knowledge_base

    store = open_cli_store(state)
    try:
        progress = _Progress("正在建立索引", "Indexing", not state.as_json)
        kb = open_knowledge_base(state.settings(), store, progress=progress)
        result = fn(kb, progress)
        if session_action:
            cli_session(store).audit(session_action, target=str(result.get("doc", "")))
        return result
    finally:
        store.close()


def register(cli: click.Group) -> None:
    @cli.group(
        "kb",
        help=t(
            "健康知识库：导入本院文档（Markdown、TXT、DOCX、PDF、HTML），按标题分段并加密保存。",
            "Knowledge base: import clinic documents (Markdown, TXT, DOCX, PDF, HTML), chunked "
            "by headings and stored encrypted.",
        ),
    )
    def kb() -> None:
        pass

    register_maintainer(kb)

    @kb.command(
        "add", help=t("导入文档（同名文档会被替换）。", "Import documents (same key replaces).")
    )
    @click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
    @click.option(
        "--audience",
        type=click.Choice(["patient", "clinician"]),
        default="patient",
        help=t("面向患者还是医生。", "For patients or for clinicians."),
    )
    @click.option(
        "--source", default=None, help=t("文档出处（引用时显示）。", "Where it comes from.")
    )
    @common_options
    @pass_state
    def kb_add(state: CliState, files: tuple[str, ...], audience: str, source: str | None) -> None:
        def work(kbase: Any, progress: Any) -> dict[str, Any]:
            added = [
                kbase.add_file(Path(f), audience=audience, source=source, progress=progress)
                for f in files
            ]
            return {
                "added": [a.as_dict() for a in added],
                "doc": ",".join(a.doc_key for a in added),
            }

        result = _with_kb(state, work, session_action="kb.add")
        result.pop("doc", None)
        state.emit(
            result,
            human=lambda r: "\n".join(
                t(
                    f"已导入：{a['doc']}（{a['chunks']} 段）",
                    f"Imported: {a['doc']} ({a['chunks']} chunks)",
                )
                for a in r["added"]
            ),
        )

    @kb.command("list", help=t("列出知识库中的文档。", "List the documents."))
    @common_options
    @pass_state
    def kb_list(state: CliState) -> None:
        rows = _with_kb(state, lambda kbase, _p: [d.as_dict() for d in kbase.documents()])
        state.emit(rows, human=_human_list)

    @kb.command(
        "remove", help=t("删除一个文档（按 kb list 中的名称）。", "Remove a document by its key.")
    )
    @click.argument("doc")
    @common_options
    @pass_state
    def kb_remove(state: CliState, doc: str) -> None:
        def work(kbase: Any, _p: Any) -> dict[str, Any]:
            info = kbase.get(doc)
            if info.builtin:
                raise InputError(
                    f"内置文档不能删除：{doc}（可导入同名文档替换其内容）",
                    f"Built-in documents cannot be removed: {doc} (import one with the same key)",
                )
            kbase.remove(doc)
            return {"removed": doc, "doc": doc}

        result = _with_kb(state, work, session_action="kb.remove")
        result.pop("doc", None)
        state.emit(result, human=lambda r: t(f"已删除：{r['removed']}", f"Removed: {r['removed']}"))

    @kb.command(
        "reindex",
        help=t(
            "重建分词索引并补齐向量（更换向量模型后运行）。",
            "Rebuild indexes and add missing vectors.",
        ),
    )
    @common_options
    @pass_state
    def kb_reindex(state: CliState) -> None:
        result = _with_kb(state, lambda kbase, progress: kbase.reindex(progress))
        state.emit(
            result,
            human=lambda r: t(
                f"已重建 {r['chunks']} 段索引，新增向量 {r['embedded']} 个。",
                f"Reindexed {r['chunks']} chunks, {r['embedded']} new vectors.",
            ),
        )


def register_maintainer(kb: click.Group) -> None:
    @kb.command(
        "starter-vectors",
        help=t(
            "（发布前）预先计算内置文档的向量，随软件包发布，新装机无需等待向量化。",
            "(Release step) precompute the built-in documents' vectors shipped with the package.",
        ),
    )
    @click.option("--out", type=click.Path(file_okay=False), default=None)
    @common_options
    @pass_state
    def starter_vectors(state: CliState, out: str | None) -> None:
        from importlib import resources

        from appliance.knowledge.kb import starter_documents
        from appliance.knowledge.kb_starter_vectors import write_shipped_vectors
        from appliance.services.assistant import load_embedder

        embedder = load_embedder(state.settings())
        if embedder is None:
            raise InputError("没有可用的向量模型。", "No embedding model is available.")
        folder = Path(out) if out else Path(str(resources.files("appliance.knowledge"))) / "docs"
        path = write_shipped_vectors(embedder, starter_documents(), folder)
        state.emit({"path": str(path), "model": embedder.name})
