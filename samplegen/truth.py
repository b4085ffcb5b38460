"""Ground truth for a rendered spec: records.jsonl facts and tables.jsonl grids.

Derived only from the spec's transcription and annotations plus the renderer's
measured geometry — never from pipeline code — so that scoring the pipeline
against it is not circular.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from models.records import Fact, TableCell, TableRecord
from samplegen.layout import Grid, place
from samplegen.render import RenderedCell, RenderResult, TablePage
from samplegen.spec import DocumentSpec, SpecTable

_DECIMAL_RE = re.compile(r"^-?\d+(\.\d+)?$")
_WS_RE = re.compile(r"\s+")

BBox = tuple[float, float, float, float]
# Maps (page, bbox on the rendered page) to the bbox on the same page of another
# file (a scan that skewed or turned the page); identity for the digital PDF.
BBoxMap = Callable[[int, BBox], BBox]


def identity_map(page: int, bbox: BBox) -> BBox:
    return bbox


@dataclass(frozen=True, slots=True)
class Target:
    """The file the truth describes."""

    document: str  # sha256 of the file's bytes
    source: str  # its file name
    bbox_map: BBoxMap = identity_map


def printed(text: str) -> str:
    """A cell's text as one line: wrapped transcriptions join without a separator (CJK)."""
    return "".join(part.strip() for part in text.split("\n")).strip()


def normalise_value(text: str) -> tuple[str, str]:
    """(value, kind): thousands commas dropped, printed decimals kept."""
    value = printed(text)
    bare = value.replace(",", "")
    return (bare, "number") if _DECIMAL_RE.match(bare) else (value, "text")


def header_path(table: SpecTable, grid: Grid, col: int) -> str:
    """Header levels over ``col`` top to bottom joined by '/': number rows, blanks and repeats skipped."""
    levels: list[str] = []
    seen: set[tuple[int, int]] = set()
    for r in range(table.header_rows):
        if r in table.number_rows:
            continue
        cell = grid.covering(r, col)
        if (cell.row, cell.col) in seen:  # a rowspan covers several header rows: one level
            continue
        seen.add((cell.row, cell.col))
        text = _WS_RE.sub("", cell.text)
        if text and (not levels or levels[-1] != text):
            levels.append(text)
    return "/".join(levels)


def _body_cell_index(result: RenderResult, table_index: int) -> dict[tuple[int, int], tuple[int, RenderedCell]]:
    """(grid row, col) -> (page, cell) for the first drawing of each cell of the table."""
    index: dict[tuple[int, int], tuple[int, RenderedCell]] = {}
    for tp in result.table_pages:
        if tp.table_index != table_index:
            continue
        for cell in tp.cells:
            index.setdefault((cell.grid_row, cell.col), (tp.page, cell))
    return index


def _fact(
    target: Target, table: SpecTable, page: int, bbox: BBox, **fields: object
) -> Fact:
    return Fact(
        document=target.document,
        source=target.source,
        page=page,
        table=table.kind,
        confidence=1.0,
        status="accepted",
        reasons=[],
        bbox=list(target.bbox_map(page, bbox)),
        **fields,  # type: ignore[arg-type]
    )


def ledger_facts(table: SpecTable, grid: Grid, cells: dict, target: Target) -> Iterator[Fact]:
    implied = {(ic.row, ic.group): ic.code for ic in table.implied_codes}
    for r in range(table.header_rows, grid.n_rows):
        for g, group in enumerate(table.groups):
            # Labels and codes may be merged down over several rows: read the covering cell.
            labels = [t for c in group.label_cols if (t := printed(grid.covering(r, c).text))]
            printed_code = ""
            if group.code_col is not None:
                code_cell = grid.covering(r, group.code_col)
                # A cell merged across the code and label columns (合计) is a label, not a code.
                if not any(grid.covering(r, c) is code_cell for c in group.label_cols):
                    printed_code = printed(code_cell.text)
            if printed_code:
                code, code_source = printed_code, "printed"
            elif (r, g) in implied:
                code, code_source = implied[(r, g)], "implied"
            else:
                code, code_source = None, None
            for c in group.value_cols:
                cell = grid.at(r, c)  # a merged value is one fact, at its top-left slot
                if cell is None or not printed(cell.text):
                    continue
                value, kind = normalise_value(cell.text)
                page, drawn = cells[(r, c)]
                yield _fact(
                    target, table, page, drawn.bbox,
                    code=code, code_source=code_source, labels=labels, raw_labels=list(labels),
                    column=header_path(table, grid, c), value=value, kind=kind,
                    unit=table.unit, raw=cell.text,
                )


