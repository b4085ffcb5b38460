"""Form rows to facts: key/value pairs, column blocks, indicator blocks; a form read over its pages."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from models import FORM_KINDS, BBox, Evidence, Grid, GridCell, Reading, ReviewReason, combine
from pipeline.interpret.facts import PRIMARY, DraftFact, cell_readings
from pipeline.interpret.forms.blocks import (
    ColumnBlock,
    FormState,
    HeaderColumn,
    IndicatorBlock,
    Label,
    Place,
    column_header,
    in_block,
    indicator_header,
    key_label,
    reopened,
)
from pipeline.interpret.forms.rows import CellRead, read_row, stated_unit
from pipeline.interpret.forms.vocabulary import (
    CJK,
    KEY_ROLES,
    LAYOUT_ROLES,
    MONEY_ROLES,
    Role,
    clean_text,
    indicator_name,
    subject_name,
    vocabulary,
)
from pipeline.interpret.resolve import ResolvedTable
from pipeline.text import COLUMN_LINE_TRACES, normalize, only_stray_marks, parse_decimal

_GROUP_DIGITS = 3  # digits between thousands separators
_DEFAULT_UNIT = "元"  # RECORDS.md: money in a form is in 元 unless the form says otherwise
_LEADING_COLON = re.compile(r"^[:：]\s*")


def form_facts_for_document(tables: Sequence[ResolvedTable]) -> list[DraftFact]:
    """The facts of every performance form of a document, in document order."""
    facts: list[DraftFact] = []
    for form in group_forms(tables):
        facts.extend(facts_of_form(form))
    # A value cell that held its key and a speck (项目属性。, the rule between them lost) leaves a
    # value of marks alone: nothing was printed there.
    return [f for f in facts if not only_stray_marks(f.value)]


def group_forms(tables: Sequence[ResolvedTable]) -> Iterator[list[Place]]:
    """Form tables grouped into forms: a continued table joins the form before it."""
    form: list[Place] = []
    for index, table in enumerate(tables):
        if table.kind not in FORM_KINDS:
            continue
        joins = table.continued and form and form[-1].table.kind == table.kind and form[-1].index == index - 1
        if form and not joins:
            yield form
            form = []
        form.append(Place(index, table))
    if form:
        yield form


def facts_of_form(form: Sequence[Place]) -> list[DraftFact]:
    state = FormState(unit=form[0].table.unit)
    facts: list[DraftFact] = []
    for place in form:
        state = replace(state, block=reopened(state.block))
        for row in range(place.grid.n_rows):
            state, row_facts = row_facts_of(place, row, state)
            facts.extend(row_facts)
    # Facts read before the subject (a form whose name row comes later) take the form's first subject.
    first_subject = next((f.form for f in facts if f.form), None)
    return [f if f.form else replace(f, form=first_subject) for f in facts]


def row_facts_of(place: Place, row: int, state: FormState) -> tuple[FormState, list[DraftFact]]:
    reads = read_row(place.grid, row)
    state = replace(state, unit=stated_unit(reads) or state.unit)
    header = indicator_header(reads, row)
    if header is not None:
        return replace(state, block=header), []
    columns = column_header(reads, row)
    if columns is not None:
        return replace(state, block=columns), []
    block = state.block
    if block is not None and in_block(block, row, reads):
        if isinstance(block, IndicatorBlock):
            block, facts = indicator_facts(place, row, block, state)
        else:
            block, facts = column_facts(place, row, block, reads, state)
        return replace(state, block=block), facts
    facts = pair_facts(place, row, reads, state)
    subject = next((subject_name(f.value, f.kind) for f in facts if f.labels and _is_subject(f.labels[0])),
                   None)
    if subject:
        facts = [replace(f, form=subject) for f in facts]
    return replace(state, block=None, subject=subject or state.subject), facts


def _is_subject(key: str) -> bool:
    return any(k.key == key and k.role == Role.SUBJECT for k in vocabulary())


def _covering_label(grid: Grid, row: int, col: int | None, canonical: bool) -> Label | None:
    if col is None:
        return None
    cell = grid.cell_at(row, col)
    if cell is None or not cell.text.strip():
        return None
    text = indicator_name(cell.text) if canonical else clean_text(cell.text)
    return Label(text=text, raw=cell.text, evidence=cell.evidence)


def indicator_facts(place: Place, row: int, block: IndicatorBlock,
                    state: FormState) -> tuple[IndicatorBlock, list[DraftFact]]:
    grid = place.grid
    first = _covering_label(grid, row, block.first_col, canonical=True) or block.first
    seconds: list[Label | None] = []
    facts: list[DraftFact] = []
    for i, side in enumerate(block.sides):
        second = _covering_label(grid, row, side.second_col, canonical=True) or block.seconds[i]
        seconds.append(second)
        value = grid.cell_at(row, side.value_col)
        third_cell = grid.cell_at(row, side.third_col) if side.third_col is not None else None
        if value is None or value.row != row or not value.text.strip() or value == third_cell:
            continue  # nothing printed, or a merged value already read on its first row
        third = _covering_label(grid, row, side.third_col, canonical=False)
        labels = tuple(label if label is not None else Label("", "", Evidence()) for label in (first, second, third))
        facts.append(draft(place, value, labels, side.column, clean_text(value.text), "text", None, (),
                           state.subject))
    return replace(block, first=first, seconds=tuple(seconds)), facts


def column_facts(place: Place, row: int, block: ColumnBlock, reads: Sequence[CellRead],
                 state: FormState) -> tuple[ColumnBlock, list[DraftFact]]:
    owner = block.owner
    if owner is None:
        keys = [r for r in reads if r.role in KEY_ROLES]
        owner = key_label(keys[0]) if keys else None
    labels = (owner,) if owner is not None else ()
    reasons = () if owner is not None else (ReviewReason.UNMATCHED_LABEL,)
    pieces: list[tuple[str, list[CellRead]]] = []  # per column, the value cells under it, left to right
    for read in reads:
        if not read.new or not read.text or read.role in KEY_ROLES or read.role in LAYOUT_ROLES:
            continue
        column = _column_of(block.columns, read.cell)
        if pieces and pieces[-1][0] == column:
            pieces[-1][1].append(read)  # one printed cell that the grid cut in two: one value
        else:
            pieces.append((column, [read]))
    facts = [_joined_fact(place, cells, labels, column, reasons, state) for column, cells in pieces]
    return replace(block, owner=owner), facts


def _joined_fact(place: Place, cells: Sequence[CellRead], labels: Sequence[Label], column: str,
                 reasons: tuple[str, ...], state: FormState) -> DraftFact:
    """A text fact from one value cell, or from the pieces of a printed cell the grid split."""
    text = cells[0].text + "".join(_continuing_text(c) for c in cells[1:])
    fact = draft(place, cells[0].cell, labels, column, text, "text", None, reasons, state.subject)
    if len(cells) == 1:
        return fact
    # The fact is the printed cell: its box, spans and readings cover every piece, not the first alone.
    first, last = cells[0].cell, cells[-1].cell
    page = place.table.page
    whole = BBox(min(c.cell.bbox.x0 for c in cells), min(c.cell.bbox.y0 for c in cells),
                 max(c.cell.bbox.x1 for c in cells), max(c.cell.bbox.y1 for c in cells))
    pieces = tuple(r for c in cells[1:] for r in cell_readings(c.cell, "value"))
    return replace(fact, raw="".join(c.cell.text for c in cells),
                   evidence=fact.evidence.combined(*(c.cell.evidence for c in cells)),
                   bbox=whole.scaled(1.0 / page.width, 1.0 / page.height),
                   col_span=last.col + last.col_span - first.col,
                   row_span=max(c.cell.row + c.cell.row_span for c in cells) - first.row,
                   readings=cell_readings(first, "value") + pieces + fact.readings[len(cell_readings(first, "value")):])


def _continuing_text(read: CellRead) -> str:
    """A piece of a split printed cell after its first: the mark it begins with kept (the grid's line
    fell between a word and the comma after it), where the piece is its whole cell."""
    whole = clean_text(read.cell.text, opening=False)
    return whole if clean_text(read.cell.text) == read.text else read.text


def _column_of(columns: Sequence[HeaderColumn], cell: GridCell) -> str:
    """The header over a value: the one it overlaps most, else the nearest to its left."""
    start, stop = cell.col, cell.col + cell.col_span
    best = max(columns, key=lambda c: (min(stop, c.stop) - max(start, c.start), c.start))
    if min(stop, best.stop) - max(start, best.start) > 0:
        return best.name
    left = [c for c in columns if c.start <= start]
    return (left[-1] if left else columns[0]).name


def pair_facts(place: Place, row: int, reads: Sequence[CellRead], state: FormState) -> list[DraftFact]:
    """Key/value rows: each value takes the key printed to its left on the row."""
    in_money_section = any(r.role == Role.MONEY_SECTION for r in reads)
    facts: list[DraftFact] = []
    pending: CellRead | None = None  # the key still waiting for its value
    last_value: tuple[CellRead, CellRead] | None = None  # the last (key, value) pair read on the row
    for position, read in enumerate(reads):
        if read.role in KEY_ROLES:
            # A value cut from its key's cell (所属预算单位数。1个: the rule between them lost) keeps
            # the speck or colon read between the two; the value proper begins with no mark.
            inline = _value_text(read.inline, read)
            if inline and read.new:
                facts.append(_pair_fact(place, read, read.cell, inline, in_money_section, state))
                pending = None
            else:
                pending = read
            continue
        if read.role is not None:  # layout and header words separate pairs
            pending = None
            continue
        if pending is not None and _is_key_tail(pending, read):
            continue  # the rest of the key, cut off by a line the grid drew through it: the value comes next
        if pending is not None:
            value = _value_text(_LEADING_COLON.sub("", read.text), pending)  # the key's colon read into the value cell
            if read.new and value:
                facts.append(_pair_fact(place, pending, read.cell, value, in_money_section, state))
                last_value = (pending, read)
            if value or read.cell is not pending.cell:
                pending = None  # a trace read after the key in its own cell leaves it waiting for its value
        elif last_value is not None and _is_split_tail(read, last_value[1], reads[position + 1:]):
            key, head = last_value
            facts[-1] = _joined_fact(place, (head, read), (key_label(key),), "", facts[-1].reasons, state)
            last_value = None
        elif _looks_like_unmatched_key(read, reads[position + 1:]):
            pending = read
    return facts


def _is_key_tail(key: CellRead, read: CellRead) -> bool:
    """Whether ``read`` is the end of the key's own words in a cell of its own (主管部门 | 及代码)."""
    if key.match is None or read.cell is key.cell:
        return False
    printed, canonical, tail = normalize(key.text), normalize(key.match.key), normalize(read.text)
    return len(tail) >= 2 and printed != canonical and canonical.endswith(tail) and canonical.startswith(printed)


