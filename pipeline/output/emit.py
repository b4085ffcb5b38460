"""Emission: typed records to ``records.jsonl``, ``tables.jsonl``, ``rejected.jsonl``."""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from pydantic import BaseModel

from models import Grid, TableCell, TableRecord
from pipeline.interpret.resolve import ResolvedTable


def grid_html(grid: Grid) -> str:
    """The grid as a ``<table>`` with rowspan/colspan, the form TEDS scorers read."""
    rows = []
    for row in range(grid.n_rows):
        cells = []
        for cell in (c for c in grid.cells if c.row == row):
            spans = ""
            if cell.row_span > 1:
                spans += f' rowspan="{cell.row_span}"'
            if cell.col_span > 1:
                spans += f' colspan="{cell.col_span}"'
            cells.append(f"<td{spans}>{html.escape(cell.text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "<table>" + "".join(rows) + "</table>"


def page_image_ref(table: ResolvedTable, source: str) -> str:
    """Where an operator finds the page the boxes refer to: the input's page, turned upright
    (quarter turns clockwise) and deskewed (degrees counter-clockwise) as the pipeline did,
    at the pixel size the fractions were taken on."""
    page = table.page
    return (f"{source}#page={page.ref.number}&rotate={page.orientation.quarter_turns_cw}"
            f"&deskew={page.orientation.skew_deg:g}&size={page.width}x{page.height}")


def table_record(table: ResolvedTable, sha256: str, source: str, page_image: str | None = None,
                 page_image_sha256: str | None = None) -> TableRecord:
    grid = table.table.grid
    page_image = page_image or page_image_ref(table, source)
    sx, sy = 1.0 / table.page.width, 1.0 / table.page.height
    return TableRecord(
        document=sha256,
        source=source,
        page=table.page.ref.number,
        table=table.kind,
        title=table.title,
        unit=table.unit,
        bbox=grid.bbox.scaled(sx, sy).as_list(),
        n_rows=grid.n_rows,
        n_cols=grid.n_cols,
        cells=[
            TableCell(row=c.row, col=c.col, row_span=c.row_span, col_span=c.col_span, text=c.text,
                      confidence=round(max(0.0, min(1.0, c.confidence)), 4), bbox=c.bbox.scaled(sx, sy).as_list())
            for c in grid.cells
        ],
        html=grid_html(grid),
        continued=table.continued,
        page_image=page_image,
        page_image_sha256=page_image_sha256,
        header_rows=header_rows(table),
    )


def header_rows(table: ResolvedTable) -> int | None:
    """Rows at the top of the grid that make its column header, a 栏次 row right under it included."""
    layout = table.layout
    if layout is None:
        return None
    rows = layout.header_rows
    while rows in layout.number_rows:
        rows += 1
    return rows


def write_jsonl(handle: TextIO, records: Iterable[BaseModel]) -> int:
    count = 0
    for record in records:
        handle.write(record.model_dump_json() + "\n")
        count += 1
    handle.flush()
    return count


def read_jsonl(path: Path, model: type[BaseModel]) -> list:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [model.model_validate_json(line) for line in handle if line.strip()]
