"""Pictures of the evidence: a fact's cell and its row cut from the kept page image, the grid drawn.

The page image is the upright page every box refers to (pipeline.output.pages); its file is found
from the sha256 the database holds, never from anything a request says.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np

from pipeline.output.pages import page_image_path

_GRID = (170, 170, 170)  # BGR
_CELL = (0, 140, 255)  # the fact's own cell: the needs-review orange of the overlays
# Margin around a crop, in heights of the fact's cell.
_MARGIN = 0.6


def load_page(folder: Path, sha256: str) -> np.ndarray | None:
    """The kept page image (grayscale), or None when its file is missing."""
    path = page_image_path(folder, sha256)
    if not path.is_file():
        return None
    return cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)


def _pixels(box: list[float], width: int, height: int) -> tuple[int, int, int, int]:
    return (int(round(box[0] * width)), int(round(box[1] * height)),
            int(round(box[2] * width)), int(round(box[3] * height)))


def crop(gray: np.ndarray, cell: list[float], grid: Iterable[list[float]], table: list[float] | None,
         whole_row: bool) -> bytes:
    """A PNG of the fact's cell (``whole_row``: across its table's row), the grid's cells drawn grey
    and the fact's cell orange.  Boxes are fractions of the page."""
    height, width = gray.shape[:2]
    x0, y0, x1, y1 = _pixels(cell, width, height)
    margin = max(4, int((y1 - y0) * _MARGIN))
    if whole_row and table is not None:
        tx0, _, tx1, _ = _pixels(table, width, height)
        x0, x1 = min(x0, tx0), max(x1, tx1)
    left, top = max(0, x0 - margin), max(0, y0 - margin)
    right, bottom = min(width, x1 + margin), min(height, y1 + margin)
    canvas = cv2.cvtColor(gray[top:bottom, left:right], cv2.COLOR_GRAY2BGR)
    for box in grid:
        bx0, by0, bx1, by1 = _pixels(box, width, height)
        cv2.rectangle(canvas, (bx0 - left, by0 - top), (bx1 - left, by1 - top), _GRID, 1)
    cx0, cy0, cx1, cy1 = _pixels(cell, width, height)
    cv2.rectangle(canvas, (cx0 - left, cy0 - top), (cx1 - left, cy1 - top), _CELL, 3)
    ok, encoded = cv2.imencode(".png", canvas)
    if not ok:
        raise RuntimeError("the crop could not be encoded")
    return encoded.tobytes()