def _value_text(text: str, key: CellRead) -> str:
    """A key's value as printed: no speck mark before it, and nothing at all where a worded key's
    "value" is a lone stroke (联系电话 | 1: a piece of the rule after it, the cell left blank)."""
    text = clean_text(text)
    if key.role not in MONEY_ROLES and text and all(ch in COLUMN_LINE_TRACES for ch in text):
        return ""
    return text


def _is_split_tail(read: CellRead, head: CellRead, rest: Sequence[CellRead]) -> bool:
    """The right part of a wide text value the grid cut apart: right after it, nothing printed after it.

    A worded cell between a value and the row's end cannot be a key with a
    value, so it is taken as the rest of the value.
    """
    return (read.new and bool(read.text) and read.cell.col == head.cell.col + head.cell.col_span
            and not any(r.text for r in rest)
            and parse_decimal(read.text) is None and parse_decimal(head.text) is None)


def _looks_like_unmatched_key(read: CellRead, rest: Sequence[CellRead]) -> bool:
    """A worded cell with no key before it and a value after it is a key the vocabulary lacks."""
    if not read.text or parse_decimal(read.text) is not None or not CJK.search(read.text):
        return False
    following = rest[0] if rest else None
    return following is not None and following.role is None and bool(following.text)


def _pair_fact(place: Place, key: CellRead, cell: GridCell, text: str, in_money_section: bool,
               state: FormState) -> DraftFact:
    matched = key.match is not None
    label = key_label(key)
    reasons: tuple[str, ...] = () if matched else (ReviewReason.UNMATCHED_LABEL,)
    if cell is key.cell and text[:1] in COLUMN_LINE_TRACES:
        # The rule between key and value was lost (one cell holds both) and its trace may be this
        # stroke (市县（区）财政资金|12,345,600 read 112,345.600): the total beside it, read out of a
        # cell merged the same way, would agree with the misreading.  No identity can clear it.
        reasons += (ReviewReason.TABLE_STRUCTURE_DOUBTFUL,)
    number = parse_decimal(text)
    money = key.role in MONEY_ROLES or (not matched and in_money_section and number is not None)
    confidence_cells = (label,)
    if not money:
        return draft(place, cell, confidence_cells, "", text, "text", None, reasons, state.subject)
    unit = state.unit or _DEFAULT_UNIT
    if number is None:
        return draft(place, cell, confidence_cells, "", normalize(text), "text", unit,
                     reasons + (ReviewReason.UNPARSEABLE_NUMBER,), state.subject)
    if number.as_tuple().exponent == -_GROUP_DIGITS:
        # No form prints an amount to the tenth of a fen: three digits after the point are a
        # thousands group whose comma was read as a point (18,600,000 read 18600.000).  Taken as
        # such, and said; an identity must confirm it (pipeline.interpret.facts) or it is reviewed.
        number = number.scaleb(_GROUP_DIGITS)
        reasons = reasons + (ReviewReason.NUMBER_FORMAT_REPAIRED,)
    return draft(place, cell, confidence_cells, "", format(number, "f"), "number", unit, reasons,
                 state.subject)


def draft(place: Place, cell: GridCell, labels: Sequence[Label], column: str, value: str, value_kind: str,
          unit: str | None, reasons: tuple[str, ...], subject: str | None) -> DraftFact:
    page = place.table.page
    return DraftFact(
        table_index=place.index,
        kind=place.table.kind,
        page=page.ref.number,
        row=cell.row,
        col=cell.col,
        code=None,
        code_source=None,
        labels=tuple(label.text for label in labels),
        raw_labels=tuple(label.raw for label in labels),
        column=column,
        value=value,
        value_kind=value_kind,
        unit=unit,
        raw=cell.text,
        evidence=combine([cell.evidence, *(label.evidence for label in labels)]),
        bbox=cell.bbox.scaled(1.0 / page.width, 1.0 / page.height),
        reasons=reasons,
        form=subject,
        row_span=cell.row_span,
        col_span=cell.col_span,
        readings=cell_readings(cell, "value") + tuple(
            Reading(part="label", engine=PRIMARY, text=label.raw, confidence=round(label.evidence.ocr_confidence, 4))
            for label in labels if label.raw),
        read_by=cell.read_by,
    )
