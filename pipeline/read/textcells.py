"""Text-layer glyphs into the reading a cell or a box would get from OCR: lines, phrases, cell text.

The OCR path cuts a box into lines by ink projection and reads each line;
here the glyphs already carry their text, so a box's glyphs (those whose
centre lies in it) are grouped into lines by their vertical centres, each
line ordered left to right, and joined as OCR'd lines are (pipeline.read.cells):
wrapped lines of one cell without a separator, Latin words with a space.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace

from models import BBox, Grid, TextPhrase
from pipeline.read.textlayer import Glyph

# Glyphs whose vertical centres lie within this share of a glyph's height of a line's are on that line.
_SAME_LINE_SHARE = 0.5
# Within a line, a gap wider than this many character heights starts a new phrase (as
# pipeline.read.textlines does for OCR: 部门名称 on the left of a title line, 单位 on the right).
_PHRASE_GAP_CH = 2.5
# A gap wider than this share of the glyph height between two Latin letters or digits is a space.
_SPACE_SHARE = 0.25
# Exact text: the confidence a text-layer reading carries (nothing was guessed).
TEXT_LAYER_CONFIDENCE = 1.0
READ_BY = "text_layer"


def glyphs_in(glyphs: Sequence[Glyph], box: BBox) -> list[Glyph]:
    return [g for g in glyphs if box.contains_point(*g.bbox.center)]


def lines_of(glyphs: Sequence[Glyph]) -> list[list[Glyph]]:
    """The glyphs in lines, top to bottom, each left to right."""
    lines: list[list[Glyph]] = []
    for glyph in sorted(glyphs, key=lambda g: g.bbox.center[1]):
        centre = glyph.bbox.center[1]
        if lines:
            last = lines[-1]
            last_centre = sum(g.bbox.center[1] for g in last) / len(last)
            if abs(centre - last_centre) <= _SAME_LINE_SHARE * max(glyph.bbox.height, last[0].bbox.height):
                last.append(glyph)
                continue
        lines.append([glyph])
    return [sorted(line, key=lambda g: g.bbox.x0) for line in lines]


def phrases_of(line: Sequence[Glyph], gap_px: float) -> list[list[Glyph]]:
    """A line cut where the blank between two glyphs is wider than ``gap_px``."""
    phrases: list[list[Glyph]] = []
    for glyph in line:
        if phrases and glyph.bbox.x0 - phrases[-1][-1].bbox.x1 <= gap_px:
            phrases[-1].append(glyph)
        else:
            phrases.append([glyph])
    return phrases


def line_text(line: Sequence[Glyph]) -> str:
    """The glyphs' text; a space only where a gap separates two Latin letters or digits."""
    out = ""
    for previous, glyph in zip([None, *line[:-1]], line):
        if (previous is not None and _latin(previous.text) and _latin(glyph.text)
                and glyph.bbox.x0 - previous.bbox.x1 > _SPACE_SHARE * glyph.bbox.height):
            out += " "
        out += glyph.text
    return out


def _latin(text: str) -> bool:
    return text.isascii() and text.isalpha()


def join_lines(texts: Sequence[str]) -> str:
    """Wrapped lines of one cell join without a separator (Chinese wraps mid-phrase), but for two
    Latin words meeting across the wrap (as pipeline.read.cells joins OCR'd lines)."""
    texts = [t for t in texts if t]
    if not texts:
        return ""
    joined = texts[0]
    for nxt in texts[1:]:
        joined += (" " if _latin(joined[-1]) and _latin(nxt[0]) else "") + nxt
    return joined


def fill_grid(grid: Grid, glyphs: Sequence[Glyph]) -> Grid:
    """The grid with every cell's text taken from the glyphs centred in it.  The cells keep the
    default evidence: a score of 1.0, no second reading, no unexplained ink (the text is exact)."""
    by_cell = _glyphs_by_cell(grid, glyphs)
    cells = []
    for index, cell in enumerate(grid.cells):
        text = join_lines([line_text(line) for line in lines_of(by_cell.get(index, []))])
        cells.append(replace(cell, text=text, blank=not text, read_by=READ_BY))
    return replace(grid, cells=tuple(cells))


def _glyphs_by_cell(grid: Grid, glyphs: Sequence[Glyph]) -> dict[int, list[Glyph]]:
    """Each glyph under the (first) cell whose box holds its centre, found through the grid slot the
    centre falls in (a page has thousands of glyphs and hundreds of cells)."""
    slot_cell: dict[tuple[int, int], int] = {}
    for index, cell in enumerate(grid.cells):
        for row in range(cell.row, cell.row + cell.row_span):
            for col in range(cell.col, cell.col + cell.col_span):
                slot_cell.setdefault((row, col), index)
    out: dict[int, list[Glyph]] = {}
    for glyph in glyphs:
        x, y = glyph.bbox.center
        slot = (bisect_right(grid.row_edges, y) - 1, bisect_right(grid.col_edges, x) - 1)
        index = slot_cell.get(slot)
        candidates = [index] if index is not None and grid.cells[index].bbox.contains_point(x, y) else []
        if not candidates and grid.bbox.contains_point(x, y):
            # Near an edge a cell's box and its slot can disagree by a pixel: ask every cell.
            candidates = [i for i, cell in enumerate(grid.cells) if cell.bbox.contains_point(x, y)][:1]
        for i in candidates:
            out.setdefault(i, []).append(glyph)
    return out


def phrases_in(glyphs: Sequence[Glyph], box: BBox, char_height: float,
               split_phrases: bool = True) -> tuple[TextPhrase, ...]:
    """The text in ``box`` top to bottom, as pipeline.page reads it by OCR: phrases, or with
    ``split_phrases=False`` whole lines (prose)."""
    out = []
    for line in lines_of(glyphs_in(glyphs, box)):
        for phrase in phrases_of(line, _PHRASE_GAP_CH * char_height) if split_phrases else [line]:
            bbox = BBox(min(g.bbox.x0 for g in phrase), min(g.bbox.y0 for g in phrase),
                        max(g.bbox.x1 for g in phrase), max(g.bbox.y1 for g in phrase))
            out.append(TextPhrase(text=line_text(phrase), confidence=TEXT_LAYER_CONFIDENCE, bbox=bbox))
    return tuple(out)
