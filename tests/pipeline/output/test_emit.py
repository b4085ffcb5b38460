"""Emission: the grid as HTML with spans, table records, JSONL round trip."""

from __future__ import annotations

import io
from pathlib import Path

from _tables import GBE_HEADER, PAGE_H, PAGE_W, make_grid, page
from models import TableKind, TableRecord
from pipeline.output.emit import grid_html, read_jsonl, table_record, write_jsonl
from pipeline.interpret.resolve import resolve_tables
from pipeline.settings import Settings


def test_grid_html_has_rowspan_colspan_and_escapes_text() -> None:
    grid = make_grid([
        [("科目<编码>", 2, 1), ("2025年预算数", 1, 2)],
        ["合计", "A&B"],
        ["201", "1.00", ""],
    ])
    assert grid_html(grid) == (
        "<table>"
        '<tr><td rowspan="2">科目&lt;编码&gt;</td><td colspan="2">2025年预算数</td></tr>'
        "<tr><td>合计</td><td>A&amp;B</td></tr>"
        "<tr><td>201</td><td>1.00</td><td></td></tr>"
        "</table>"
    )


def test_table_record_carries_the_grid_in_page_fractions(tmp_path: Path) -> None:
    grid = make_grid(GBE_HEADER + [["201", "一般公共服务支出", "1.00", "1.00", ""]])
    (resolved,) = resolve_tables([page(2, (["2025年一般公共预算支出预算表", "单位：万元"], grid))],
                                 Settings().title_match_threshold)
    record = table_record(resolved, "f" * 64, "doc.pdf")
    assert (record.page, record.table, record.title, record.unit) == (2, TableKind.GENERAL_BUDGET_EXPENDITURE,
                                                                       "2025年一般公共预算支出预算表", "万元")
    assert (record.n_rows, record.n_cols, len(record.cells)) == (3, 5, len(grid.cells))
    assert record.bbox == grid.bbox.scaled(1 / PAGE_W, 1 / PAGE_H).as_list()
    merged = [(c.row, c.col, c.row_span, c.col_span) for c in record.cells if c.row_span > 1 or c.col_span > 1]
    assert merged == [(0, 0, 2, 1), (0, 1, 2, 1), (0, 2, 1, 3)]
    assert record.html == grid_html(grid)

    handle = io.StringIO()
    assert write_jsonl(handle, [record, record]) == 2
    path = tmp_path / "tables.jsonl"
    path.write_text(handle.getvalue(), encoding="utf-8")
    assert read_jsonl(path, TableRecord) == [record, record]
    assert read_jsonl(tmp_path / "missing.jsonl", TableRecord) == []



def test_every_table_says_which_page_image_its_boxes_refer_to() -> None:
    grid = make_grid(GBE_HEADER + [["201", "一般公共服务支出", "1.00", "1.00", ""]])
    (resolved,) = resolve_tables([page(2, (["2025年一般公共预算支出预算表", "单位：万元"], grid))],
                                 Settings().title_match_threshold)
    record = table_record(resolved, "f" * 64, "doc.pdf")
    turns, skew = resolved.page.orientation.quarter_turns_cw, resolved.page.orientation.skew_deg
    assert record.page_image == f"doc.pdf#page=2&rotate={turns}&deskew={skew:g}&size={PAGE_W}x{PAGE_H}"
