"""Blank-cell detection and cell OCR: every grid cell gets its text and confidence."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from models import BBox, Grid, GridCell
from pipeline.ocr.base import LineReading, OcrEngine
from pipeline.textlines import crop, find_lines_in_box

# The border band excluded from a cell, in character heights: ruling-line
# residue and neighbouring glyph edges live there.
_CELL_INSET_CH = 0.12
# Ink thinner than this (character heights) and centred within _SLIVER_DISTANCE_CH of a
# grid line is line residue: glyph strokes are thicker or sit away from the borders.
_SLIVER_THICKNESS_CH = 0.15
_SLIVER_DISTANCE_CH = 0.4


def read_grid(grid: Grid, gray: np.ndarray, text_ink: np.ndarray, char_height: float, engine: OcrEngine,
              blank_ink_frac: float) -> Grid:
    """The grid with every cell's text read; blank cells are marked and never sent to OCR."""
    text_ink = _without_border_slivers(text_ink, grid, char_height)
    plans: list[tuple[GridCell, list[BBox]]] = []
    for cell in grid.cells:
        inner = _inset(cell.bbox, char_height * _CELL_INSET_CH)
        if _ink_fraction(text_ink, inner) < blank_ink_frac:
            plans.append((cell, []))
            continue
        lines = [line.bbox for line in find_lines_in_box(text_ink, inner, char_height)]
        plans.append((cell, lines))
    images = [crop(gray, box) for _, boxes in plans for box in boxes]
    readings = iter(engine.read_lines(images)) if images else iter(())
    cells = []
    for cell, boxes in plans:
        if not boxes:
            cells.append(replace(cell, text="", confidence=1.0, blank=True))
            continue
        line_readings = [next(readings) for _ in boxes]
        text, confidence = _join(line_readings)
        cells.append(replace(cell, text=text, confidence=confidence, blank=not text))
    return replace(grid, cells=tuple(cells))


def _without_border_slivers(text_ink: np.ndarray, grid: Grid, char_height: float) -> np.ndarray:
    """Erase thin ink fragments lying on a grid line: the stubs a broken or skewed ruling
    line leaves behind, which a recogniser would read as "1" or "-"."""
    x0, y0, x1, y1 = (int(v) for v in (grid.bbox.x0, grid.bbox.y0, grid.bbox.x1, grid.bbox.y1))
    window = text_ink[max(0, y0 - 2):y1 + 3, max(0, x0 - 2):x1 + 3].copy()
    count, labels, stats, _ = cv2.connectedComponentsWithStats(window, connectivity=8)
    thin = max(2.0, char_height * _SLIVER_THICKNESS_CH)
    near = char_height * _SLIVER_DISTANCE_CH
    ox, oy = max(0, x0 - 2), max(0, y0 - 2)
    for index in range(1, count):
        left, top, width, height = (int(stats[index, k]) for k in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT))
        cx, cy = ox + left + width / 2, oy + top + height / 2
        vertical_sliver = width <= thin and _near_any(cx, grid.col_edges, near)
        horizontal_sliver = height <= thin and _near_any(cy, grid.row_edges, near)
        if vertical_sliver or horizontal_sliver:
            window[labels == index] = 0
    out = text_ink.copy()
    out[max(0, y0 - 2):y1 + 3, max(0, x0 - 2):x1 + 3] = window
    return out


def _near_any(value: float, edges: tuple[float, ...], distance: float) -> bool:
    return any(abs(value - edge) <= distance for edge in edges)


def _inset(box: BBox, by: float) -> BBox:
    return BBox(box.x0 + by, box.y0 + by, box.x1 - by, box.y1 - by)


def _ink_fraction(text_ink: np.ndarray, box: BBox) -> float:
    window = crop(text_ink, box)
    return float(np.count_nonzero(window)) / window.size if window.size else 0.0


def _join(readings: list[LineReading]) -> tuple[str, float]:
    """Wrapped lines of one cell join without a separator (Chinese wraps mid-phrase)."""
    texts = [r.text.strip() for r in readings if r.text.strip()]
    if not texts:
        return "", 0.0
    joined = texts[0]
    for nxt in texts[1:]:
        # Keep a space only where two Latin words meet across the wrap.
        sep = " " if joined[-1].isascii() and joined[-1].isalpha() and nxt[0].isascii() and nxt[0].isalpha() else ""
        joined += sep + nxt
    return joined, min(r.confidence for r in readings if r.text.strip())
