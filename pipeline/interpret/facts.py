"""Facts from resolved tables: one per non-empty value cell, with its labels, column and code.

Codes here are only the printed ones (cleaned of OCR digit confusions);
implied codes and cross-table checks happen over the whole document later.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from models import (FORM_KINDS, BBox, BrokenIdentity, Evidence, GridCell, Reading, ReviewReason, TableKind,
                    TableSignals, combine)
from pipeline.interpret.resolve import ResolvedTable
from pipeline.code_syntax import CATALOG_CODE_LOST_LETTER, clean_code, is_code
from pipeline.interpret.numbers import NumberFormat, column_format, decimals_of, read_amount
from pipeline.interpret.structure import ColumnGroup
from pipeline.read.textcells import READ_BY as TEXT_LAYER
from pipeline.text import RULE_TRACES, brackets_balanced, normalize, strip_stray_marks



@dataclass(frozen=True, slots=True)
class DraftFact:
    """A fact before document-level checks: everything but the final confidence and status."""

    table_index: int  # position of its ResolvedTable in the document
    kind: TableKind
    page: int
    row: int
    col: int
    code: str | None
    code_source: str | None
    labels: tuple[str, ...]
    raw_labels: tuple[str, ...]
    column: str
    value: str
    value_kind: str  # number | text
    unit: str | None
    raw: str
    # What the readings of the value, label and code cells say, combined (models.evidence).
    evidence: Evidence
    bbox: BBox  # fractions of the page
    reasons: tuple[ReviewReason, ...]
    form: str | None = None  # forms only: the form's subject (项目名称 or 部门名称)
    gov_code: str | None = None  # economic rows: the 政府预算支出经济分类 code
    checks_passed: int = 0  # arithmetic identities this cell satisfies (pipeline.check.validate)
    checks_failed: int = 0  # ... and breaks
    # The value cell's spans (row and col above are its first slot): a merged cell is one fact.
    row_span: int = 1
    col_span: int = 1
    # Every engine's reading of the cells the fact rests on; engines named by role (PRIMARY,
    # CROSS_CHECK) until pipeline.score.confidence.finish names them.
    readings: tuple[Reading, ...] = ()
    # The identities it breaks, with the value that would close each (pipeline.check.validate).
    broken: tuple[BrokenIdentity, ...] = ()
    read_by: str = ""  # how the value cell was read (models.GridCell.read_by)
    # What its table as a whole says: header fit here, arithmetic shares after validation.
    table: TableSignals = TableSignals()


PRIMARY = "primary"
CROSS_CHECK = "cross_check"


def cell_readings(cell: GridCell, part: str) -> tuple[Reading, ...]:
    """The readings of one cell: the first engine's, and the cross-check's where it read the cell too."""
    first = Reading(part=part, engine=PRIMARY, text=cell.text, confidence=round(cell.confidence, 4))
    if cell.second_text is None:
        return (first,)
    return (first, Reading(part=part, engine=CROSS_CHECK, text=cell.second_text, agreement=cell.evidence.agreement))


def with_unread_mark_reasons(drafts: Iterable[DraftFact]) -> list[DraftFact]:
    """The drafts with ``unread_mark`` where the ink holds a mark the reading lacks and nothing
    vouches for the value: no identity it satisfies, no prose figure it agrees with.

    A recogniser drops a · or 、 with full confidence, and the second engine often drops it
    too; the ink is the only witness.  A value some check confirms is right whatever a speck
    near it looks like.
    """
    return _with_reason(drafts, ReviewReason.UNREAD_MARK, lambda d: bool(d.evidence.unread_marks) and not d.checks_passed)


def with_unconfirmed_repair_reasons(drafts: Iterable[DraftFact]) -> list[DraftFact]:
    """The drafts with ``unparseable_number`` where an amount was read through its column's format
    (a misread separator) and no identity confirms the reading."""
    return _with_reason(drafts, ReviewReason.UNPARSEABLE_NUMBER,
                        lambda d: ReviewReason.NUMBER_FORMAT_REPAIRED in d.reasons and not d.checks_passed)


def without_confirmed_format_doubts(drafts: Iterable[DraftFact]) -> list[DraftFact]:
    """``number_format_unlike_column`` taken off the drafts some identity confirms: a printer may
    print a whole amount without its decimals; the arithmetic says the value is right."""
    unlike = ReviewReason.NUMBER_FORMAT_UNLIKE_COLUMN
    return [replace(d, reasons=tuple(r for r in d.reasons if r != unlike)) if unlike in d.reasons and d.checks_passed
            else d for d in drafts]


def with_bracket_reasons(drafts: Iterable[DraftFact]) -> list[DraftFact]:
    """The drafts with ``unbalanced_brackets`` where the value or a label opens a bracket it
    never closes, or closes one it never opened: the reading lost a mark.  Checked whatever
    the arithmetic says: a number's row label is part of the fact."""
    return _with_reason(drafts, ReviewReason.UNBALANCED_BRACKETS,
                        lambda d: not all(brackets_balanced(text) for text in (d.value, *d.labels)))


