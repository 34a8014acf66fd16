"""Heading-aware chunking and document loaders (Markdown, TXT, DOCX, PDF, HTML)."""

from __future__ import annotations

from pathlib import Path

import pytest

from appliance.errors import KnowledgeImportError
from appliance.knowledge.chunking import Block, chunk_blocks
from appliance.knowledge.kb_loaders import load_document, parse_markdown, parse_plain_text


def test_markdown_sections_become_chunks_with_heading_paths() -> None:
    doc = parse_markdown(
        "---\ntitle: 就诊流程\nsource: 本院\n---\n# 就诊流程\n\n## 挂号\n到窗口挂号。\n\n"
        "## 检查\n### 抽血\n空腹抽血。\n",
        "x",
    )
    chunks = chunk_blocks(doc.blocks, doc.title)
    assert doc.title == "就诊流程" and doc.meta["source"] == "本院"
    assert [(c.section, c.text) for c in chunks] == [
        ("挂号", "到窗口挂号。"),
        ("检查 > 抽血", "空腹抽血。"),
    ]


def test_long_section_splits_at_sentence_ends_and_never_spans_sections() -> None:
    long_text = "高血压患者要限盐。" * 120
    chunks = chunk_blocks([Block("饮食", 2), Block(long_text), Block("运动", 2), Block("快走。")])
    assert len(chunks) > 2
    assert all(len(c.text) <= 520 for c in chunks)
    assert all(c.text.endswith("。") for c in chunks if c.section == "饮食")
    assert chunks[-1].section == "运动"


def test_plain_text_numbered_headings() -> None:
    doc = parse_plain_text(
        "预约须知\n\n一、预约方式\n可以电话预约。\n二、取号\n提前到院取号。\n", "f"
    )
    chunks = chunk_blocks(doc.blocks, doc.title)
    assert [c.section for c in chunks] == ["一、预约方式", "二、取号"]


def test_docx_pdf_html_loaders(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading("医保报销", level=1)
    d.add_heading("门诊报销", level=2)
    d.add_paragraph("门诊费用按比例报销。")
    d.save(str(tmp_path / "a.docx"))
    parsed = load_document(tmp_path / "a.docx")
    assert [(c.section, c.text) for c in chunk_blocks(parsed.blocks, parsed.title)] == [
        ("门诊报销", "门诊费用按比例报销。")
    ]

    (tmp_path / "b.html").write_text(
        "<html><head><title>疫苗</title></head><body><script>x()</script><h2>接种前</h2>"
        "<p>带好接种证。</p></body></html>",
        encoding="utf-8",
    )
    parsed = load_document(tmp_path / "b.html")
    assert parsed.title == "疫苗"
    assert [(c.section, c.text) for c in chunk_blocks(parsed.blocks, parsed.title)] == [
        ("接种前", "带好接种证。")
    ]

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    with open(tmp_path / "scan.pdf", "wb") as fh:
        writer.write(fh)
    with pytest.raises(KnowledgeImportError) as err:
        load_document(tmp_path / "scan.pdf")
    assert "OCR" in err.value.hint_zh


def test_bad_files_give_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"PK")
    with pytest.raises(KnowledgeImportError) as err:
        load_document(tmp_path / "x.xlsx")
    assert err.value.code == "kb_import" and "不支持" in err.value.message_zh
    (tmp_path / "broken.docx").write_bytes(b"not a zip")
    with pytest.raises(KnowledgeImportError) as err:
        load_document(tmp_path / "broken.docx")
    assert "无法解析" in err.value.message_zh
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("一、挂号\n请到窗口挂号。\n".encode("gb18030"))
    assert load_document(gbk).blocks[0].text == "一、挂号"


def _text_pdf(path: Path, lines: list[str]) -> None:
    """A minimal one-page PDF with a text layer (Helvetica, ASCII), written by hand."""
    ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
    for line in lines:
        ops.append(f"({line}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))


def test_pdf_with_a_text_layer_is_chunked_by_numbered_headings(tmp_path: Path) -> None:
    pdf = tmp_path / "hours.pdf"
    _text_pdf(pdf, ["Clinic hours", "", "1. Weekdays", "Open from 8 to 17.", "", "2. Weekends",
                    "General clinic only in the morning."])  # fmt: skip
    parsed = load_document(pdf)
    chunks = chunk_blocks(parsed.blocks, parsed.title)
    assert parsed.title == "Clinic hours"
    assert [c.section for c in chunks] == ["1. Weekdays", "2. Weekends"]
    assert "8 to 17" in chunks[0].text
