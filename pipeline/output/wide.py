"""The pivot of ``yusuan export``: one table per table kind, one row per printed row, one real column per column.

Facts are long (one per cell), which suits a database and hurts a spreadsheet.  The pivot
turns each table kind back into rows and columns an analyst can filter and add up:

- a row is (document, form, code, labels): the row of a table as printed, across pages
  (a table continued over pages gives one row per 科目), with the document's ``source``,
  ``pipeline_version``, ``fiscal_year`` and ``department`` beside it;
- a column is the fact's year-agnostic ``column_key`` (``本年预算数/合计``), so the pivots of a
  2025 and a 2026 disclosure have the same columns and stack; a form's key/value cell (column
  ``""``) goes under ``值``;
- a cell is the amount in 元 (an exact ``Decimal``) where the fact has one, the printed value
  otherwise (text, or a number without a money unit); where a row prints a column twice the
  first value in document order is kept, as ``v_fact_wide`` does.

Columns come in the order they first appear, rows in document order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from models import Fact

KEY_COLUMNS = ("document", "source", "pipeline_version", "fiscal_year", "department", "form", "code", "labels")
FORM_VALUE_COLUMN = "值"
LABEL_SEPARATOR = " / "


@dataclass
class WideTable:
    """One table kind's pivot: key columns, then the value columns in first-seen order."""

    kind: str
    value_columns: dict[str, None] = field(default_factory=dict)  # an ordered set
    rows: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        return [*KEY_COLUMNS, *self.value_columns]

    def records(self) -> list[list[Any]]:
        return [[*key, *(cells.get(c) for c in self.value_columns)] for key, cells in self.rows.items()]

    def is_decimal(self, column: str) -> bool:
        """Whether every value of the column is an amount (a Parquet decimal column), not text."""
        values = [cells[column] for cells in self.rows.values() if cells.get(column) is not None]
        return all(isinstance(v, Decimal) for v in values)


def fact_cell(fact: Fact) -> Any:
    """What a fact puts in its pivot cell: its amount in 元, else its printed value."""
    return Decimal(fact.amount_yuan) if fact.amount_yuan is not None else fact.value


def column_name(fact: Fact) -> str:
    name = fact.column_key if fact.column_key is not None else fact.column
    return name or FORM_VALUE_COLUMN


def pivot(facts: Iterable[tuple[Fact, str]]) -> dict[str, WideTable]:
    """Each table kind's pivot of ``facts`` (each with its document's pipeline version), in document order."""
    tables: dict[str, WideTable] = {}
    for fact, version in facts:
        table = tables.setdefault(str(fact.table), WideTable(kind=str(fact.table)))
        key = (fact.document, fact.source, version, fact.fiscal_year, fact.department, fact.form, fact.code,
               LABEL_SEPARATOR.join(fact.labels))
        name = column_name(fact)
        table.value_columns.setdefault(name)
        table.rows.setdefault(key, {}).setdefault(name, fact_cell(fact))
    return tables
