"""Cut a box of a page into text-line crops by ink projection.

Works on the text-only ink mask (ruling lines removed), so a line never
includes a cell border.  Tolerances are multiples of the character height.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from models import BBox
from pipeline.read.inkwidth import loose_marks

# A gap of this many character heights between ink rows separates two lines.
_LINE_GAP_CH = 0.12
# Ink bands thinner than this are specks or border residue, not text.
_MIN_LINE_HEIGHT_CH = 0.3
# Within a line, a blank run wider than this splits it into separate phrases
# (title line: 部门名称 on the left, 单位 on the right).
_PHRASE_GAP_CH = 2.5
# A band taller than this many character heights may hold several wrapped lines ...
_TALL_BAND_CH = 1.6
# ... split where a scan line has less than this share of the band's typical ink.
_VALLEY_SHARE = 0.25
# Fewest ink pixels that make a scan line part of a text line.
_MIN_ROW_INK = 3
# Margin kept around the ink of a line crop; recognisers expect some white.
_CROP_PAD_CH = 0.2
# A wrapped line can hold nothing but the closing mark of the sentence (。 or ，): a compact
# band below a text line, lower than a glyph but no speck.  Limits in character heights.
_MARK_MIN_HEIGHT_CH = 0.15
_MARK_MAX_WIDTH_CH = 1.0
_MARK_MIN_INK_CH = 0.5  # ink pixels, as a multiple of the character height


@dataclass(frozen=True, slots=True)
class LineCrop:
    bbox: BBox  # page pixels
    ink_pixels: int
    ink_width: float = 0.0  # from the first inked column to the last, pixels
    # A lone punctuation mark wrapped onto its own line (bbox: the mark alone).
    mark: bool = False
    # Narrow marks standing apart from their neighbours (pipeline.read.inkwidth.loose_marks).
    loose_marks: int = 0


# No glyph stands taller than this many character heights: taller ink is a page edge's shadow,
# a binding's, or a frame line (row projections of a whole page would run through it).
_TALLEST_GLYPH_CH = 3.0


def without_tall_ink(text_ink: np.ndarray, char_height: float) -> np.ndarray:
    """The ink mask without connected pieces taller than any glyph.

    For reading a page without ruling lines: there nothing else removes the dark strip a
    scanner leaves along a page edge, and one strip beside the text joins every line it
    spans into one band.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats((text_ink > 0).astype(np.uint8), connectivity=8)
    tall = np.flatnonzero(stats[:, cv2.CC_STAT_HEIGHT] > _TALLEST_GLYPH_CH * char_height)
    tall = tall[tall != 0]  # label 0 is the background
    if tall.size == 0:
        return text_ink
    return np.where(np.isin(labels, tall), 0, text_ink).astype(text_ink.dtype)


def find_lines_in_box(text_ink: np.ndarray, box: BBox, char_height: float, split_phrases: bool = False) -> list[LineCrop]:
    x0, y0 = max(0, int(box.x0)), max(0, int(box.y0))
    x1, y1 = min(text_ink.shape[1], int(box.x1)), min(text_ink.shape[0], int(box.y1))
    if x1 <= x0 or y1 <= y0:
        return []
    window = text_ink[y0:y1, x0:x1] > 0
    rows = window.sum(axis=1)
    crops: list[LineCrop] = []
    # A scan line with a stray speck or two is not text; real text rows have more ink.
    bands = _runs(rows >= _MIN_ROW_INK, gap=max(1, int(char_height * _LINE_GAP_CH)))
    after_text = False  # a text line was kept above: a mark can only close one
    for top, bottom in (piece for band in bands for piece in _split_tall_band(rows, band, char_height)):
        if bottom - top < char_height * _MIN_LINE_HEIGHT_CH:
            mark = _wrapped_mark(window, top, bottom, char_height) if after_text and not split_phrases else None
            if mark is not None:
                left, right, ink = mark
                crops.append(LineCrop(bbox=BBox(x0 + left - 2, y0 + top - 2, x0 + right + 2, y0 + bottom + 2),
                                      ink_pixels=ink, ink_width=float(right - left), mark=True))
            continue
        after_text = True
        cols = window[top:bottom].sum(axis=0)
        gap = int(char_height * _PHRASE_GAP_CH) if split_phrases else window.shape[1]
        for left, right in _runs(cols > 0, gap=gap):
            ink = int(window[top:bottom, left:right].sum())
            if right - left < 2 or ink < char_height:
                continue
            pad = char_height * _CROP_PAD_CH
            crops.append(
                LineCrop(
                    bbox=BBox(x0 + left - pad, y0 + top - pad, x0 + right + pad, y0 + bottom + pad),
                    ink_pixels=ink,
                    ink_width=float(right - left),
                    loose_marks=loose_marks(window[top:bottom, left:right], char_height),
                )
            )
    return crops


def _wrapped_mark(window: np.ndarray, top: int, bottom: int, char_height: float) -> tuple[int, int, int] | None:
    """(left, right, ink) of a band that is one punctuation mark, or None for a speck or residue."""
    if bottom - top < char_height * _MARK_MIN_HEIGHT_CH:
        return None
    cols = np.flatnonzero(window[top:bottom].any(axis=0))
    ink = int(window[top:bottom].sum())
    if cols.size == 0 or cols[-1] - cols[0] + 1 > char_height * _MARK_MAX_WIDTH_CH or ink < char_height * _MARK_MIN_INK_CH:
        return None
    return int(cols[0]), int(cols[-1]) + 1, ink


def _split_tall_band(rows: np.ndarray, band: tuple[int, int], char_height: float) -> list[tuple[int, int]]:
    """Cut a band holding two or more tightly wrapped lines at its ink valleys.

    Wrapped lines can sit so close that no blank scan line separates them;
    the row between them still has far less ink than the glyph rows.
    """
    top, bottom = band
    if bottom - top <= _TALL_BAND_CH * char_height:
        return [band]
    margin = int(char_height * 0.5)
    inner = rows[top + margin:bottom - margin]
    if inner.size == 0:
        return [band]
    cut = top + margin + int(np.argmin(inner))
    if rows[cut] > _VALLEY_SHARE * float(np.median(rows[top:bottom])):
        return [band]
    return _split_tall_band(rows, (top, cut), char_height) + _split_tall_band(rows, (cut + 1, bottom), char_height)


def _runs(flags: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Half-open index ranges of True runs, joining runs separated by fewer than ``gap`` False."""
    indices = np.flatnonzero(flags)
    if indices.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(indices) > gap)
    starts = np.concatenate(([indices[0]], indices[breaks + 1]))
    ends = np.concatenate((indices[breaks], [indices[-1]])) + 1
    return list(zip(starts.tolist(), ends.tolist()))


def crop(gray: np.ndarray, box: BBox) -> np.ndarray:
    x0, y0 = max(0, int(round(box.x0))), max(0, int(round(box.y0)))
    x1, y1 = min(gray.shape[1], int(round(box.x1))), min(gray.shape[0], int(round(box.y1)))
    return gray[y0:y1, x0:x1]