# One Chinese character twice running: printed so in a few words (职工工资, 每月月末), and what a
# recogniser's decoder does when it stutters over a glyph (遗属生活困难补补助资金).
_DOUBLED_CHARACTER = re.compile(r"([\u4e00-\u9fff])\1")


def with_doubled_character_reasons(drafts: Iterable[DraftFact]) -> list[DraftFact]:
    """Texts read by OCR with a character doubled get ``doubled_character`` unless the second engine
    read the cell alike: nothing else checks a free text, and the doubling reads as a sure word.  A
    text layer's words are the document's own."""
    return _with_reason(drafts, ReviewReason.DOUBLED_CHARACTER,
                        lambda d: d.value_kind == "text" and d.read_by != TEXT_LAYER
                        and d.evidence.agreement != 1.0 and _DOUBLED_CHARACTER.search(d.value) is not None)


def with_incomplete_indicator_reasons(drafts: Iterable[DraftFact]) -> list[DraftFact]:
    """Form indicators whose 一级 name is blank while the 二级 one is read get
    ``table_structure_doubtful``: the cell spanning the indicator block was lost with a rule, and
    the fact's row key is incomplete."""
    return _with_reason(drafts, ReviewReason.TABLE_STRUCTURE_DOUBTFUL,
                        lambda d: d.kind in FORM_KINDS and len(d.labels) > 1 and not d.labels[0].strip()
                        and bool(d.labels[1].strip()))


_BARE_COMPARISON = frozenset("<>＜＞")


def with_comparison_sign_reasons(drafts: Iterable[DraftFact]) -> list[DraftFact]:
    """Form values read with a bare > or < get ``comparison_sign_unsure``: the forms print ≥ and ≤
    (every indicator of the seed), and a ≥ whose bar the recogniser missed reads as >.  A page read
    from its own text layer is exact and keeps its sign."""
    return _with_reason(drafts, ReviewReason.COMPARISON_SIGN_UNSURE,
                        lambda d: d.kind in FORM_KINDS and d.read_by != TEXT_LAYER
                        and bool(_BARE_COMPARISON.intersection(d.value)))


def _with_reason(drafts: Iterable[DraftFact], reason: str,
                 applies: Callable[[DraftFact], bool]) -> list[DraftFact]:
    return [replace(d, reasons=d.reasons + (reason,)) if reason not in d.reasons and applies(d) else d
            for d in drafts]


