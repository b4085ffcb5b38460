"""Small synthetic page images for the image-stage tests (grids, text, skew).

Conventions follow the pipeline: grayscale uint8, 255 = paper, 0 = ink.
Sizes are about what a 200 dpi scan of a county disclosure gives: body CJK
glyphs ~25 px tall, ruling lines 2 px wide.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from models import Grid
from pipeline.image.grid import GridTolerances
from pipeline.image.lines import RulingLines
from pipeline.image.preprocess import binarize, measure_char_height
from pipeline.page import detect_grids
from pipeline.settings import Settings

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
LINE_WIDTH = 2


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(CJK_FONT, size)


def blank(height: int, width: int) -> np.ndarray:
    return np.full((height, width), 255, dtype=np.uint8)


def put_text(gray: np.ndarray, xy: tuple[int, int], text: str, size: int = 28, ink: int = 0) -> np.ndarray:
    """Draw ``text`` (CJK or Latin) with its top-left at ``xy``; returns the same array."""
    image = Image.fromarray(gray)
    ImageDraw.Draw(image).text(xy, text, font=font(size), fill=ink)
    gray[:] = np.asarray(image)
    return gray


def text_box(text: str, size: int = 28) -> tuple[int, int, int, int]:
    """Ink box (x0, y0, x1, y1) of ``text`` drawn at (0, 0)."""
    return font(size).getbbox(text)


def text_line_image(text: str, size: int = 32, pad: int = 12) -> np.ndarray:
    """A line crop as the pipeline hands it to an engine: one line of dark text on white."""
    x0, y0, x1, y1 = text_box(text, size)
    gray = blank(y1 - y0 + 2 * pad, x1 - x0 + 2 * pad)
    return put_text(gray, (pad - x0, pad - y0), text, size)


@dataclass(frozen=True)
class Table:
    """Where a synthetic table's lines were drawn."""

    xs: tuple[int, ...]
    ys: tuple[int, ...]

    def cell_origin(self, row: int, col: int, dx: int = 10, dy: int = 10) -> tuple[int, int]:
        return self.xs[col] + dx, self.ys[row] + dy


def draw_table(gray: np.ndarray, xs: list[int], ys: list[int], skip_v: set[tuple[int, int]] = frozenset(),
               skip_h: set[tuple[int, int]] = frozenset(), width: int = LINE_WIDTH) -> Table:
    """Draw a ruled table with grid lines at ``xs`` and ``ys``.

    ``skip_v`` holds (row, col_line) pairs: the vertical line ``xs[col_line]`` is
    not drawn over body row ``row``; ``skip_h`` holds (row_line, col) pairs: the
    horizontal line ``ys[row_line]`` is not drawn over column ``col``.
    """
    for i, y in enumerate(ys):
        for c in range(len(xs) - 1):
            if (i, c) not in skip_h:
                cv2.line(gray, (xs[c], y), (xs[c + 1], y), 0, width)
    for j, x in enumerate(xs):
        for r in range(len(ys) - 1):
            if (r, j) not in skip_v:
                cv2.line(gray, (x, ys[r]), (x, ys[r + 1]), 0, width)
    return Table(tuple(xs), tuple(ys))


def tolerances(char_height: float, settings: Settings = Settings()) -> GridTolerances:
    """The grid tolerances exactly as pipeline.page derives them from the settings."""
    return GridTolerances(
        merge_px=settings.line_merge_tol_ch * char_height,
        min_segment_px=settings.min_line_length_ch * char_height,
        boundary_coverage=settings.boundary_coverage,
        text_gap_px=settings.text_gap_ch * char_height,
    )


@dataclass(frozen=True)
class PageGrids:
    ink: np.ndarray
    char_height: float
    lines: RulingLines
    grids: list[Grid]
    text_ink: np.ndarray  # ink with the grids' lines removed, as cells see it


def page_grids(gray: np.ndarray, settings: Settings = Settings(), char_height: float | None = None) -> PageGrids:
    """Run the page recipe from binarisation to grids (pipeline.page.detect_grids, no OCR)."""
    ch = measure_char_height(binarize(gray)) if char_height is None else char_height
    found = detect_grids(gray, ch, settings)
    return PageGrids(ink=found.ink, char_height=ch, lines=found.lines, grids=list(found.grids), text_ink=found.text_ink)


def spans(grid: Grid) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, col) -> (row_span, col_span) of every cell."""
    return {(c.row, c.col): (c.row_span, c.col_span) for c in grid.cells}
