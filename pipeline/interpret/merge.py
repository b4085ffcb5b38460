"""Grids with a column line or an empty column taken out: what a streak or a lid's border added.

A copier's streak that runs down a table passes for a column rule (pipeline.image.grid marks
the lines that run on past the table as suspect).  Two things tell a streak from a rule a
streak lay along: a suspect line that cuts a printed number in two (``1`` | ``,350,000``) is
no rule, since text keeps clear of a cell's border; and when taking a suspect line out makes
the grid fit its kind's template (pipeline.interpret.resolve), it was a streak.
"""

from __future__ import annotations

from dataclasses import replace

from models import BBox, Grid, GridCell, combine
from pipeline.text import COLUMN_LINE_TRACES, RULE_TRACES, STRAY_MARKS, parse_decimal

# What a cell holding no print may read: pieces of rules (a lid's edge read as 1 or L) and specks.
_TRACES = COLUMN_LINE_TRACES + RULE_TRACES + STRAY_MARKS + "L "


def without_col_edge(grid: Grid, edge: int) -> Grid | None:
    """The grid with column line ``edge`` (an index into ``col_edges``, not the first or last) taken
    out and the cells on its two sides joined; None when a cell on one side spans other rows than
    its neighbour on the other (the two cannot be one cell)."""
    left, right = edge - 1, edge  # the columns the line separates
    cells: list[GridCell] = []
    pending: dict[int, GridCell] = {}  # row -> the cell ending at the line, waiting for its neighbour
    for cell in sorted(grid.cells, key=lambda c: (c.row, c.col)):
        ends_at_line = cell.col + cell.col_span - 1 == left
        starts_at_line = cell.col == right
        if ends_at_line and not starts_at_line:
            pending[cell.row] = cell
            continue
        if starts_at_line:
            neighbour = pending.pop(cell.row, None)
            if neighbour is None or neighbour.row_span != cell.row_span:
                return None
            cells.append(_joined(neighbour, cell))
            continue
        cells.append(_shifted(cell, edge))
    if pending:
        return None
    col_edges = grid.col_edges[:edge] + grid.col_edges[edge + 1:]
    suspects = tuple(e - (e > edge) for e in grid.suspect_col_edges if e != edge)
    return replace(grid, col_edges=col_edges, cells=tuple(sorted(cells, key=lambda c: (c.row, c.col))),
                   suspect_col_edges=suspects)


def without_empty_columns(grid: Grid) -> Grid | None:
    """The grid without the columns nothing is printed in, header or body (a scanner lid's dark
    border or a margin between two rules taken for a column); None when it has none."""
    # A cell merged across from a column (B01 over the lid's column and the code column, where the
    # rule between them was lost) keeps its text in the other; one holding a trace of a rule (1, L)
    # holds nothing.
    empty = [col for col in range(grid.n_cols)
             if all(not _printed(c.text) for c in grid.cells if c.col == col and c.col_span == 1)]
    if not empty or len(empty) == grid.n_cols:
        return None
    for col in sorted(empty, reverse=True):  # right to left: only columns right of it move
        cells = []
        for cell in grid.cells:
            if cell.col == col and cell.col_span == 1:
                continue
            if cell.col > col:
                cell = replace(cell, col=cell.col - 1)
            elif cell.col + cell.col_span > col:
                cell = replace(cell, col_span=cell.col_span - 1)
            cells.append(cell)
        # Its left line goes: the column's place joins its left neighbour's (the first column's is cut off).
        col_edges = grid.col_edges[:col] + grid.col_edges[col + 1:]
        shifted = (e - (e > col) for e in grid.suspect_col_edges if e != col)
        suspects = tuple(e for e in shifted if 0 < e < len(col_edges) - 1)
        grid = replace(grid, col_edges=col_edges, cells=tuple(sorted(cells, key=lambda c: (c.row, c.col))),
                       suspect_col_edges=suspects)
    return grid


