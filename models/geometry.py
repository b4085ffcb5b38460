"""Frozen geometry types shared by every stage.

Coordinates are pixels of the page image the stage worked on unless a name
says otherwise (``*_frac`` are fractions of page width/height, origin top-left).
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass

from models.evidence import Evidence


@dataclass(frozen=True, slots=True)
class BBox:
    """Axis-aligned box, x0 < x1 and y0 < y1, origin top-left."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def center(self) -> tuple[float, float]:
        return ((self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2)

    @property
    def area(self) -> float:
        return max(0.0, self.width) * max(0.0, self.height)

    def contains_point(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1

    def intersection(self, other: "BBox") -> float:
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w * h if w > 0 and h > 0 else 0.0

    def scaled(self, sx: float, sy: float) -> "BBox":
        return BBox(self.x0 * sx, self.y0 * sy, self.x1 * sx, self.y1 * sy)

    def as_list(self, ndigits: int = 4) -> list[float]:
        return [round(self.x0, ndigits), round(self.y0, ndigits), round(self.x1, ndigits), round(self.y1, ndigits)]


@dataclass(frozen=True, slots=True)
class GridCell:
    """One cell of a reconstructed grid; spans count grid rows/columns."""

    row: int
    col: int
    row_span: int
    col_span: int
    bbox: BBox
    _: KW_ONLY
    text: str = ""
    blank: bool = False
    # The second OCR engine's reading (None when the cell was not read twice); how closely it
    # matches ``text`` is ``evidence.agreement``.
    second_text: str | None = None
    evidence: Evidence = Evidence()
    # How the text was read: "text_layer" (the PDF's own text), or the OCR engine's name
    # ("rapidocr", "tesseract"); "" for a cell not read yet.
    read_by: str = ""

    @property
    def confidence(self) -> float:
        """The recogniser's score for ``text``, 0..1."""
        return self.evidence.ocr_confidence


@dataclass(frozen=True, slots=True)
class Grid:
    """A table region cut into cells by its ruling lines.

    ``row_edges`` and ``col_edges`` are the y and x positions of the grid lines,
    ``cells`` lists every cell once (a merged cell covers several grid slots).
    """

    bbox: BBox
    row_edges: tuple[float, ...]
    col_edges: tuple[float, ...]
    cells: tuple[GridCell, ...]
    # Indices into ``col_edges`` of lines that ran on past the table into the page's margin: a copier's
    # streak, or a column rule a streak lay along.  Which one, only the table's kind can tell.
    suspect_col_edges: tuple[int, ...] = ()

    @property
    def n_rows(self) -> int:
        return len(self.row_edges) - 1

    @property
    def n_cols(self) -> int:
        return len(self.col_edges) - 1

    def cell_at(self, row: int, col: int) -> GridCell | None:
        """The cell covering grid slot (row, col)."""
        for cell in self.cells:
            if cell.row <= row < cell.row + cell.row_span and cell.col <= col < cell.col + cell.col_span:
                return cell
        return None
