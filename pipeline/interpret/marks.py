"""Cells that hold nothing but a speck read as a mark (。 . 、) are blank.

A photocopy's toner specks and a scan's dust land in empty cells; a recogniser reads them as
full stops.  Left alone they become facts (项目属性 = 。) or push a blank cell into a row.  This
runs on the whole document before any table is interpreted, so every stage after it sees the
cell as the printer left it.
"""

from __future__ import annotations

from dataclasses import replace

from models import GridCell, PageResult
from pipeline.text import only_stray_marks


def _blanked(cell: GridCell) -> GridCell:
    return replace(cell, text="") if only_stray_marks(cell.text) else cell


def without_stray_marks(page: PageResult) -> PageResult:
    """The page with every cell that reads as marks alone made blank."""
    if not any(only_stray_marks(c.text) for t in page.tables for c in t.grid.cells):
        return page
    tables = tuple(replace(t, grid=replace(t.grid, cells=tuple(_blanked(c) for c in t.grid.cells)))
                   for t in page.tables)
    return replace(page, tables=tables)
