"""Print variants as spec rewrites: what a printer puts in the cells, before anything is drawn.

Every sub-axis that changes the printed text or the grid (a column-number row, thousands
separators, empty tables printed as a note, zeros in blank cells, narrower label columns,
page orientation, Excel-style titles) is a pure ``SpecTable -> SpecTable`` (or
``DocumentSpec -> DocumentSpec``) rewrite.  The truth is then derived from the rewritten
spec exactly as for the samples, so it follows the print by construction: a number row is a
header row listed in ``number_rows`` (never a level, never a fact), ``3,015.24`` normalises to
``3015.24``, an empty table has no body cells, a wrapped label is the same text.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Literal

from samplegen.layout import Grid, PlacedCell, place
from samplegen.spec import DocumentSpec, SpecCell, SpecRow, SpecTable

NO_DATA = "注：本表无数据"
NUMBER_ROW_LABEL = "栏次"
WIDE_COLS = 7  # a table of this many grid columns or more is printed landscape by the wide rule
LABEL_SHRINK = 0.5  # narrower label columns: their share of the width is halved, long labels wrap
ZERO = "0.00"

Orientation = Literal["as-spec", "portrait", "wide-landscape"]


def _text(item: str | SpecCell) -> str:
    return item.text if isinstance(item, SpecCell) else item


def _with_text(item: str | SpecCell, text: str) -> str | SpecCell:
    return item.model_copy(update={"text": text}) if isinstance(item, SpecCell) else text


def map_cells(table: SpecTable, fn: Callable[[PlacedCell, str | SpecCell], str | SpecCell]) -> SpecTable:
    """Rewrite each printed cell, knowing its grid slot; ``place`` lists cells in the rows' order."""
    placed = iter(place(table).cells)
    rows: list[SpecRow] = [[fn(next(placed), item) for item in row] for row in table.rows]
    return table.model_copy(update={"rows": rows})


def _value_cols(table: SpecTable) -> set[int]:
    return {c for g in table.groups for c in g.value_cols}


def _row_has_labels(grid: Grid, table: SpecTable, row: int, group: int) -> bool:
    return any(grid.covering(row, c).text.strip() for c in table.groups[group].label_cols)


def is_empty(table: SpecTable) -> bool:
    """A ledger whose body prints no amount: the tables a department has nothing to report in."""
    if table.layout != "ledger":
        return False
    grid = place(table)
    values = _value_cols(table)
    return not any(c.text.strip() for c in grid.cells if c.row >= table.header_rows and c.col in values)


def empty_as_note(table: SpecTable) -> SpecTable:
    """An empty ledger printed as its header and a note, no body rows (the codes of dropped rows go too)."""
    if not is_empty(table):
        return table
    return table.model_copy(update={
        "rows": table.rows[: table.header_rows], "implied_codes": [], "note": table.note or NO_DATA,
        "max_body_rows_per_page": None,
    })


def zero_blanks(table: SpecTable) -> SpecTable:
    """Blank amounts of a row that has a label printed as 0.00 (a fact then, as printed)."""
    if table.layout != "ledger" or is_empty(table):
        return table
    grid = place(table)
    owner = {c: g for g, group in enumerate(table.groups) for c in group.value_cols}

    def fill(cell: PlacedCell, item: str | SpecCell) -> str | SpecCell:
        group = owner.get(cell.col)
        if (cell.row < table.header_rows or group is None or cell.col_span > 1 or _text(item).strip()
                or not _row_has_labels(grid, table, cell.row, group)):
            return item
        return _with_text(item, ZERO)

    return map_cells(table, fill)


def thousands(text: str) -> str:
    """``3015.24`` -> ``3,015.24``; anything that is not a plain decimal is left as it is."""
    bare = text.strip()
    try:
        value = Decimal(bare)
    except ArithmeticError:
        return text
    if not bare or "," in bare or not value.is_finite() or abs(value) < 1000:
        return text
    places = len(bare.split(".")[1]) if "." in bare else 0
    return f"{value:,.{places}f}"


def with_thousands(table: SpecTable) -> SpecTable:
    """Amounts of ledger value columns and the money of forms printed with thousands separators."""
    if table.layout == "ledger":
        values = _value_cols(table)
        return map_cells(table, lambda cell, item: _with_text(item, thousands(_text(item)))
                         if cell.row >= table.header_rows and cell.col in values else item)
    if table.layout == "form":
        money = {(f.row, f.col) for f in table.form_facts if f.kind == "number"}
        return map_cells(table, lambda cell, item: _with_text(item, thousands(_text(item)))
                         if (cell.row, cell.col) in money else item)
    return table


def with_number_row(table: SpecTable) -> SpecTable:
    """A 栏次 row under the header: 栏次 over each run of label and code columns, 1 2 3 … over the amounts.

    Tables that print one already, and tables without a header, are left alone.
    """
    if table.layout != "ledger" or table.number_rows or table.header_rows == 0:
        return table
    n_cols = place(table).n_cols
    values = _value_cols(table)
    row: list[str | SpecCell] = []
    number, col = 1, 0
    while col < n_cols:
        if col in values:
            row.append(SpecCell(text=str(number), align="center"))
            number, col = number + 1, col + 1
            continue
        run = col
        while run < n_cols and run not in values:
            run += 1
        row.append(SpecCell(text=NUMBER_ROW_LABEL, colspan=run - col, align="center"))
        col = run
    h = table.header_rows
    return table.model_copy(update={
        "rows": [*table.rows[:h], row, *table.rows[h:]],
        "header_rows": h + 1,
        "number_rows": [h],
        "implied_codes": [ic.model_copy(update={"row": ic.row + 1}) for ic in table.implied_codes],
    })


def narrow_labels(table: SpecTable) -> SpecTable:
    """Label columns given half their width, so long labels wrap over two lines (the text is unchanged).

    A table without set widths gets even ones first, as a sheet's fixed column widths are.
    """
    if table.layout != "ledger":
        return table
    labels = {c for g in table.groups for c in g.label_cols}
    base = table.col_widths or [1.0] * place(table).n_cols
    widths = [w * LABEL_SHRINK if c in labels else w for c, w in enumerate(base)]
    return table.model_copy(update={"col_widths": widths})


def orient(table: SpecTable, rule: Orientation) -> SpecTable:
    """Page orientation by rule: the spec's, all portrait, or landscape for wide tables (by column count)."""
    if rule == "as-spec":
        return table
    wide = rule == "wide-landscape" and table.layout != "form" and place(table).n_cols >= WIDE_COLS
    return table.model_copy(update={"orientation": "landscape" if wide else "portrait"})


def short_department(spec: DocumentSpec) -> str:
    """山阴县商务局（部门） -> 山阴县商务局: the name Excel exports put before each title."""
    return spec.department.removesuffix("（部门）").removesuffix("(部门)")


def excel_headings(spec: DocumentSpec) -> DocumentSpec:
    """Titles of the numbered tables prefixed by the department; the 部门名称 line dropped (the unit stays)."""
    dept = short_department(spec)
    tables = []
    for t in spec.tables:
        update: dict[str, object] = {}
        if t.caption and not t.title.startswith(dept):
            update["title"] = dept + t.title
        if t.department and t.department.startswith("部门名称"):
            update["department"] = None
        tables.append(t.model_copy(update=update) if update else t)
    return spec.model_copy(update={"tables": tables})


def rewrite_tables(spec: DocumentSpec, *steps: Callable[[SpecTable], SpecTable]) -> DocumentSpec:
    tables = list(spec.tables)
    for step in steps:
        tables = [step(t) for t in tables]
    return spec.model_copy(update={"tables": tables})
