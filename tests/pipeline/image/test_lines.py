"""Ruling lines and table regions on synthetic pages."""

from __future__ import annotations

import cv2
import numpy as np

from _images import blank, draw_table, page_grids, put_text
from pipeline.image.lines import detect_ruling_lines, find_table_regions, remove_grid_lines, remove_lines
from pipeline.image.preprocess import binarize
from pipeline.settings import Settings

CHAR_HEIGHT = 24.0
MIN_LINE = Settings().min_line_length_ch * CHAR_HEIGHT


def _positions(segments, tol: float = 4.0) -> list[float]:
    """Distinct positions of segments (close ones are one line)."""
    out: list[float] = []
    for s in sorted(segments, key=lambda s: s.position):
        if not out or s.position - out[-1] > tol:
            out.append(s.position)
    return out


def test_detects_the_drawn_lines_and_not_the_text() -> None:
    gray = blank(700, 900)
    xs, ys = [100, 350, 600, 800], [200, 260, 320, 380, 440]
    table = draw_table(gray, xs, ys)
    for r in range(4):
        for c in range(3):
            put_text(gray, table.cell_origin(r, c, 16, 12), "一二三" if c == 0 else "1030.50")
    lines = detect_ruling_lines(binarize(gray), MIN_LINE)
    h = _positions(lines.horizontal)
    v = _positions(lines.vertical)
    assert len(h) == len(ys) and np.allclose(h, ys, atol=2)
    assert len(v) == len(xs) and np.allclose(v, xs, atol=2)
    assert lines.horizontal_mask.shape == gray.shape and lines.vertical_mask.shape == gray.shape


def test_regions_are_tables_top_to_bottom_and_an_underline_is_not_one() -> None:
    gray = blank(1400, 1000)
    draw_table(gray, [100, 400, 900], [700, 760, 820, 880])
    draw_table(gray, [100, 300, 500, 900], [200, 260, 320])
    cv2.line(gray, (100, 1200), (900, 1200), 0, 2)  # a signature underline
    lines = detect_ruling_lines(binarize(gray), MIN_LINE)
    regions = find_table_regions(lines, Settings().min_table_area_frac)
    assert len(regions) == 2
    assert [round(r.y0) for r in regions] == [near(200), near(700)]
    assert all(abs(r.x0 - 100) <= 4 and abs(r.x1 - 900) <= 4 for r in regions)


def near(value: float, tol: int = 4):
    class _Near:
        def __eq__(self, other: object) -> bool:
            return isinstance(other, (int, float)) and abs(other - value) <= tol

        def __repr__(self) -> str:
            return f"{value}±{tol}"

    return _Near()


def test_remove_lines_keeps_the_text() -> None:
    gray = blank(700, 900)
    table = draw_table(gray, [100, 450, 800], [200, 260, 320, 380])
    text_only = blank(700, 900)
    for r in range(3):
        for c in range(2):
            put_text(gray, table.cell_origin(r, c, 20, 14), "预算支出")
            put_text(text_only, table.cell_origin(r, c, 20, 14), "预算支出")
    ink = binarize(gray)
    lines = detect_ruling_lines(ink, MIN_LINE)
    cleaned = remove_lines(ink, lines)
    text = binarize(text_only) > 0
    assert (cleaned[text] > 0).mean() > 0.9
    # No line is left: the longest horizontal run of ink is a glyph stroke, not a cell wide.
    runs = cv2.morphologyEx(cleaned, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (120, 1)))
    assert not runs.any()


def test_remove_grid_lines_spares_long_strokes_outside_the_grid() -> None:
    gray = blank(1700, 1200)  # about an A4 page at 150 dpi
    put_text(gray, (120, 30), "一二三预算表", size=64)  # 一 at this size is a line-length stroke
    table = draw_table(gray, [100, 450, 900], [300, 360, 420, 480])
    put_text(gray, table.cell_origin(1, 0), "行政运行")
    found = page_grids(gray, char_height=CHAR_HEIGHT)
    assert len(found.grids) == 1
    assert any(s.position < 200 for s in found.lines.horizontal), "the title stroke passes for a line"
    title = binarize(gray)[:200] > 0
    assert (found.text_ink[:200][title] > 0).mean() > 0.98
    # The grid's own lines are gone.
    grid_band = found.text_ink[298:303, 100:900]
    assert not grid_band.any()


def test_remove_grid_lines_without_grids_erases_nothing() -> None:
    gray = blank(300, 400)
    cv2.line(gray, (20, 100), (380, 100), 0, 2)
    ink = binarize(gray)
    lines = detect_ruling_lines(ink, MIN_LINE)
    assert np.array_equal(remove_grid_lines(ink, lines, [], 10.0), ink)