def _printed(text: str) -> bool:
    """Whether a cell holds more than the traces of rules and specks."""
    return bool(text.strip().strip(_TRACES))


def without_streaks_through_numbers(grid: Grid) -> Grid:
    """The grid with each suspect column line that cuts a number in two taken out (the forms have
    no template to settle it; for the tables this runs before the template is tried)."""
    # Right to left: taking a line out renumbers only the lines right of it.
    for edge in sorted(grid.suspect_col_edges, reverse=True):
        if _cuts_a_number(grid, edge) and (merged := without_col_edge(grid, edge)) is not None:
            grid = merged
    return grid


def _cuts_a_number(grid: Grid, edge: int) -> bool:
    """In some row, the texts either side of column line ``edge`` make one well-formed amount that
    at least one of them is not on its own (``1`` and ``,350,000``; ``1,35`` and ``0,000``).  Two
    amounts side by side (``12`` | ``34``) are each well formed and prove nothing."""
    left = {c.row: c.text.strip() for c in grid.cells if c.col + c.col_span == edge}
    right = {c.row: c.text.strip() for c in grid.cells if c.col == edge}
    for row, before in left.items():
        after = right.get(row, "")
        if before and after and parse_decimal(before + after) is not None and (
                parse_decimal(before) is None or parse_decimal(after) is None):
            return True
    return False


def _shifted(cell: GridCell, edge: int) -> GridCell:
    """A cell untouched by the line, renumbered: columns right of it move one left; a cell spanning
    the line (merged across it already) spans one column less."""
    if cell.col >= edge:
        return replace(cell, col=cell.col - 1)
    if cell.col + cell.col_span > edge:
        return replace(cell, col_span=cell.col_span - 1)
    return cell


def _joined_text(left: str, right: str) -> str:
    """Two cells' text as one: Chinese runs on without a space; two Latin words keep one between them."""
    left, right = left.strip(), right.strip()
    if not left or not right:
        return left or right
    sep = " " if left[-1].isascii() and left[-1].isalpha() and right[0].isascii() and right[0].isalpha() else ""
    return left + sep + right


def _joined(left: GridCell, right: GridCell) -> GridCell:
    text = _joined_text(left.text, right.text)
    second = None
    if left.second_text is not None or right.second_text is not None:
        second = _joined_text(left.second_text or left.text, right.second_text or right.text)
    read = [c for c in (left, right) if c.text.strip()]
    return GridCell(
        row=left.row, col=left.col, row_span=left.row_span, col_span=left.col_span + right.col_span - 1,
        bbox=BBox(left.bbox.x0, min(left.bbox.y0, right.bbox.y0), right.bbox.x1, max(left.bbox.y1, right.bbox.y1)),
        text=text, blank=left.blank and right.blank, second_text=second,
        evidence=combine(c.evidence for c in read) if read else left.evidence,
        read_by=left.read_by or right.read_by,
    )


def first_row_cells(grid: Grid, most: int = 2) -> tuple[GridCell, ...]:
    """The cells of the grid's first row when at most ``most`` cells make it, none reaching below it,
    and rows follow (a line of text the table's frame was drawn around: pipeline.interpret.resolve
    decides whether it is one); () otherwise."""
    if grid.n_rows < 3:
        return ()
    top = tuple(sorted((c for c in grid.cells if c.row == 0), key=lambda c: c.col))
    if not top or len(top) > most or any(c.row_span != 1 for c in top):
        return ()
    return top


def without_first_row(grid: Grid) -> Grid:
    """The grid without its first row (whose cells reach no lower: see first_row_cells)."""
    cells = tuple(replace(c, row=c.row - 1) for c in grid.cells if c.row > 0)
    top = grid.row_edges[1]
    return replace(grid, row_edges=grid.row_edges[1:], cells=cells,
                   bbox=BBox(grid.bbox.x0, top, grid.bbox.x1, grid.bbox.y1))