def draft_facts(index: int, table: ResolvedTable) -> list[DraftFact]:
    if table.kind in FORM_KINDS:
        return []  # forms span pages: pipeline.interpret.forms.form_facts_for_document reads them over the document
    if table.layout is None:
        return []
    if table.kind == TableKind.PROCUREMENT_CATALOG:
        return _catalog_facts(index, table)
    facts: list[DraftFact] = []
    grid = table.table.grid
    value_cols = {col for group in table.layout.groups for col in group.value_cols}
    formats = {col: column_format(c.text for c in grid.cells if c.col == col and c.row >= table.layout.header_rows)
               for col in value_cols}
    # A column with too few amounts to show its format (most of a 项目 table's columns are empty)
    # prints as the table does: the national format gives every money column of a table one format.
    table_format = column_format(c.text for c in grid.cells if c.col in value_cols and c.row >= table.layout.header_rows)
    printed = {col: fmt if fmt.decimals is not None else table_format for col, fmt in formats.items()}
    for row in range(table.layout.header_rows, grid.n_rows):
        for group in table.layout.groups:
            facts.extend(_group_facts(index, table, row, group, formats, printed))
    if table.kind == TableKind.UNKNOWN:
        # Read as a ledger so nothing printed is lost, and shown to an operator: no kind vouches for it.
        return [replace(f, reasons=f.reasons + (ReviewReason.UNKNOWN_TABLE,)) for f in facts]
    # A row that prints neither a code nor a label (both lost: a rule's trace, a fill, a speck read
    # for them) names nothing: its amounts belong to no 科目 a user could find them under.
    facts = [f if f.code or any(label.strip() for label in f.labels)
             else replace(f, reasons=f.reasons + (ReviewReason.UNMATCHED_LABEL,)) for f in facts]
    value_cols = sum(len(group.value_cols) for group in table.layout.groups)
    signals = TableSignals(header_fit=table.quality.header_fit / 100,
                           renamed_share=min(1.0, table.quality.renamed / value_cols) if value_cols else 0.0)
    facts = [replace(f, table=signals) for f in facts]
    if not table.quality.fits:
        return [replace(f, reasons=f.reasons + (ReviewReason.TABLE_STRUCTURE_DOUBTFUL,)) for f in facts]
    return facts


def _cell(table: ResolvedTable, row: int, col: int) -> GridCell | None:
    return table.table.grid.cell_at(row, col)


def _fraction_box(table: ResolvedTable, cell: GridCell) -> BBox:
    return cell.bbox.scaled(1.0 / table.page.width, 1.0 / table.page.height)


def _value_cell(table: ResolvedTable, row: int, col: int) -> GridCell | None:
    """The non-empty cell that starts at (row, col); a slot covered by a span gives no fact."""
    cell = _cell(table, row, col)
    if cell is None or cell.col != col or cell.row != row or not cell.text.strip():
        return None
    return cell


def _fact(index: int, table: ResolvedTable, cell: GridCell, code: str | None, labels: tuple[str, ...],
          value: str, value_kind: str, unit: str | None, reasons: tuple[str, ...],
          evidence_cells: Iterable[GridCell | None] = (), code_cell: GridCell | None = None) -> DraftFact:
    """A fact read from ``cell``, resting also on ``evidence_cells`` (its labels and code)."""
    assert table.layout is not None
    evidence_cells = [c for c in evidence_cells if c is not None]
    readings = cell_readings(cell, "value") + tuple(
        reading for c in evidence_cells for reading in cell_readings(c, "code" if c is code_cell else "label"))
    return DraftFact(
        table_index=index,
        kind=table.kind,
        page=table.page.ref.number,
        row=cell.row,
        col=cell.col,
        code=code,
        code_source="printed" if code else None,
        labels=labels,
        raw_labels=labels,
        column=table.layout.column_paths[cell.col],
        value=value,
        value_kind=value_kind,
        unit=unit,
        raw=cell.text,
        evidence=combine(c.evidence for c in (cell, *evidence_cells)),
        bbox=_fraction_box(table, cell),
        reasons=reasons,
        row_span=cell.row_span,
        col_span=cell.col_span,
        readings=readings,
        read_by=cell.read_by,
    )


