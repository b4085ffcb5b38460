"""Grid reconstruction on drawn tables: rows, columns, spans, and the broken-line repairs.

Each test draws a ruled table with cv2.line and fills its cells with CJK or
digit text, runs the page recipe up to ``build_grid`` (as pipeline.page does)
and checks the grid against what was drawn.
"""

from __future__ import annotations

import numpy as np
import pytest

from _images import Table, blank, draw_table, page_grids, put_text, spans, text_box
from models import Grid

COL_W, ROW_H = 220, 56


def ruled(rows: int, cols: int, y0: int = 300, x0: int = 100, **skips) -> tuple[np.ndarray, Table]:
    gray = blank(y0 + rows * ROW_H + 300, x0 + cols * COL_W + 100)
    xs = [x0 + i * COL_W for i in range(cols + 1)]
    ys = [y0 + i * ROW_H for i in range(rows + 1)]
    return gray, draw_table(gray, xs, ys, **skips)


def fill(gray: np.ndarray, table: Table, texts: dict[tuple[int, int], str]) -> None:
    for (r, c), text in texts.items():
        put_text(gray, table.cell_origin(r, c, 16, 12), text)


def body(rows: int, cols: int, skip: set[tuple[int, int]] = frozenset()) -> dict[tuple[int, int], str]:
    """A label in the first column, amounts elsewhere."""
    return {(r, c): ("项目支出" if c == 0 else f"{100 + 7 * r + c}.50")
            for r in range(rows) for c in range(cols) if (r, c) not in skip}


def only_grid(gray: np.ndarray) -> Grid:
    found = page_grids(gray)
    assert len(found.grids) == 1, f"expected one table, got {len(found.grids)}"
    return found.grids[0]


def merged(grid: Grid) -> dict[tuple[int, int], tuple[int, int]]:
    return {k: v for k, v in spans(grid).items() if v != (1, 1)}


def test_plain_grid() -> None:
    gray, table = ruled(4, 3)
    fill(gray, table, body(4, 3))
    grid = only_grid(gray)
    assert (grid.n_rows, grid.n_cols, len(grid.cells)) == (4, 3, 12)
    assert merged(grid) == {}
    assert np.allclose(grid.row_edges, table.ys, atol=2) and np.allclose(grid.col_edges, table.xs, atol=2)
    # Every slot is covered by exactly one cell.
    for r in range(4):
        for c in range(3):
            cell = grid.cell_at(r, c)
            assert cell is not None and (cell.row, cell.col) == (r, c)


def test_header_cell_merged_over_two_columns() -> None:
    gray, table = ruled(4, 3, skip_v={(0, 2)})  # no line between columns 1 and 2 in row 0
    texts = body(4, 3, skip={(0, 0), (0, 1), (0, 2)})
    texts.update({(0, 0): "项目", (0, 1): "本年收入"})
    fill(gray, table, texts)
    grid = only_grid(gray)
    assert (grid.n_rows, grid.n_cols, len(grid.cells)) == (4, 3, 11)
    assert merged(grid) == {(0, 1): (1, 2)}


def test_cell_spanning_two_rows() -> None:
    gray, table = ruled(5, 3, skip_h={(1, 0)})  # no line under row 0 in column 0
    texts = body(5, 3, skip={(0, 0), (1, 0), (0, 1), (0, 2)})
    texts.update({(0, 0): "科目", (0, 1): "金额", (0, 2): "小计"})
    fill(gray, table, texts)
    grid = only_grid(gray)
    assert (grid.n_rows, grid.n_cols, len(grid.cells)) == (5, 3, 14)
    assert merged(grid) == {(0, 0): (2, 1)}
    assert grid.cell_at(1, 0) is grid.cell_at(0, 0)


def break_line(gray: np.ndarray, x: int, y0: int, y1: int, phase: int = 16, period: int = 40, gap: int = 8) -> None:
    """Cut 8 px gaps every 40 px into the vertical line at ``x`` (only its own pixels)."""
    for y in range(y0 + phase, y1, period):
        gray[y:min(y + gap, y1 - 3), x - 3:x + 4] = 255


