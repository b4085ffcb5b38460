"""Ruling-line detection and table regions, built on camelot's image processing.

camelot's ``find_lines`` does the morphology (opening with a line-shaped
element, then a closing that bridges broken scans); this module turns its
masks and segments into typed objects and table regions.  Coordinates are
pixels of the deskewed page image.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from camelot.image_processing import find_lines

from models import BBox

# Ruling lines that stop this many pixels short of each other at a corner still make one network.
_CORNER_GAP_PX = 5


@dataclass(frozen=True, slots=True)
class Segment:
    """A ruling-line segment: horizontal (y fixed, x0..x1) or vertical (x fixed, y0..y1)."""

    position: float  # y for horizontal, x for vertical
    start: float
    end: float

    @property
    def length(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class RulingLines:
    horizontal: tuple[Segment, ...]
    vertical: tuple[Segment, ...]
    horizontal_mask: np.ndarray  # 255 where a horizontal line lies
    vertical_mask: np.ndarray


def detect_ruling_lines(ink: np.ndarray, min_length_px: float) -> RulingLines:
    """Find horizontal and vertical ruling lines at least ``min_length_px`` long.

    One dilation+erosion pass of the line element closes gaps shorter than the
    element itself, which repairs faint or broken lines in scans.
    """
    height, width = ink.shape
    h_scale = max(1, int(width // max(min_length_px, 1.0)))
    v_scale = max(1, int(height // max(min_length_px, 1.0)))
    h_mask, h_lines = find_lines(ink, direction="horizontal", line_scale=h_scale, iterations=1, erode_iterations=1)
    v_mask, v_lines = find_lines(ink, direction="vertical", line_scale=v_scale, iterations=1, erode_iterations=1)
    horizontal = tuple(
        sorted((Segment(position=float(y1), start=float(min(x1, x2)), end=float(max(x1, x2))) for x1, y1, x2, _ in h_lines),
               key=lambda s: (s.position, s.start))
    )
    vertical = tuple(
        sorted((Segment(position=float(x1), start=float(min(y1, y2)), end=float(max(y1, y2))) for x1, y1, _, y2 in v_lines),
               key=lambda s: (s.position, s.start))
    )
    return RulingLines(horizontal, vertical, h_mask.astype(np.uint8), v_mask.astype(np.uint8))


def find_table_regions(lines: RulingLines, min_area_frac: float, reach_px: float = 0.0) -> list[BBox]:
    """Bounding boxes of connected line networks that look like tables, top to bottom.

    A region needs at least two horizontal and two vertical lines: a lone
    underline or a page border is not a table.
    """
    mask = cv2.bitwise_or(lines.horizontal_mask, lines.vertical_mask)
    # Join lines that stop a few pixels short of each other at corners.
    mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (_CORNER_GAP_PX, _CORNER_GAP_PX)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    page_area = float(mask.shape[0] * mask.shape[1])
    regions: list[BBox] = []
    for index in range(1, count):
        x, y, w, h = (int(stats[index, k]) for k in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT))
        if w * h < min_area_frac * page_area:
            continue
        box = BBox(float(x), float(y), float(x + w), float(y + h))
        if _count_inside(lines.horizontal, box, horizontal=True) >= 2 and _count_inside(lines.vertical, box, horizontal=False) >= 2:
            regions.append(_with_border_rows(box, lines.horizontal, reach_px))
    return sorted(regions, key=lambda b: (b.y0, b.x0))


def _with_border_rows(box: BBox, horizontal: tuple[Segment, ...], reach_px: float) -> BBox:
    """Grow a region to take in full-width lines just above or below it.

    When every column line is broken at the same height (a faint band across a
    scan), the top row's ruling is cut off from the network; its border line
    still runs the table's whole width within a row height of it.
    """
    changed = True
    while changed and reach_px > 0:
        changed = False
        for segment in horizontal:
            overlap = min(segment.end, box.x1) - max(segment.start, box.x0)
            if overlap < 0.8 * box.width:
                continue
            if box.y0 - reach_px <= segment.position < box.y0:
                box, changed = BBox(box.x0, segment.position, box.x1, box.y1), True
            elif box.y1 < segment.position <= box.y1 + reach_px:
                box, changed = BBox(box.x0, box.y0, box.x1, segment.position), True
    return box


def _count_inside(segments: tuple[Segment, ...], box: BBox, horizontal: bool) -> int:
    inside = 0
    for segment in segments:
        if horizontal:
            x_mid, y = (segment.start + segment.end) / 2, segment.position
        else:
            x_mid, y = segment.position, (segment.start + segment.end) / 2
        if box.contains_point(x_mid, y):
            inside += 1
    return inside


def remove_lines(ink: np.ndarray, lines: RulingLines) -> np.ndarray:
    """The ink mask with ruling lines erased (text only), for OCR and orientation."""
    line_mask = cv2.bitwise_or(lines.horizontal_mask, lines.vertical_mask)
    line_mask = cv2.dilate(line_mask, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    return cv2.bitwise_and(ink, cv2.bitwise_not(line_mask))


def remove_grid_lines(ink: np.ndarray, lines: RulingLines, grids: list, band_px: float) -> np.ndarray:
    """The ink mask with the ruling lines of the given grids erased, and nothing else.

    A glyph stroke long enough to pass for a line (the top of 二, a title's
    strokes, a bracket inside a merged cell) is only erased where a cell border runs.
    """
    line_mask = cv2.bitwise_or(lines.horizontal_mask, lines.vertical_mask)
    line_mask = cv2.dilate(line_mask, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    band = np.zeros(ink.shape, dtype=np.uint8)
    reach = max(2, int(round(band_px)))
    for grid in grids:
        for cell in grid.cells:
            corner0 = (int(round(cell.bbox.x0)), int(round(cell.bbox.y0)))
            corner1 = (int(round(cell.bbox.x1)), int(round(cell.bbox.y1)))
            cv2.rectangle(band, corner0, corner1, 255, thickness=2 * reach + 1)
    return cv2.bitwise_and(ink, cv2.bitwise_not(cv2.bitwise_and(line_mask, band)))