def _group_facts(index: int, table: ResolvedTable, row: int, group: ColumnGroup,
                 formats: dict[int, NumberFormat], printed: dict[int, NumberFormat]) -> list[DraftFact]:
    label_cells: list[GridCell] = []
    for col in group.label_cols:
        cell = _cell(table, row, col)
        if cell is not None and cell.text.strip() and cell not in label_cells:
            label_cells.append(cell)
    code_cell = _cell(table, row, group.code_col) if group.code_col is not None else None
    code = None
    if code_cell is not None and code_cell.text.strip() and is_code(code_cell.text):
        code = clean_code(code_cell.text)
    elif code_cell is not None and code_cell.text.strip() and code_cell not in label_cells:
        # A merged 合计 cell spanning code and name columns is a label, not a code.
        label_cells.insert(0, code_cell)
    # No 科目 name begins or ends with a mark: one there is a speck (公务用车购置及运行费。).
    labels = tuple(strip_stray_marks(c.text) for c in label_cells)
    if any(_NUMBER_ROW_CAPTION.fullmatch(normalize(label).strip(RULE_TRACES + "1lI|")) for label in labels):
        return []  # the column-number row, though a misread number kept it from being known as one
    # Digits in the code column that make no code (0805, 101199, 2101r, 2101-199): a digit lost,
    # gained or misread.  A label merged into the code column (合计) holds no digits.
    damaged_code = (code is None and code_cell is not None
                    and sum(ch.isdigit() for ch in clean_code(code_cell.text)) >= _DAMAGED_CODE_DIGITS)
    facts = []
    for col in group.value_cols:
        cell = _value_cell(table, row, col)
        if cell is None:
            continue
        value, value_kind, reasons = _normalise_value(cell.text, formats[col], printed[col])
        if damaged_code:
            reasons = (*reasons, ReviewReason.UNREADABLE_CODE)
        if any(other in group.value_cols for other in range(col + 1, col + cell.col_span)):
            # No data row merges amount columns: a line segment lost between them (a flatbed's faint
            # rule beside an empty cell) leaves the amount under either, and 合计 = 基本 + 项目 holds
            # whichever it is given to.
            reasons = (*reasons, ReviewReason.TABLE_STRUCTURE_DOUBTFUL)
        code_cells = [code_cell] if code_cell is not None and code else []
        facts.append(_fact(index, table, cell, code, labels, value, value_kind, table.unit, reasons,
                           [*label_cells, *code_cells], code_cell=code_cells[0] if code_cells else None))
    return facts


def _normalise_value(text: str, column: NumberFormat,
                     printed: NumberFormat) -> tuple[str, str, tuple[ReviewReason, ...]]:
    """The value of a cell: ``column`` is its column's own format (what a misread separator is repaired
    through), ``printed`` that or, in a column too sparse to show one, its table's."""
    reading = read_amount(text, column)
    if reading.value is not None:
        if reading.repaired:
            return format(reading.value, "f"), "number", (ReviewReason.NUMBER_FORMAT_REPAIRED,)
        unlike = printed.decimals and decimals_of(reading.value) != printed.decimals
        return format(reading.value, "f"), "number", (ReviewReason.NUMBER_FORMAT_UNLIKE_COLUMN,) if unlike else ()
    return " ".join(text.split()), "text", (ReviewReason.UNPARSEABLE_NUMBER,)


# A code cell holding at least this many digits, yet no code, is a damaged code (the shortest code has 3).
_DAMAGED_CODE_DIGITS = 3
# The caption of a row of column numbers: a row so labelled holds no amounts.
_NUMBER_ROW_CAPTION = re.compile(r"栏次|行次")


def _catalog_facts(index: int, table: ResolvedTable) -> list[DraftFact]:
    grid = table.table.grid
    assert table.layout is not None
    facts = []
    for row in range(table.layout.header_rows, grid.n_rows):
        code_cell = _cell(table, row, 0)
        raw_code = clean_code(code_cell.text) if code_cell is not None else ""
        code = _catalog_code(raw_code)
        for col in range(1, grid.n_cols):
            cell = _value_cell(table, row, col)
            if cell is None:
                continue
            name = strip_stray_marks(cell.text)
            facts.append(_fact(index, table, cell, code, (name,), name, "text", None,
                               () if code else (ReviewReason.UNMATCHED_LABEL,), [code_cell], code_cell=code_cell))
    return facts


def _catalog_code(raw: str) -> str | None:
    """A 目录 code as printed; a letter read as 0 (00301) is restored later from the rows around it."""
    if not raw:
        return None
    if raw[0].isalpha() or CATALOG_CODE_LOST_LETTER.match(raw):
        return raw
    return None
