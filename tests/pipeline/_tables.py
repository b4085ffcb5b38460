"""Hand-built read grids and pages for the table-meaning stages (structure, resolve, facts, codes).

``make_grid`` takes rows as printed: each item is a cell's text, or
``(text, row_span, col_span)`` for a merged cell; slots covered by a span
from an earlier row are skipped automatically, as in an HTML table.
"""

from __future__ import annotations

from pathlib import Path

from models import BBox, Evidence, Grid, GridCell, Orientation, PageRef, PageResult, PageTable, TextPhrase

CELL_W, CELL_H = 100, 40
PAGE_W, PAGE_H = 1654, 2339

Item = str | tuple[str, int, int]


def make_grid(rows: list[list[Item]], confidence: float = 0.99, x0: float = 100, y0: float = 300) -> Grid:
    occupied: set[tuple[int, int]] = set()
    cells = []
    n_cols = 0
    for r, row in enumerate(rows):
        c = 0
        for item in row:
            while (r, c) in occupied:
                c += 1
            text, rs, cs = (item, 1, 1) if isinstance(item, str) else item
            occupied.update((r + dr, c + dc) for dr in range(rs) for dc in range(cs))
            cells.append(GridCell(row=r, col=c, row_span=rs, col_span=cs,
                                  bbox=BBox(x0 + c * CELL_W, y0 + r * CELL_H, x0 + (c + cs) * CELL_W, y0 + (r + rs) * CELL_H),
                                  text=text, evidence=Evidence(ocr_confidence=confidence), blank=not text))
            c += cs
        n_cols = max(n_cols, c)
    n_rows = len(rows)
    return Grid(
        bbox=BBox(x0, y0, x0 + n_cols * CELL_W, y0 + n_rows * CELL_H),
        row_edges=tuple(y0 + i * CELL_H for i in range(n_rows + 1)),
        col_edges=tuple(x0 + i * CELL_W for i in range(n_cols + 1)),
        cells=tuple(sorted(cells, key=lambda cell: (cell.row, cell.col))),
    )


def page(number: int, *tables: tuple[list[str], Grid], source: str = "doc.pdf") -> PageResult:
    """A processed page holding ``tables``, each given as (text lines above it, its grid)."""
    ref = PageRef(path=Path(source), source=source, sha256="0" * 64, media_type="pdf", index=number - 1)
    return PageResult(
        ref=ref,
        width=PAGE_W,
        height=PAGE_H,
        orientation=Orientation(quarter_turns_cw=0, skew_deg=0.0),
        char_height=24.0,
        tables=tuple(
            PageTable(grid=grid,
                      context=tuple(TextPhrase(text=t, confidence=0.99, bbox=BBox(100, 100 + 40 * i, 900, 130 + 40 * i))
                                    for i, t in enumerate(context)),
                      footer=())
            for context, grid in tables
        ),
    )


# Headers as county disclosures print them.
GBE_HEADER: list[list[Item]] = [
    [("科目编码", 2, 1), ("科目名称", 2, 1), ("2025年预算数", 1, 3)],
    ["合计", "基本支出", "项目支出"],
]
SUMMARY_HEADER: list[list[Item]] = [
    [("收入", 1, 2), ("支出", 1, 2)],
    ["项目", "2025年预算数", "项目", "2025年预算数"],
]
