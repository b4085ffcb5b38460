"""Blank-cell detection and cell OCR: every grid cell gets its text and confidence."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TypeVar

import cv2
import numpy as np

from models import BBox, Evidence, Grid, GridCell
from pipeline.read.crosscheck import CrossCheck, agreement
from pipeline.read.inkwidth import em_width, unexplained_ems, unread_marks
from pipeline.read.signs import with_comparison_bar
from pipeline.ocr.base import LineReading, OcrEngine
from pipeline.read.textlines import LineCrop, crop, find_lines_in_box

T = TypeVar("T")

# The border band excluded from a cell, in character heights: ruling-line
# residue and neighbouring glyph edges live there.
_CELL_INSET_CH = 0.12
# Ink that lies wholly within this distance (character heights) of grid lines is line residue.
_SLIVER_BAND_CH = 0.25
# Anti-aliased glyph edges fall outside the binary ink; keep this halo of the page around it.
# A tight halo (not a wider one) is what lets 〕 and / read right on blurred scans ...
_GLYPH_HALO = np.ones((5, 5), dtype=np.uint8)
# ... but it can cut off a comma's thin, faint tail (a Song face's), and both engines then read
# the dot that is left as 。.  A line read with 。 before its end (or at its end, when the cell's
# text goes on in the next line) is read again with this wider halo (character heights), and only
# a comma found there in the place of a 。 is taken from it.
_WIDE_HALO_CH = 0.15
# What a line holding one wrapped mark may read as; anything else there is a speck.
_CLOSING_MARKS = frozenset("。．.，,、；;：:！!？?）)」』”’》〉】〕")
_MARK_MIN_CONFIDENCE = 0.9
# The sheet a lone mark is shown on, (height, width) in character heights.
_MARK_SHEET_CH = (1.4, 2.0)


def read_grid(grid: Grid, gray: np.ndarray, text_ink: np.ndarray, char_height: float, engine: OcrEngine,
              blank_ink_frac: float, cross_check: CrossCheck | None = None) -> Grid:
    """The grid with every cell's text read; blank cells are marked and never sent to OCR.

    With a cross-check, the cells it wants are read again by its engine and carry
    the agreement of the two readings.
    """
    text_ink = _without_border_slivers(text_ink, grid, char_height)
    crops_by_cell = [_line_crops(cell, text_ink, char_height, blank_ink_frac) for cell in grid.cells]
    crops = [crop for cell_crops in crops_by_cell for crop in cell_crops]
    images = [_line_image(gray, text_ink, crop, char_height) for crop in crops]
    # Whether the cell's text goes on in the next line: a 。 ending this one may be a cut comma.
    continued = [k + 1 < len(cell_crops) and not cell_crops[k + 1].mark
                 for cell_crops in crops_by_cell for k in range(len(cell_crops))]
    readings, wide_images = _with_commas_restored(engine.read_lines(images), crops, continued, gray,
                                                  text_ink, char_height, engine)
    # A ≥ or ≤ whose thin bar the engine missed reads as > or <: the ink says which (pipeline.read.signs).
    readings = [replace(reading, text=with_comparison_bar(reading.text, image, char_height))
                for reading, image in zip(readings, images)]
    # The cross-check reads what the primary engine's text now rests on.
    lines = [_Line(crop, wide_images.get(i, image), reading)
             for i, (crop, image, reading) in enumerate(zip(crops, images, readings))]
    lines_by_cell = _regrouped(lines, [len(cell_crops) for cell_crops in crops_by_cell])
    cells = [_read_cell(cell, cell_lines, engine.name) for cell, cell_lines in zip(grid.cells, lines_by_cell)]
    cells = _with_unexplained_ink(cells, lines_by_cell, char_height)
    if cross_check is not None:
        cells = _cross_read(cells, lines_by_cell, cross_check)
    return replace(grid, cells=tuple(cells))


@dataclass(frozen=True, slots=True)
class _Line:
    """One text line of a cell: where it lies, the image the engines are shown, what the first one read."""

    crop: LineCrop
    image: np.ndarray
    reading: LineReading

    @property
    def kept(self) -> LineReading:
        return _kept(self.reading, self.crop)


def _line_crops(cell: GridCell, text_ink: np.ndarray, char_height: float, blank_ink_frac: float) -> list[LineCrop]:
    """The text lines of a cell; none when it is blank (it is never sent to an engine)."""
    inner = _inset(cell.bbox, char_height * _CELL_INSET_CH)
    if _ink_fraction(text_ink, inner) < blank_ink_frac:
        return []
    return find_lines_in_box(text_ink, inner, char_height)


def _regrouped(items: list[T], sizes: list[int]) -> list[list[T]]:
    """A flat list of every cell's lines (one engine batch) cut back into one list per cell."""
    out, start = [], 0
    for size in sizes:
        out.append(items[start:start + size])
        start += size
    return out


def _read_cell(cell: GridCell, lines: list[_Line], read_by: str) -> GridCell:
    """The cell with the text of its lines joined and the weakest confidence they were read with
    (``read_by``: the engine's name)."""
    if not lines:
        return replace(cell, text="", evidence=Evidence(), blank=True, read_by=read_by)
    text, confidence = _join([line.kept for line in lines])
    # A mark that did not read surely is ink the text may lack: the cell is only as sure as that reading.
    unread = [line.reading.confidence for line in lines if line.crop.mark and not line.kept.text]
    confidence = min([confidence, *unread]) if text else confidence
    return replace(cell, text=text, evidence=Evidence(ocr_confidence=confidence), blank=not text, read_by=read_by)


