"""Born-digital pages are read from their text layer, without OCR; a layer not to trust is OCR'd."""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from models import PageResult
from pipeline.image.intake import open_document, page_refs
from pipeline.ocr import LineReading
from pipeline.ocr.fake import FakeEngine
from pipeline.page import process_page
from pipeline.settings import Settings

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
ROWS = (("科目编码", "科目名称", "合计"), ("201", "一般公共服务支出", "1030.50"), ("20101", "人大事务", "830.50"))
COLS_PT = (72, 172, 372, 472)
TOP_PT, ROW_PT = 700, 24


def _table_pdf(path: Path, render_mode: int = 0) -> Path:
    pdfmetrics.registerFont(TTFont("Zen", CJK_FONT, subfontIndex=0))
    drawing = canvas.Canvas(str(path), pagesize=(595, 842))
    drawing.setFont("Zen", 16)
    drawing.drawString(200, TOP_PT + 40, "2025年预算支出总表")
    bottom = TOP_PT - ROW_PT * len(ROWS)
    for x in COLS_PT:
        drawing.line(x, TOP_PT, x, bottom)
    for r in range(len(ROWS) + 1):
        drawing.line(COLS_PT[0], TOP_PT - r * ROW_PT, COLS_PT[-1], TOP_PT - r * ROW_PT)
    for r, row in enumerate(ROWS):
        for c, text in enumerate(row):
            line = drawing.beginText(COLS_PT[c] + 6, TOP_PT - (r + 1) * ROW_PT + 8)
            line.setFont("Zen", 11)
            line.setTextRenderMode(render_mode)
            line.textLine(text)
            drawing.drawText(line)
    drawing.save()
    return path


def _read(path: Path, settings: Settings = Settings(cross_check=False)) -> tuple[PageResult, FakeEngine]:
    engine = FakeEngine(lambda image: LineReading("讀", 0.5))
    (ref,) = page_refs(open_document(path))
    return process_page(ref, settings, engine), engine


def test_a_born_digital_table_is_read_from_its_text_layer_without_ocr(tmp_path: Path) -> None:
    page, engine = _read(_table_pdf(tmp_path / "digital.pdf"))
    assert engine.calls == 0
    (table,) = page.tables
    rows = {}
    for cell in table.grid.cells:
        rows.setdefault(cell.row, []).append(cell.text)
        assert cell.read_by == "text_layer" and cell.confidence == 1.0
    assert [tuple(rows[r]) for r in sorted(rows)] == list(ROWS)
    assert [p.text for p in table.context] == ["2025年预算支出总表"]
    assert page.orientation.quarter_turns_cw == 0


def test_invisible_text_is_not_trusted_and_the_page_is_ocrd(tmp_path: Path) -> None:
    # The cells' text is invisible (their ink shows nothing), the title is not: OCR reads the page.
    page, engine = _read(_table_pdf(tmp_path / "ocr_layer.pdf", render_mode=3))
    assert engine.calls > 0
    cells = [c for t in page.tables for c in t.grid.cells]
    assert cells and all(c.read_by == "fake" and c.blank for c in cells)


def test_the_text_layer_can_be_turned_off(tmp_path: Path) -> None:
    _, engine = _read(_table_pdf(tmp_path / "digital.pdf"), Settings(cross_check=False, text_layer=False))
    assert engine.calls > 0