def test_a_broken_vertical_line_still_separates_the_columns() -> None:
    gray, table = ruled(6, 3)
    fill(gray, table, body(6, 3))
    break_line(gray, table.xs[1], table.ys[0], table.ys[-1])
    grid = only_grid(gray)
    assert (grid.n_rows, grid.n_cols, len(grid.cells)) == (6, 3, 18)
    assert merged(grid) == {}


def test_every_vertical_line_broken_at_its_own_places_keeps_the_grid() -> None:
    gray, table = ruled(6, 3)
    fill(gray, table, body(6, 3))
    for x, phase in zip(table.xs, (0, 13, 29, 37)):
        break_line(gray, x, table.ys[0], table.ys[-1], phase=phase)
    grid = only_grid(gray)
    assert (grid.n_rows, grid.n_cols, len(grid.cells)) == (6, 3, 18)
    assert merged(grid) == {}


def test_a_broken_horizontal_line_still_separates_the_rows() -> None:
    gray, table = ruled(6, 3)
    fill(gray, table, body(6, 3))
    y = table.ys[3]
    for x in range(table.xs[0] + 16, table.xs[-1] - 3, 40):
        gray[y - 3:y + 4, x:x + 8] = 255
    grid = only_grid(gray)
    assert (grid.n_rows, grid.n_cols, len(grid.cells)) == (6, 3, 18)
    assert merged(grid) == {}


@pytest.mark.parametrize("phase", [16, 30])
def test_vertical_lines_broken_at_the_same_heights_keep_every_row(phase: int) -> None:
    gray, table = ruled(6, 3)
    fill(gray, table, body(6, 3))
    for x in table.xs:
        break_line(gray, x, table.ys[0], table.ys[-1], phase=phase)
    grid = only_grid(gray)
    assert (grid.n_rows, grid.n_cols, len(grid.cells)) == (6, 3, 18)


def leave_trace(gray: np.ndarray, x: int, y0: int, y1: int, piece: int = 4, period: int = 14) -> None:
    """What a scan leaves of a lost line: dots too short to be found as a segment."""
    for y in range(y0 + 6, y1 - 6, period):
        gray[y:y + piece, x - 1:x + 2] = 0


def test_line_lost_over_one_body_row_is_restored_when_text_sits_on_both_sides() -> None:
    gray, table = ruled(6, 3, skip_v={(3, 1)})  # the scan lost the line between columns 0 and 1 in row 3 ...
    leave_trace(gray, table.xs[1], table.ys[3], table.ys[4])  # ... all but a dotted trace
    fill(gray, table, body(6, 3))
    grid = only_grid(gray)
    assert (grid.n_rows, grid.n_cols, len(grid.cells)) == (6, 3, 18)
    assert merged(grid) == {}


def ink_span(text: str, size: int = 28) -> tuple[int, int]:
    """Leftmost and rightmost inked column of the text drawn at x = 0."""
    scratch = blank(size * 2, size * (len(text) + 2))
    put_text(scratch, (0, 0), text, size)
    cols = np.flatnonzero((scratch < 128).any(axis=0))
    return int(cols[0]), int(cols[-1])


@pytest.mark.parametrize(("left_text", "right_text", "gap"), [("组合方式，", "依托电子", 6), ("组合方式，", "依托电子", 3)])
def test_wrapped_text_pausing_where_other_rows_have_a_line_stays_one_cell(left_text: str, right_text: str,
                                                                          gap: int) -> None:
    # A merged value cell whose first line pauses right at the column line of the rows around
    # it (after a full-width comma), and whose second line stops short of it: text on both
    # sides, none crossing, no trace of a line.
    gray, table = ruled(6, 3, skip_v={(3, 2)})
    texts = body(6, 3, skip={(3, 1), (3, 2)})
    fill(gray, table, texts)
    x = table.xs[2]
    # The ink of the two texts ends and starts ``gap`` pixels from where the line would run.
    put_text(gray, (x - gap - ink_span(left_text)[1], table.ys[3] + 4), left_text)
    put_text(gray, (x + gap - ink_span(right_text)[0], table.ys[3] + 4), right_text)
    put_text(gray, (table.xs[1] + 12, table.ys[3] + 30), "券开展活动。")
    grid = only_grid(gray)
    assert merged(grid) == {(3, 1): (1, 2)}