def catalog_facts(table: SpecTable, grid: Grid, cells: dict, target: Target) -> Iterator[Fact]:
    for r in range(table.header_rows, grid.n_rows):
        code = printed(grid.covering(r, 0).text) or None
        for c in (1, 2, 3):
            cell = grid.at(r, c)
            if cell is None or not printed(cell.text):
                continue
            name = printed(cell.text)
            page, drawn = cells[(r, c)]
            yield _fact(
                target, table, page, drawn.bbox,
                code=code, code_source="printed" if code else None, labels=[name], raw_labels=[name],
                column=header_path(table, grid, c), value=name, kind="text", unit=None, raw=cell.text,
            )
            break  # one name per catalog row


def form_facts(table: SpecTable, grid: Grid, cells: dict, target: Target) -> Iterator[Fact]:
    for ff in table.form_facts:
        cell = grid.covering(ff.row, ff.col)
        page, drawn = cells[(cell.row, cell.col)]
        yield _fact(
            target, table, page, drawn.bbox,
            code=None, labels=list(ff.labels), raw_labels=list(ff.labels), column=ff.column,
            value=ff.value, kind=ff.kind, unit=ff.unit, raw=cell.text, form=table.form_subject,
        )


_DERIVE = {"ledger": ledger_facts, "catalog": catalog_facts, "form": form_facts}


def derive_facts(spec: DocumentSpec, result: RenderResult, target: Target) -> list[Fact]:
    facts: list[Fact] = []
    for i, table in enumerate(spec.tables):
        grid = place(table)
        facts.extend(_DERIVE[table.layout](table, grid, _body_cell_index(result, i), target))
    # Document order: by page, then as derived (row by row, left group first).
    return sorted(facts, key=lambda f: f.page)


def table_html(cells: list[TableCell], n_rows: int) -> str:
    rows: list[list[str]] = [[] for _ in range(n_rows)]
    for cell in sorted(cells, key=lambda c: (c.row, c.col)):
        attrs = ""
        if cell.row_span > 1:
            attrs += f' rowspan="{cell.row_span}"'
        if cell.col_span > 1:
            attrs += f' colspan="{cell.col_span}"'
        rows[cell.row].append(f"<td{attrs}>{html.escape(cell.text)}</td>")
    return "<table>" + "".join(f"<tr>{''.join(r)}</tr>" for r in rows) + "</table>"


def table_record(spec: DocumentSpec, tp: TablePage, target: Target) -> TableRecord:
    table = spec.tables[tp.table_index]
    cells = [
        TableCell(
            row=c.page_row, col=c.col, row_span=c.row_span, col_span=c.col_span, text=c.text,
            confidence=1.0, bbox=list(target.bbox_map(tp.page, c.bbox)),
        )
        for c in tp.cells
    ]
    return TableRecord(
        document=target.document,
        source=target.source,
        page=tp.page,
        table=table.kind,
        title=table.title,
        unit=table.unit,
        bbox=list(target.bbox_map(tp.page, tp.bbox)),
        n_rows=tp.n_rows,
        n_cols=tp.n_cols,
        cells=cells,
        html=table_html(cells, tp.n_rows),
        continued=tp.continued,
    )


def derive_tables(spec: DocumentSpec, result: RenderResult, target: Target) -> list[TableRecord]:
    return [table_record(spec, tp, target) for tp in result.table_pages]
