"""One document as an Excel workbook: each table as printed, a facts sheet, the pivots.

- One sheet per table region (``p3 2025年预算支出总表``): the title and the source line on top,
  then the grid cell for cell, merged cells merged, the column header frozen (``header_rows``)
  so it stays in view while scrolling, amounts as numbers in their printed format
  (``1,030.50`` shows as printed and sums in Excel).
- ``facts``: one row per fact with the analysts' fields; labels joined with `` / ``, reasons
  with ``, `` (a spreadsheet has no lists).
- ``wide <kind>``: the pivots of pipeline.output.wide.

Text that starts with ``=`` stays text: OCR output is never a formula.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from models import Fact, TableRecord
from pipeline.output.wide import WideTable

_GRID_TOP = 3  # the grid starts on this sheet row: the title and the source line are above it
_SHEET_NAME_CHARS = 31  # Excel's limit
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# A printed amount (decimals or thousands separators): written as a number in its printed format.
# Bare digit runs stay text, as printed: they are codes (2010101) as often as amounts.
_AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+(?:\.(\d+))?|\d+\.(\d+))$")
_MAX_COLUMN_WIDTH = 60

FACT_COLUMNS = ("page", "table", "code", "labels", "column", "column_key", "value", "unit", "amount_yuan",
                "kind", "status", "confidence", "reasons", "fiscal_year", "department", "form", "code_source",
                "gov_code", "raw", "source", "document")


def write_workbook(path: Path, tables: Sequence[TableRecord], facts: Sequence[Fact],
                   wides: dict[str, WideTable]) -> None:
    """Write the workbook to ``path`` (replacing it)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    names: set[str] = set()
    for table in tables:
        _table_sheet(book.create_sheet(_sheet_name(f"p{table.page} {table.title or table.table}", names)), table)
    _rows_sheet(book.create_sheet(_sheet_name("facts", names)), list(FACT_COLUMNS),
                [[_fact_field(fact, c) for c in FACT_COLUMNS] for fact in facts])
    for kind, wide in wides.items():
        _rows_sheet(book.create_sheet(_sheet_name(f"wide {kind}", names)), wide.columns, wide.records())
    book.save(path)


def _sheet_name(wanted: str, taken: set[str]) -> str:
    base = _FORBIDDEN.sub("_", wanted)[:_SHEET_NAME_CHARS]
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: _SHEET_NAME_CHARS - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def _table_sheet(sheet: Any, table: TableRecord) -> None:
    from openpyxl.styles import Alignment, Font

    sheet["A1"] = _text(table.title or str(table.table))
    sheet["A1"].font = Font(bold=True)
    unit = f"，单位：{table.unit}" if table.unit else ""
    sheet["A2"] = f"{table.source} 第{table.page}页{unit}" + ("（续表）" if table.continued else "")
    widths: dict[int, int] = {}
    for cell in table.cells:
        row, col = _GRID_TOP + cell.row, 1 + cell.col
        target = sheet.cell(row=row, column=col)
        value, number_format = _printed(cell.text)
        target.value = value
        if number_format:
            target.number_format = number_format
        if isinstance(value, str) and value.startswith("="):
            target.data_type = "s"
        target.alignment = Alignment(wrap_text=True, vertical="center")
        if cell.row_span > 1 or cell.col_span > 1:
            sheet.merge_cells(start_row=row, start_column=col, end_row=row + cell.row_span - 1,
                              end_column=col + cell.col_span - 1)
        if cell.col_span == 1:
            widths[col] = max(widths.get(col, 8), min(_MAX_COLUMN_WIDTH, 2 * len(cell.text) + 2))
    for col, width in widths.items():
        sheet.column_dimensions[_column_letter(col)].width = width
    if table.header_rows:
        sheet.freeze_panes = sheet.cell(row=_GRID_TOP + table.header_rows, column=1)


def _printed(text: str) -> tuple[Any, str | None]:
    """A grid cell's value for the sheet: an amount as a number in its printed format, anything else as text."""
    found = _AMOUNT.match(text.strip())
    if found is None:
        return _text(text), None
    decimals = len(found.group(1) or found.group(2) or "")
    pattern = ("#,##0" if "," in text else "0") + ("." + "0" * decimals if decimals else "")
    return Decimal(text.strip().replace(",", "")), pattern


def _rows_sheet(sheet: Any, header: list[str], rows: list[list[Any]]) -> None:
    from openpyxl.styles import Font

    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_text(v) if isinstance(v, str) else v for v in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # openpyxl took it for a formula; OCR text is text
    sheet.freeze_panes = "A2"


def _fact_field(fact: Fact, name: str) -> Any:
    value = getattr(fact, name)
    if name == "labels":
        return " / ".join(value)
    if name == "reasons":
        return ", ".join(value)
    if name == "amount_yuan":
        return Decimal(value) if value is not None else None
    return str(value) if name == "table" else value


def _text(value: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters are not allowed in a sheet


def _column_letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)
