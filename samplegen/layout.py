"""Place a spec table's rows into grid slots, the way a browser lays out ``<table>``.

Every later stage (rendering, truth, scan line damage) works on the placed grid,
so spans are resolved exactly once, here.
"""

from __future__ import annotations

from dataclasses import dataclass

from samplegen.spec import SpecCell, SpecTable


class LayoutError(ValueError):
    """The spec's rows do not form a rectangular grid."""


@dataclass(frozen=True, slots=True)
class PlacedCell:
    """One printed cell at its top-left grid slot (0-based), with its spans."""

    row: int
    col: int
    row_span: int
    col_span: int
    text: str
    align: str | None = None  # the spec's explicit alignment, if any

    @property
    def last_row(self) -> int:
        return self.row + self.row_span - 1

    @property
    def last_col(self) -> int:
        return self.col + self.col_span - 1

    def covers(self, row: int, col: int) -> bool:
        return self.row <= row <= self.last_row and self.col <= col <= self.last_col


@dataclass(frozen=True, slots=True)
class Grid:
    """A table's cells after span placement; ``cells`` are in row-major order."""

    title: str
    n_rows: int
    n_cols: int
    cells: tuple[PlacedCell, ...]

    def covering(self, row: int, col: int) -> PlacedCell:
        """The cell whose area includes slot (row, col); every slot has exactly one."""
        for cell in self.cells:
            if cell.covers(row, col):
                return cell
        raise LayoutError(f"table {self.title!r}: no cell covers slot ({row}, {col})")

    def at(self, row: int, col: int) -> PlacedCell | None:
        """The cell that *starts* at slot (row, col), or None (slot covered by a span or empty)."""
        for cell in self.cells:
            if cell.row == row and cell.col == col:
                return cell
        return None

    def row_cells(self, row: int) -> tuple[PlacedCell, ...]:
        return tuple(c for c in self.cells if c.row == row)


def _as_cell(item: str | SpecCell) -> SpecCell:
    return item if isinstance(item, SpecCell) else SpecCell(text=item)


def place(table: SpecTable) -> Grid:
    """Resolve row/col spans; raise LayoutError naming the table and row on any misfit."""
    occupied: dict[int, set[int]] = {}
    cells: list[PlacedCell] = []
    n_rows = len(table.rows)
    for r, row in enumerate(table.rows):
        taken = occupied.setdefault(r, set())
        c = 0
        for item in row:
            spec_cell = _as_cell(item)
            while c in taken:  # skip slots covered by rowspans from above
                c += 1
            if r + spec_cell.rowspan > n_rows:
                raise LayoutError(
                    f"table {table.title!r}, row {r}: cell {spec_cell.text!r} has rowspan "
                    f"{spec_cell.rowspan} past the last row ({n_rows - 1})"
                )
            for dr in range(spec_cell.rowspan):
                slots = occupied.setdefault(r + dr, set())
                for dc in range(spec_cell.colspan):
                    if c + dc in slots:
                        raise LayoutError(
                            f"table {table.title!r}, row {r}: cell {spec_cell.text!r} overlaps "
                            f"slot ({r + dr}, {c + dc}) already taken by a span"
                        )
                    slots.add(c + dc)
            cells.append(
                PlacedCell(r, c, spec_cell.rowspan, spec_cell.colspan, spec_cell.text, spec_cell.align)
            )
            c += spec_cell.colspan
    n_cols = len(occupied.get(0, set()))
    for r in range(n_rows):
        slots = occupied.get(r, set())
        if slots != set(range(n_cols)):
            raise LayoutError(
                f"table {table.title!r}, row {r}: covers {len(slots)} column(s) "
                f"(slots {sorted(slots)}), expected {n_cols} like row 0"
            )
    _check_header_spans(table, cells)
    return Grid(table.title, n_rows, n_cols, tuple(cells))


def _check_header_spans(table: SpecTable, cells: list[PlacedCell]) -> None:
    # Header rows are repeated on continuation pages; a header cell reaching into
    # the body could not be repeated without splitting it.
    for cell in cells:
        if cell.row < table.header_rows <= cell.last_row:
            raise LayoutError(
                f"table {table.title!r}, row {cell.row}: header cell {cell.text!r} spans into the body"
            )
    if table.header_rows > len(table.rows):
        raise LayoutError(f"table {table.title!r}: header_rows {table.header_rows} > {len(table.rows)} rows")
