"""Load clinic documents (Markdown, TXT, DOCX, PDF, HTML) into headings and paragraphs.

Every loader returns a :class:`ParsedDocument`; metadata comes from a Markdown front matter
(``title``, ``source``, ``audience``, ``reviewed``) or from the file itself. Loaders raise
:class:`KnowledgeImportError` with a zh/en message on unreadable or unsupported files.
"""

from __future__ import annotations

import re
from pathlib import Path

from appliance.errors import KnowledgeImportError
from appliance.knowledge.chunking import Block, ParsedDocument

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".docx", ".pdf", ".html", ".htm")

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
# Chinese numbered headings in plain text: 一、 （一） 第一章 1. 1.1 (short lines only).
_TXT_HEADINGS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"^第[一二三四五六七八九十百]+[章节部分篇]"), 1),
    (re.compile(r"^[一二三四五六七八九十]+[、.．]"), 1),
    (re.compile(r"^[（(][一二三四五六七八九十]+[）)]"), 2),
    (re.compile(r"^\d+[、.．](?!\d)"), 2),
    (re.compile(r"^\d+\.\d+(?:\.\d+)?\s"), 3),
)
_TXT_HEADING_MAX = 30


def _strip_md_inline(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|`)", "", text)
    return text.strip()


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """``key: value`` lines between ``---`` fences at the top; returns (meta, rest)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, text[match.end() :]


def parse_markdown(text: str, fallback_title: str) -> ParsedDocument:
    meta, body = parse_front_matter(text)
    blocks: list[Block] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            blocks.append(Block("\n".join(paragraph)))
            paragraph.clear()

    in_code = False
    for raw in body.splitlines():
        line = raw.rstrip()
        if line.strip().startswith("```"):
            in_code = not in_code
            continue
        heading = None if in_code else _MD_HEADING.match(line)
        if heading:
            end_paragraph()
            blocks.append(Block(_strip_md_inline(heading.group(2)), len(heading.group(1))))
        elif not line.strip():
            end_paragraph()
        else:
            paragraph.append(_strip_md_inline(line.lstrip("> ").strip()))
    end_paragraph()
    title = meta.get("title") or next((b.text for b in blocks if b.level == 1), fallback_title)
    return ParsedDocument(title=title, blocks=blocks, meta=meta)


def _txt_heading_level(line: str) -> int:
    if len(line) > _TXT_HEADING_MAX or line.endswith(("。", "；", "，", ".", ";", ",")):
        return 0
    for pattern, level in _TXT_HEADINGS:
        if pattern.match(line):
            return level
    return 0


def parse_plain_text(text: str, fallback_title: str) -> ParsedDocument:
    """Plain text (also PDF text): numbered short lines are headings, blank lines end paragraphs."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        level = _txt_heading_level(line) if line else 0
        if not line or level:
            if paragraph:
                blocks.append(
                    Block("".join(paragraph) if _is_cjk_wrapped(paragraph) else " ".join(paragraph))
                )
                paragraph = []
            if level:
                blocks.append(Block(line, level))
            continue
        paragraph.append(line)
    if paragraph:
        blocks.append(
            Block("".join(paragraph) if _is_cjk_wrapped(paragraph) else " ".join(paragraph))
        )
    title = fallback_title
    if blocks and blocks[0].level == 0 and len(blocks[0].text) <= _TXT_HEADING_MAX:
        title = blocks.pop(0).text  # a short first line is the document's title
    return ParsedDocument(title=title, blocks=blocks)


def _is_cjk_wrapped(lines: list[str]) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in "".join(lines)[:50])


def parse_docx(path: Path) -> ParsedDocument:
    import docx  # python-docx, imported lazily

    document = docx.Document(str(path))
    blocks: list[Block] = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        match = re.search(r"(?:Heading|标题)\s*(\d)", style)
        if match:
            blocks.append(Block(text, int(match.group(1))))
        elif style == "Title":
            blocks.append(Block(text, 1))
        else:
            blocks.append(Block(text))
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                blocks.append(Block(" | ".join(cells)))
    title = (document.core_properties.title or "").strip()
    title = title or next((b.text for b in blocks if b.level == 1), path.stem)
    return ParsedDocument(title=title, blocks=blocks)


def parse_pdf(path: Path) -> ParsedDocument:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages = [(page.extract_text() or "") for page in reader.pages]
    text = "\n\n".join(pages)
    if not text.strip():
        raise KnowledgeImportError(
            f"PDF 中没有可提取的文字（可能是扫描件）：{path.name}",
            f"The PDF has no extractable text (a scan?): {path.name}",
            hint_zh="请先用文字识别(OCR)转换，或提供 Word/文本版本。",
            hint_en="Run OCR first, or provide a Word or text version.",
        )
    parsed = parse_plain_text(text, path.stem)
    meta_title = (reader.metadata.title if reader.metadata else None) or ""
    if meta_title.strip():
        parsed.title = meta_title.strip()
    return parsed


def parse_html(text: str, fallback_title: str) -> ParsedDocument:
    import lxml.html

    root = lxml.html.fromstring(text or "<html></html>")
    for bad in root.xpath("//script|//style|//nav|//footer"):
        bad.drop_tree()
    blocks: list[Block] = []
    for el in root.iter("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "pre"):
        content = " ".join(el.text_content().split())
        if not content:
            continue
        tag = str(el.tag)
        blocks.append(Block(content, int(tag[1]) if tag[0] == "h" and tag[1:].isdigit() else 0))
    titles = root.xpath("//title/text()")
    title = (titles[0].strip() if titles else "") or next(
        (b.text for b in blocks if b.level == 1), fallback_title
    )
    return ParsedDocument(title=title, blocks=blocks)


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise KnowledgeImportError(
        f"无法识别文件编码：{path.name}",
        f"Cannot decode the file: {path.name}",
        hint_zh="请另存为 UTF-8 编码。",
        hint_en="Save it as UTF-8.",
    )


def load_document(path: Path) -> ParsedDocument:
    """Load one file by its suffix; raise KnowledgeImportError for unsupported or broken files."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise KnowledgeImportError(f"找不到文件：{path}", f"File not found: {path}")
    if suffix not in SUPPORTED_SUFFIXES:
        raise KnowledgeImportError(
            f"不支持的文件类型：{suffix or '(无扩展名)'}",
            f"Unsupported file type: {suffix or '(none)'}",
            hint_zh="支持 Markdown、TXT、DOCX、PDF、HTML。",
            hint_en="Supported: Markdown, TXT, DOCX, PDF, HTML.",
        )
    try:
        if suffix in (".md", ".markdown"):
            return parse_markdown(_read_text(path), path.stem)
        if suffix == ".txt":
            return parse_plain_text(_read_text(path), path.stem)
        if suffix in (".html", ".htm"):
            return parse_html(_read_text(path), path.stem)
        if suffix == ".docx":
            return parse_docx(path)
        return parse_pdf(path)
    except KnowledgeImportError:
        raise
    except Exception as exc:  # broken DOCX/PDF/HTML: report, never a traceback
        raise KnowledgeImportError(
            f"文件无法解析（{exc.__class__.__name__}）：{path.name}",
            f"The file could not be parsed ({exc.__class__.__name__}): {path.name}",
            hint_zh="请确认文件未损坏，或另存为其他格式后重试。",
            hint_en="Check the file is not damaged, or save it in another format and retry.",
        ) from None
