"""A PDF's own text layer: glyphs where the page prints them, and the layers not to trust."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from models import BBox
from pipeline.read.textlayer import Glyph, ink_mismatch, is_unreadable, read_text_layer

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
LINE = "一般公共服务支出 1030.50 教育支出 242.32 科学技术支出"
PAGE_PT = (595.0, 842.0)


def _pdf(path: Path, render_mode: int = 0, page_image: bool = False) -> Path:
    pdfmetrics.registerFont(TTFont("Zen", CJK_FONT, subfontIndex=0))
    drawing = canvas.Canvas(str(path), pagesize=PAGE_PT)
    if page_image:
        buffer = io.BytesIO()
        Image.new("L", (200, 280), 230).save(buffer, format="PNG")
        drawing.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 0, 0, *PAGE_PT)
    text = drawing.beginText(72, 700)
    text.setFont("Zen", 12)
    text.setTextRenderMode(render_mode)
    text.textLine(LINE)
    drawing.drawText(text)
    drawing.save()
    return path


def test_glyphs_come_in_print_order_with_boxes_in_pixels(tmp_path: Path) -> None:
    layer = read_text_layer(_pdf(tmp_path / "a.pdf"), 0, dpi=144)
    assert layer.usable
    assert "".join(g.text for g in layer.glyphs) == LINE.replace(" ", "")
    first = layer.glyphs[0].bbox
    # 72 pt from the left, the baseline 142 pt from the top of the page, at 2 pixels per point.
    assert first.x0 == pytest.approx(144, abs=3)
    assert first.y1 == pytest.approx(2 * (842 - 700), abs=12)
    assert first.height == pytest.approx(24, abs=6)


def test_invisible_text_is_another_tools_ocr_layer(tmp_path: Path) -> None:
    layer = read_text_layer(_pdf(tmp_path / "a.pdf", render_mode=3), 0, dpi=72)
    assert not layer.usable and "invisible" in layer.distrust


def test_text_over_a_page_sized_image_is_a_scan_with_a_text_layer(tmp_path: Path) -> None:
    layer = read_text_layer(_pdf(tmp_path / "a.pdf", page_image=True), 0, dpi=72)
    assert not layer.usable and "image" in layer.distrust


def test_a_page_without_text_has_no_usable_layer(tmp_path: Path) -> None:
    drawing = canvas.Canvas(str(tmp_path / "blank.pdf"), pagesize=PAGE_PT)
    drawing.line(72, 72, 500, 72)
    drawing.save()
    layer = read_text_layer(tmp_path / "blank.pdf", 0, dpi=72)
    assert layer.glyphs == () and not layer.usable and layer.distrust is None


@pytest.mark.parametrize("text, unreadable", [("\ue000", True), ("\ufffd", True), ("Ï", True), ("\x07", True),
                                               ("支", False), ("1", False), ("×", False), ("（", False)])
def test_unreadable_code_points(text: str, unreadable: bool) -> None:
    assert is_unreadable(text) is unreadable


def _ink(boxes: list[tuple[int, int, int, int]]) -> np.ndarray:
    ink = np.zeros((100, 200), dtype=np.uint8)
    for x0, y0, x1, y1 in boxes:
        ink[y0:y1, x0:x1] = 255
    return ink


def test_glyphs_matching_the_ink_raise_no_doubt() -> None:
    glyphs = tuple(Glyph("支", BBox(10 + 20 * i, 10, 28 + 20 * i, 30)) for i in range(5))
    assert ink_mismatch(glyphs, _ink([(12 + 20 * i, 12, 26 + 20 * i, 28) for i in range(5)]), 20.0) is None


def test_glyphs_without_ink_are_not_on_the_page() -> None:
    glyphs = tuple(Glyph("支", BBox(10 + 20 * i, 10, 28 + 20 * i, 30)) for i in range(5))
    assert "no ink" in ink_mismatch(glyphs, _ink([(12, 12, 26, 28)]), 20.0)


def test_ink_no_glyph_explains_is_text_missing_from_the_layer() -> None:
    glyphs = (Glyph("支", BBox(10, 10, 28, 30)),)
    # The glyph's own ink, and a second block of text ink far from it.
    assert "outside every glyph" in ink_mismatch(glyphs, _ink([(12, 12, 26, 28), (100, 50, 180, 80)]), 20.0)
