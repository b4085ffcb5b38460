"""Which table each grid is: kind, title, unit, and continuation across pages.

Runs over a document's pages in order, because a continuation page (the
header repeated, no title) can only be recognised against the table before it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from models import FORM_KINDS, PageResult, PageTable, TableKind
from pipeline.interpret.classify import classify_by_signature, classify_title
from pipeline.interpret.structure import TableLayout, analyse
from pipeline.text import normalize

log = logging.getLogger(__name__)

_UNIT = re.compile(r"单位[:：]?\s*(万元|千元|亿元|元)")
# Header rows that agree this well (rapidfuzz ratio) are the same header repeated.
_SAME_HEADER_SCORE = 85.0
_SAME_COLUMNS_SHARE = 0.6
_DEFAULT_UNITS = {TableKind.PERFORMANCE_PROJECT: "元", TableKind.PROCUREMENT_CATALOG: None}


@dataclass(frozen=True, slots=True)
class ResolvedTable:
    page: PageResult
    table: PageTable
    kind: TableKind
    kind_score: float  # 0..100, how sure the kind is
    title: str
    unit: str | None
    continued: bool
    layout: TableLayout | None  # None for forms, which have no column header


def resolve_tables(pages: list[PageResult], title_threshold: float) -> list[ResolvedTable]:
    resolved: list[ResolvedTable] = []
    for page in pages:
        for table in page.tables:
            previous = resolved[-1] if resolved else None
            one = _resolve_one(page, table, previous, title_threshold)
            log.debug("page %d, %dx%d grid: %s (score %.0f%s), %d header rows", page.ref.number,
                      table.grid.n_rows, table.grid.n_cols, one.kind, one.kind_score,
                      ", continued" if one.continued else f", title {one.title!r}" if one.title else ", by its words",
                      one.layout.header_rows if one.layout is not None else 0)
            resolved.append(one)
    return resolved


def _resolve_one(page: PageResult, table: PageTable, previous: ResolvedTable | None, threshold: float) -> ResolvedTable:
    phrases = [p.text for p in table.context]
    unit = _unit(phrases)
    by_title = classify_title(phrases, threshold)
    first_texts = [c.text for c in table.grid.cells if c.row < 3]
    if by_title is not None:
        kind, score, title = by_title.kind, by_title.score, by_title.title
        return _make(page, table, kind, score, title, unit, continued=False, previous=None)
    layout = analyse(table.grid)  # untitled: the header decides whether it continues
    if previous is not None and _continues(table, layout, previous):
        return _make(page, table, previous.kind, previous.kind_score, previous.title, unit or previous.unit,
                     continued=True, previous=previous, layout=layout)
    by_signature = classify_by_signature(first_texts)
    if by_signature is not None:
        return _make(page, table, by_signature.kind, by_signature.score, "", unit, continued=False, previous=None,
                     layout=layout)
    if previous is not None and previous.kind in FORM_KINDS:
        # A form running onto the next page: no title, no header, same form.
        return _make(page, table, previous.kind, previous.kind_score * 0.9, previous.title, previous.unit,
                     continued=True, previous=previous)
    return _make(page, table, TableKind.UNKNOWN, 0.0, "", unit, continued=False, previous=None, layout=layout)


def _make(page: PageResult, table: PageTable, kind: TableKind, score: float, title: str, unit: str | None,
          continued: bool, previous: ResolvedTable | None, layout: TableLayout | None = None) -> ResolvedTable:
    """``layout``: the grid's analysis when the caller already made it."""
    if unit is None and kind in _DEFAULT_UNITS:
        unit = _DEFAULT_UNITS[kind]
    if kind in FORM_KINDS:
        layout = None
    else:
        layout = layout or analyse(table.grid)
        if continued and previous is not None and previous.layout is not None and layout.header_rows == 0:
            # A continuation without a repeated header keeps the header it continues.
            layout = replace(previous.layout, header_rows=0, number_rows=())
    return ResolvedTable(page=page, table=table, kind=kind, kind_score=score, title=title, unit=unit,
                         continued=continued, layout=layout)


def _continues(table: PageTable, layout: TableLayout, previous: ResolvedTable) -> bool:
    if previous.layout is None:
        return False
    if table.grid.n_cols != previous.table.grid.n_cols:
        return False
    if layout.header_rows == 0:
        return True
    if fuzz.ratio(layout.header_signature, previous.layout.header_signature) >= _SAME_HEADER_SCORE:
        return True
    # One damaged header word must not break the chain: most columns keep their path.
    same = sum(1 for a, b in zip(layout.column_paths, previous.layout.column_paths) if a and a == b)
    return same >= _SAME_COLUMNS_SHARE * len(layout.column_paths)


def _unit(phrases: list[str]) -> str | None:
    for phrase in phrases:
        match = _UNIT.search(normalize(phrase).replace(":", "："))
        if match:
            return match.group(1)
    return None
