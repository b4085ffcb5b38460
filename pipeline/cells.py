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
# Ink that lies wholly within this distance (character heights) of grid lines is line residue.
_SLIVER_BAND_CH = 0.25
# Anti-aliased glyph edges fall outside the binary ink; keep this halo of the page around it.
_GLYPH_HALO = np.ones((5, 5), dtype=np.uint8)


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
    images = [_clean_crop(gray, text_ink, box) for _, boxes in plans for box in boxes]
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
    """Erase ink lying wholly along the grid lines: the stubs and corners a broken or skewed
    ruling line leaves behind, which a recogniser reads as "1" or "-".  Glyphs always
    reach further into their cell than this band."""
    x0, y0 = max(0, int(grid.bbox.x0) - 3), max(0, int(grid.bbox.y0) - 3)
    x1, y1 = int(grid.bbox.x1) + 4, int(grid.bbox.y1) + 4
    window = text_ink[y0:y1, x0:x1]
    reach = max(2, int(round(char_height * _SLIVER_BAND_CH)))
    # Along the borders cells really have: inside a merged cell no line runs.
    band = cell_border_band(grid, window.shape, (x0, y0), reach) > 0
    count, labels = cv2.connectedComponents(window, connectivity=8)
    reaching_out = np.unique(labels[(~band) & (window > 0)])
    keep = np.zeros(count, dtype=bool)
    keep[reaching_out] = True
    keep[0] = False
    out = text_ink.copy()
    out[y0:y1, x0:x1] = np.where(keep[labels], 255, 0).astype(np.uint8)
    return out


def cell_border_band(grid: Grid, shape: tuple[int, ...], origin: tuple[int, int], reach: int) -> np.ndarray:
    """A mask (255) of the band ``reach`` pixels either side of every cell's own border."""
    band = np.zeros(shape[:2], dtype=np.uint8)
    ox, oy = origin
    for cell in grid.cells:
        x0, y0 = int(round(cell.bbox.x0)) - ox, int(round(cell.bbox.y0)) - oy
        x1, y1 = int(round(cell.bbox.x1)) - ox, int(round(cell.bbox.y1)) - oy
        cv2.rectangle(band, (x0, y0), (x1, y1), 255, thickness=2 * reach + 1)
    return band


def _clean_crop(gray: np.ndarray, text_ink: np.ndarray, box: BBox) -> np.ndarray:
    """The line image with everything that is not text ink (ruling lines, stubs, specks) whitened."""
    pixels = crop(gray, box)
    ink = crop(text_ink, box)
    near_ink = cv2.dilate(ink, _GLYPH_HALO) > 0
    return np.where(near_ink, pixels, 255).astype(np.uint8)


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
