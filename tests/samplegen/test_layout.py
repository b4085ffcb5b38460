from __future__ import annotations

import pytest

from samplegen.layout import LayoutError, PlacedCell, place
from samplegen.spec import SpecCell, SpecTable


def _table(rows, header_rows=0) -> SpecTable:
    return SpecTable(kind="unknown", title="T", header_rows=header_rows, rows=rows, layout="ledger")


def test_spans_are_placed_like_html() -> None:
    grid = place(
        _table(
            [
                [SpecCell(text="A", rowspan=2), SpecCell(text="B", colspan=2)],
                ["c", "d"],
                ["e", "f", "g"],
            ],
            header_rows=2,
        )
    )
    assert (grid.n_rows, grid.n_cols) == (3, 3)
    assert grid.cells[:4] == (
        PlacedCell(0, 0, 2, 1, "A"),
        PlacedCell(0, 1, 1, 2, "B"),
        PlacedCell(1, 1, 1, 1, "c"),
        PlacedCell(1, 2, 1, 1, "d"),
    )
    assert grid.covering(1, 0).text == "A"
    assert grid.at(1, 0) is None


def test_rowspan_in_the_middle_shifts_later_cells() -> None:
    grid = place(_table([["a", SpecCell(text="M", rowspan=2), "b"], ["c", "d"]]))
    assert [(c.row, c.col, c.text) for c in grid.row_cells(1)] == [(1, 0, "c"), (1, 2, "d")]


def test_row_of_wrong_width_names_table_and_row() -> None:
    with pytest.raises(LayoutError, match=r"table 'T', row 1: covers 2 column"):
        place(_table([["a", "b", "c"], ["d", "e"]]))


def test_rowspan_past_last_row_is_rejected() -> None:
    with pytest.raises(LayoutError, match="row 1"):
        place(_table([["a", "b"], [SpecCell(text="x", rowspan=2), "y"]]))


def test_header_cell_spanning_into_body_is_rejected() -> None:
    with pytest.raises(LayoutError, match="spans into the body"):
        place(_table([[SpecCell(text="h", rowspan=2), "b"], ["c"]], header_rows=1))