def test_merged_total_cell_with_text_on_one_side_stays_merged() -> None:
    gray, table = ruled(6, 3, skip_v={(5, 1)})  # 合计 printed across the label and first value column
    texts = body(6, 3, skip={(5, 0), (5, 1)})
    texts[(5, 0)] = "合计"
    fill(gray, table, texts)
    grid = only_grid(gray)
    assert merged(grid) == {(5, 0): (1, 2)}
    assert len(grid.cells) == 17


def test_text_crossing_a_missing_line_is_a_merged_cell() -> None:
    gray, table = ruled(6, 3, skip_v={(5, 1)})
    texts = body(6, 3, skip={(5, 0), (5, 1)})
    fill(gray, table, texts)
    # One long label running over the missing boundary: ink on both sides, but it crosses.
    put_text(gray, table.cell_origin(5, 0, 40, 12), "一般公共预算财政拨款收入合计数")
    grid = only_grid(gray)
    assert merged(grid) == {(5, 0): (1, 2)}


@pytest.mark.parametrize("gap_ch", [0.5, 1.0, 2.0])
def test_large_title_just_above_the_table_adds_no_rows(gap_ch: float) -> None:
    title = "2025年一般公共预算支出预算表"
    size = 56  # ~2.3 body glyph heights
    _, _, title_w, title_bottom = text_box(title, size)
    y_top = 40
    table_y0 = int(y_top + title_bottom + gap_ch * 24)
    gray, table = ruled(5, 3, y0=table_y0)
    fill(gray, table, body(5, 3))
    put_text(gray, (100 + (3 * COL_W - title_w) // 2, y_top), title, size=size)
    found = page_grids(gray)
    # The title's strokes are long enough to pass for ruling lines (else the test proves nothing).
    assert any(s.position < table_y0 - 4 for s in found.lines.horizontal)
    assert len(found.grids) == 1
    grid = found.grids[0]
    assert (grid.n_rows, grid.n_cols, len(grid.cells)) == (5, 3, 15)
    assert grid.row_edges[0] == pytest.approx(table_y0, abs=2)


def test_two_tables_on_one_page_are_two_grids() -> None:
    gray = blank(1400, 1000)
    upper = draw_table(gray, [100, 400, 900], [200, 260, 320, 380])
    lower = draw_table(gray, [100, 300, 600, 900], [700, 760, 820])
    fill(gray, upper, body(3, 2))
    fill(gray, lower, body(2, 3))
    found = page_grids(gray)
    assert [(g.n_rows, g.n_cols) for g in found.grids] == [(3, 2), (2, 3)]


def test_a_copier_streak_down_the_page_is_a_suspect_column_line_not_a_plain_rule() -> None:
    gray = blank(1400, 900)
    draw_table(gray, [60, 300, 560, 820], [300, 360, 420, 480, 540])
    for row in range(4):
        put_text(gray, (70, 312 + 60 * row), "行政运行", size=28)
        put_text(gray, (580, 312 + 60 * row), "1,030.50", size=28)
    plain = page_grids(gray).grids[0]
    assert plain.suspect_col_edges == ()
    streaked = gray.copy()
    streaked[:, 180:182] = 60  # a copier's streak through the whole page, across the first column
    (grid,) = page_grids(streaked).grids
    assert grid.n_cols == plain.n_cols + 1
    assert [round(grid.col_edges[i]) for i in grid.suspect_col_edges] == [181]


def test_rules_running_on_past_a_lost_border_are_kept() -> None:
    gray = blank(1400, 900)
    draw_table(gray, [60, 300, 560, 820], [300, 360, 420, 480, 540], skip_v={(r, 3) for r in range(4)})
    for row in range(4):
        put_text(gray, (70, 312 + 60 * row), "行政运行", size=28)
    (grid,) = page_grids(gray).grids
    assert grid.n_rows == 4 and grid.suspect_col_edges == ()
