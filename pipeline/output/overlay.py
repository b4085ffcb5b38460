"""Debug overlays: each page as the pipeline saw it, with what it found and decided drawn over it.

One PNG per page (``yusuan ingest --debug-dir DIR``): the upright, deskewed page
in grey; every grid cell (thin grey) with every ruling line the line stage
found over it (blue), and every table's outline (black); each cell that gave facts filled
by their status (green: accepted; orange: needs review; violet: corrected by the
arithmetic and accepted); prose lines read on a page without a table (cyan).
A person can open it and see at once where a grid went wrong.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np

from models import Fact, PageResult, ReviewReason
from pipeline.image.lines import detect_ruling_lines
from pipeline.image.orient import reapply
from pipeline.image.preprocess import binarize_for_lines
from pipeline.image.render import render_page
from pipeline.settings import Settings

log = logging.getLogger(__name__)

# BGR colours.
_RULING = (220, 120, 0)
_CELL = (150, 150, 150)
_TABLE = (0, 0, 0)
_PROSE = (200, 200, 0)
_ACCEPTED = (80, 190, 60)
_REVIEW = (0, 140, 255)
_CORRECTED = (200, 80, 180)
# How strongly a status colour covers its cell (0..1): the text under it must stay readable.
_FILL_ALPHA = 0.35


def overlay_image(page: PageResult, facts: Iterable[Fact], settings: Settings) -> np.ndarray:
    """The page with its lines, grids and fact statuses drawn over it (BGR pixels)."""
    image = render_page(page.ref, settings.render_dpi, settings.max_page_pixels)
    gray = reapply(image.pixels, page.orientation, image.colour, image.dpi)
    canvas = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    fill = canvas.copy()
    for fact in facts:
        x0, y0, x1, y1 = (int(round(v * s)) for v, s in zip(fact.bbox, (gray.shape[1], gray.shape[0]) * 2))
        cv2.rectangle(fill, (x0, y0), (x1, y1), _status_colour(fact), thickness=-1)
    canvas = cv2.addWeighted(fill, _FILL_ALPHA, canvas, 1 - _FILL_ALPHA, 0)
    # Cell borders first, the lines found over them: grey alone marks a boundary the grid drew
    # where no line was found (a broken line restored), blue alone a line no boundary uses.
    for table in page.tables:
        for cell in table.grid.cells:
            box = cell.bbox
            cv2.rectangle(canvas, (int(box.x0), int(box.y0)), (int(box.x1), int(box.y1)), _CELL, 1)
    lines = detect_ruling_lines(binarize_for_lines(gray), settings.min_line_length_ch * page.char_height)
    for segment in lines.horizontal:
        y = int(round(segment.position))
        cv2.line(canvas, (int(segment.start), y), (int(segment.end), y), _RULING, 1)
    for segment in lines.vertical:
        x = int(round(segment.position))
        cv2.line(canvas, (x, int(segment.start)), (x, int(segment.end)), _RULING, 1)
    for table in page.tables:
        box = table.grid.bbox
        cv2.rectangle(canvas, (int(box.x0), int(box.y0)), (int(box.x1), int(box.y1)), _TABLE, 3)
    for phrase in page.text:
        box = phrase.bbox
        cv2.rectangle(canvas, (int(box.x0), int(box.y0)), (int(box.x1), int(box.y1)), _PROSE, 1)
    return canvas


def _status_colour(fact: Fact) -> tuple[int, int, int]:
    if fact.status == "needs_review":
        return _REVIEW
    return _CORRECTED if ReviewReason.CORRECTED_BY_ARITHMETIC in fact.reasons else _ACCEPTED


def write_overlays(pages: Iterable[PageResult], facts: Iterable[Fact], settings: Settings,
                   folder: Path) -> list[Path]:
    """One ``<source stem>_p<page>.png`` per page in ``folder``; the paths written."""
    by_page: dict[int, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_page[fact.page].append(fact)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for page in pages:
        path = folder / f"{Path(page.ref.source).stem}_p{page.ref.number:03d}.png"
        cv2.imwrite(str(path), overlay_image(page, by_page.get(page.ref.number, ()), settings))
        log.debug("overlay of %s page %d: %s", page.ref.source, page.ref.number, path)
        written.append(path)
    return written
