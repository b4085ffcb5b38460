"""Page orientation (0/90/180/270) and deskew.

The quarter-turn question is split in two: whether text runs vertically
(the page lies at 90 or 270 degrees) is read off the shape of text strips;
which way up it is gets decided by the recogniser itself, which reads
upright text with far higher confidence than upside-down text.  Most pages
lie upright, so the longest strips are read upright first, and only a page
they leave in doubt is read both ways.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

from models import Orientation
from pipeline.image.sheet import as_paper
from pipeline.ocr.base import LineReading, OcrEngine
from pipeline.image.preprocess import binarize, estimate_skew, rotate, rotate_quarter_turns, text_runs_are_vertical

log = logging.getLogger(__name__)

# How many text strips are read upright and upside down to decide orientation.
_SAMPLE_STRIPS = 6
# The first look: this many of the longest strips, read upright only.  The page is upright without
# further reading when each of them reads with at least this confidence (0..1) and holds at least
# this many CJK characters.  Upside-down CJK text does not read as confident CJK, but upside-down
# digits can read as other digits, which is why a strip of figures settles nothing.
_FIRST_LOOK_STRIPS = 2
_SURE_UPRIGHT_CONFIDENCE = 0.9
_SURE_UPRIGHT_CJK = 3


def upright(gray: np.ndarray, char_height: float, engine: OcrEngine, max_skew_deg: float,
            skew_step_deg: float) -> tuple[np.ndarray, Orientation]:
    """The page turned upright and deskewed, and what was done to it."""
    ink = binarize(gray)
    text_ink = _without_long_lines(ink, char_height)
    base_turn = 90 if text_runs_are_vertical(text_ink, char_height) else 0
    candidate = rotate_quarter_turns(gray, base_turn)
    candidate_ink = rotate_quarter_turns(text_ink, base_turn)
    if _upside_down(candidate, candidate_ink, char_height, engine):
        base_turn = (base_turn + 180) % 360
        candidate = rotate_quarter_turns(gray, base_turn)
    skew = estimate_skew(binarize(candidate), max_skew_deg, skew_step_deg)
    log.debug("turned %d° clockwise, deskewed by %.2f°", base_turn, skew)
    return rotate(candidate, skew), Orientation(quarter_turns_cw=base_turn, skew_deg=skew)


def reapply(gray: np.ndarray, orientation: Orientation, colour: np.ndarray | None = None,
            dpi: float = 200.0) -> np.ndarray:
    """The page as ``orientation`` says it was made upright (coloured ink and dot screens taken out,
    the sheet rectified, turned, deskewed): the image every box of the page's results refers to, made
    again from the rendered page (``colour``: its RGB pixels, when it has colour) without deciding anything."""
    gray, _ = as_paper(gray, colour, dpi, sheet=orientation.sheet, find=False)
    return rotate(rotate_quarter_turns(gray, orientation.quarter_turns_cw), orientation.skew_deg)


def _without_long_lines(ink: np.ndarray, char_height: float) -> np.ndarray:
    length = max(3, int(char_height * 3))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    return cv2.bitwise_and(ink, cv2.bitwise_not(cv2.bitwise_or(horizontal, vertical)))


def _upside_down(gray: np.ndarray, text_ink: np.ndarray, char_height: float, engine: OcrEngine) -> bool:
    strips = _text_strips(text_ink, char_height)
    if not strips:
        return False
    upright_crops = [gray[y0:y1, x0:x1] for x0, y0, x1, y1 in strips]
    first = engine.read_lines(upright_crops[:_FIRST_LOOK_STRIPS])
    if len(first) == _FIRST_LOOK_STRIPS and all(_surely_upright(r) for r in first):
        return False
    flipped_crops = [cv2.rotate(c, cv2.ROTATE_180) for c in upright_crops]
    readings = first + engine.read_lines(upright_crops[len(first):] + flipped_crops)
    half = len(upright_crops)
    upright_score = sum(r.confidence * len(r.text) for r in readings[:half])
    flipped_score = sum(r.confidence * len(r.text) for r in readings[half:])
    return flipped_score > upright_score * 1.2


def _surely_upright(reading: LineReading) -> bool:
    cjk = sum(1 for ch in reading.text if "\u4e00" <= ch <= "\u9fff")
    return reading.confidence >= _SURE_UPRIGHT_CONFIDENCE and cjk >= _SURE_UPRIGHT_CJK


def _text_strips(text_ink: np.ndarray, char_height: float) -> list[tuple[int, int, int, int]]:
    """Boxes of the longest horizontal text strips (several glyphs, one line high)."""
    k = max(3, int(char_height * 0.6))
    closed = cv2.morphologyEx(text_ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    boxes = []
    for index in range(1, count):
        x, y, w, h = (int(stats[index, c]) for c in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT))
        if w >= 3 * char_height and 0.5 * char_height <= h <= 2 * char_height:
            pad = int(char_height * 0.2)
            boxes.append((max(0, x - pad), max(0, y - pad), min(text_ink.shape[1], x + w + pad), min(text_ink.shape[0], y + h + pad)))
    boxes.sort(key=lambda b: (b[2] - b[0]), reverse=True)
    return boxes[:_SAMPLE_STRIPS]