def _with_commas_restored(readings: list[LineReading], lines: list[LineCrop], continued: list[bool],
                          gray: np.ndarray, text_ink: np.ndarray, char_height: float,
                          engine: OcrEngine) -> tuple[list[LineReading], dict[int, np.ndarray]]:
    """The readings with each 。 that a wider crop reads as a comma turned into that comma (a
    line's last one only where the cell goes on), and the wider images of the lines changed (by
    position in ``readings``)."""
    def in_question(text: str, goes_on: bool) -> str:
        return text.strip() if goes_on else text.strip()[:-1]

    suspects = [i for i, (reading, line) in enumerate(zip(readings, lines))
                if not line.mark and "。" in in_question(reading.text, continued[i])]
    if not suspects:
        return readings, {}
    radius = max(2, int(round(_WIDE_HALO_CH * char_height)))
    halo = np.ones((2 * radius + 1, 2 * radius + 1), dtype=np.uint8)
    wide = [_clean_crop(gray, text_ink, lines[i].bbox, halo) for i in suspects]
    out, changed = list(readings), {}
    for i, image, second in zip(suspects, wide, engine.read_lines(wide)):
        restored = commas_restored(readings[i].text, second.text, last_too=continued[i])
        if restored != readings[i].text:
            out[i] = LineReading(text=restored, confidence=min(readings[i].confidence, second.confidence))
            changed[i] = image
    return out, changed


def commas_restored(tight: str, wide: str, last_too: bool = False) -> str:
    """``tight`` with each 。 before its end (or at it, with ``last_too``) that ``wide`` reads as a
    comma in the same place made that comma; ``tight`` itself when the two differ in anything else
    (the wide crop is trusted for that one question only)."""
    if len(tight) != len(wide):
        return tight
    out = []
    for index, (a, b) in enumerate(zip(tight, wide)):
        if a == b:
            out.append(a)
        elif a == "。" and b in "，," and (last_too or index < len(tight.rstrip()) - 1):
            out.append(b)
        else:
            return tight
    return "".join(out)


def _with_unexplained_ink(cells: list[GridCell], lines: list[list[_Line]], char_height: float) -> list[GridCell]:
    """Each read cell with the ems of ink its text leaves unexplained and the loose marks it lacks
    (wrapped-mark lines judged apart)."""
    pairs = [(line.crop.ink_width, line.kept.text.strip()) for cell_lines in lines for line in cell_lines
             if not line.crop.mark]
    # CJK glyphs stand about 0.9 em tall: the fallback em when the grid holds too little text.
    em = em_width(pairs, fallback=char_height / 0.9)
    out = []
    for cell, cell_lines in zip(cells, lines):
        read = [(line.crop, line.kept.text.strip()) for line in cell_lines if not line.crop.mark]
        if not read or cell.blank:
            out.append(cell)
            continue
        widest_gap = max(unexplained_ems(crop.ink_width, text, em) for crop, text in read)
        marks = sum(unread_marks(crop.loose_marks, text) for crop, text in read)
        out.append(replace(cell, evidence=replace(cell.evidence, unexplained_ink=round(widest_gap, 3),
                                                  unread_marks=marks)))
    return out


def _kept(reading: LineReading, line: LineCrop, min_confidence: float = _MARK_MIN_CONFIDENCE) -> LineReading:
    """A wrapped-mark line counts only when it reads, surely enough, as one closing mark."""
    if not line.mark:
        return reading
    text = reading.text.strip()
    if text in _CLOSING_MARKS and reading.confidence >= min_confidence:
        return reading
    return LineReading(text="", confidence=0.0)


def _cross_read(cells: list[GridCell], lines: list[list[_Line]], cross_check: CrossCheck) -> list[GridCell]:
    """The cells the cross-check wants, read again (in one batch) and given their agreement."""
    wanted = [i for i, cell in enumerate(cells) if cross_check.wants(cell.text)]
    batch = [line for i in wanted for line in lines[i]]
    if not batch:
        return cells
    second = _regrouped(cross_check.engine.read_lines([line.image for line in batch]),
                                 [len(lines[i]) for i in wanted])
    out = list(cells)
    for i, readings in zip(wanted, second):
        # The second opinion on a mark is its reading, however unsure: the primary already judged the ink.
        text, _ = _join([_kept(reading, line.crop, min_confidence=0.0) for reading, line in zip(readings, lines[i])])
        out[i] = replace(cells[i], second_text=text,
                         evidence=replace(cells[i].evidence, agreement=round(agreement(cells[i].text, text), 4)))
    return out


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


def _line_image(gray: np.ndarray, text_ink: np.ndarray, line: LineCrop, char_height: float) -> np.ndarray:
    """What the engine is shown for one line: the cleaned crop; a lone mark on a white glyph-sized
    sheet at its foot, where a recogniser trained on lines of text expects a 。 or ，."""
    image = _clean_crop(gray, text_ink, line.bbox)
    if not line.mark or image.size == 0:
        return image
    height, width = int(round(_MARK_SHEET_CH[0] * char_height)), int(round(_MARK_SHEET_CH[1] * char_height))
    margin = int(round(0.3 * char_height))
    h, w = min(image.shape[0], height - margin), min(image.shape[1], width - margin)
    sheet = np.full((height, width), 255, dtype=np.uint8)
    top = height - h - int(round(0.15 * char_height))
    sheet[top:top + h, margin:margin + w] = image[-h:, :w]
    return sheet


def _clean_crop(gray: np.ndarray, text_ink: np.ndarray, box: BBox,
                halo: np.ndarray = _GLYPH_HALO) -> np.ndarray:
    """The line image with everything that is not text ink (ruling lines, stubs, specks) whitened."""
    pixels = crop(gray, box)
    ink = crop(text_ink, box)
    near_ink = cv2.dilate(ink, halo) > 0
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
