"""Performance-target forms (绩效目标表) to facts.

A form is not a ledger: it has no column header, and its grid mixes four kinds
of rows, told apart by the printed words in them (matched to the vocabulary in
``data/form_keys.csv``, so OCR damage such as 安全总额 for 资金总额 still reads):

* key/value rows: ``key | value | key | value`` (部门名称, 实施期资金总额 …);
  the fact is ``labels = [key]``, ``column = ""``.  Merged cells are read through
  the cell that covers the slot, so a key merged down over several rows still
  names the values beside it, and a value merged down is read once.
* a key followed by column headers (总体目标 | 实施期目标 | 年度目标, or
  年度重点工作 | 核心职能 | 重点工作): the rows under it give ``labels = [key]``
  and ``column`` = the header above the value.
* an indicator header (一级指标 | 二级指标 | 三级指标 | 指标值 [| 二级 | 三级 | 指标值]):
  the rows under it give ``labels = [一级, 二级, 三级]`` and ``column`` 指标值, or
  ``实施期/指标值`` and ``年度/指标值`` when the form prints both periods.
* layout rows (section labels, sub-headers) that give no fact of their own but
  may state the money unit (资金总额（万元）, 项目资金（元）).

A form can run over several pages: its continuation is another ResolvedTable
with ``continued=True``.  Forms are therefore read over the whole document,
with the open block (indicator or column block), the unit and the subject
carried from page to page.  Every fact carries the form's subject: its
项目名称, or the 部门名称 of the 整体 form without a leading code (029-).
Whether its money adds up is checked with every other table's arithmetic, by
pipeline.check.validate.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from importlib import resources

from rapidfuzz import fuzz, process

from models import FORM_KINDS, Evidence, Grid, GridCell, ReviewReason, TableKind, combine
from pipeline.interpret.facts import DraftFact
from pipeline.interpret.resolve import ResolvedTable
from pipeline.text import confusion_key, normalize, parse_decimal, strip_enumeration

# rapidfuzz ratio (0..100) a cell needs to count as a vocabulary key.  Low enough
# for two damaged characters in a seven-character key (实施期安全总额 scores 71
# against 实施期资金总额), high enough that form values (names, goals, "6人")
# stay values: the vocabulary is small and its words are distinctive.
KEY_SCORE = 70.0
# Indicator names (产出指标, 社会效益 …) are only respelt when the match is this
# close and no other name comes within _NAME_MARGIN: 社会效益 and 社会效益指标
# are both real names, and a guess between them would invent text.
NAME_SCORE = 85.0
_NAME_MARGIN = 4.0
# Cells longer than this (after normalising) are values: no key is half as long.
_MAX_KEY_CHARS = 24
# A key found inside a cell splits it only when the cell is this short and the key this long:
# in prose, 项目支出 or 合计 are words of a sentence, not a lost ruling line.
_MAX_SPLIT_CHARS = 40
_MIN_EMBEDDED = 3
_DEFAULT_UNIT = "元"  # RECORDS.md: money in a form is in 元 unless the form says otherwise

_CJK = re.compile(r"[\u3400-\u9fff]")
_STATED_UNIT = re.compile(r"(?:\((万元|千元|亿元|元)\)|单位:?(万元|千元|亿元|元))")
# A subject printed with its code (029-山阴县商务局（部门）): the code is not part of the name.
_CODE_PREFIX = re.compile(r"^\s*\d+\s*[-－—–_]\s*")
_INLINE_SPLIT = re.compile(r"[:：]")
_LEADING_COLON = re.compile(r"^[:：]\s*")
_SPACE_NEXT_TO_WIDE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
_SPACES = re.compile(r"\s+")


class Role(StrEnum):
    """What a vocabulary word does in a form (column ``role`` of form_keys.csv)."""

    SUBJECT = "subject"  # a key whose value names the form
    TEXT = "text"  # a key with a text value
    MONEY = "money"  # a key with an amount
    MONEY_TOTAL = "money_total"  # a key whose amount is the sum of the amounts listed under it
    SECTION = "section"  # a group label merged down the left edge; no fact
    MONEY_SECTION = "money_section"  # a group label over amounts (项目资金（元）)
    SUBHEADER = "subheader"  # a header over key/value pairs (按资金来源划分); no fact
    COLUMN = "column"  # a header naming the values of the key on its left (实施期目标)
    INDICATOR_FIRST = "indicator_first"
    INDICATOR_SECOND = "indicator_second"
    INDICATOR_THIRD = "indicator_third"
    INDICATOR_VALUE = "indicator_value"
    INDICATOR_NAME = "indicator_name"  # a printed 一级/二级 indicator (产出指标)


MONEY_ROLES = frozenset({Role.MONEY, Role.MONEY_TOTAL})
KEY_ROLES = frozenset({Role.SUBJECT, Role.TEXT}) | MONEY_ROLES
LAYOUT_ROLES = frozenset({Role.SECTION, Role.MONEY_SECTION, Role.SUBHEADER})
INDICATOR_HEADERS = frozenset({Role.INDICATOR_FIRST, Role.INDICATOR_SECOND, Role.INDICATOR_THIRD,
                               Role.INDICATOR_VALUE})
# A row holding one of these starts something new: it ends a block that has no known extent.
BLOCK_ENDING_ROLES = KEY_ROLES | LAYOUT_ROLES
# Two printed indicator blocks are the 实施期 block and the 年度 block, in that order.
_PERIODS = ("实施期", "年度")


# --- vocabulary -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FormKey:
    key: str  # canonical spelling, as emitted in labels
    role: Role


@dataclass(frozen=True, slots=True)
class KeyMatch:
    key: str
    role: Role
    score: float


@cache
def vocabulary() -> tuple[FormKey, ...]:
    with resources.files("pipeline.data").joinpath("form_keys.csv").open(encoding="utf-8") as handle:
        return tuple(FormKey(row["key"], Role(row["role"])) for row in csv.DictReader(handle))


@cache
def _choices(names_only: bool) -> dict[str, FormKey]:
    """Comparison key -> vocabulary entry: every word, or only the indicator names.

    Cells are matched against every word so that a printed indicator name
    (效益指标) is recognised as itself and not as the nearest key (绩效指标).
    """
    return {key_text(k.key): k for k in vocabulary() if not names_only or k.role == Role.INDICATOR_NAME}


def key_text(text: str) -> str:
    """The comparison key of a key cell: normalised, no enumeration, no trailing colon, no 其中 prefix."""
    key = strip_enumeration(confusion_key(text)).rstrip(":").strip()
    for prefix in ("其中:", "其中"):
        key = key.removeprefix(prefix)
    return key


def match_key(text: str) -> KeyMatch | None:
    """The vocabulary word a cell prints, or None when it prints a value."""
    key = key_text(text)
    if not key or len(key) > _MAX_KEY_CHARS or not _CJK.search(key) or parse_decimal(text) is not None:
        return None
    choices = _choices(False)
    found = process.extractOne(key, list(choices), scorer=fuzz.ratio)
    if found is None or found[1] < KEY_SCORE:
        return None
    entry = choices[found[0]]
    return KeyMatch(entry.key, entry.role, float(found[1]))


def indicator_name(text: str) -> str:
    """A printed 一级/二级 indicator in its canonical spelling when the match is unambiguous."""
    key = key_text(text)
    choices = _choices(True)
    found = process.extract(key, list(choices), scorer=fuzz.ratio, limit=2)
    if not found or found[0][1] < NAME_SCORE:
        # A name merged with a neighbour's text (产出指标绩效指, a lost ruling line): the longest name inside.
        inside = [name for name in choices if name in key]
        return choices[max(inside, key=len)].key if inside else clean_text(text)
    if len(found) > 1 and found[0][1] < 100 and found[0][1] - found[1][1] < _NAME_MARGIN:
        return clean_text(text)
    return choices[found[0][0]].key


def clean_text(text: str) -> str:
    """Printed text without the spaces OCR puts between wrapped Chinese lines."""
    return _SPACES.sub(" ", _SPACE_NEXT_TO_WIDE.sub("", text.strip()))


def subject_name(value: str, kind: TableKind) -> str:
    """The form subject: the 项目名称 as printed, or the 部门名称 without its code (029-).

    Only the 整体 form prints a code before the name; a project may well be
    called 2024-2026年… and keeps its name whole.
    """
    if kind == TableKind.PERFORMANCE_OVERALL:
        return _CODE_PREFIX.sub("", value, count=1)
    return value


# --- cells of a row ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CellRead:
    cell: GridCell
    new: bool  # the cell starts on this row; a merged cell gives its facts once, on its first row
    text: str  # cleaned text
    match: KeyMatch | None
    inline: str  # a value printed in the key's own cell (填报日期：20250515), else ""
    col: int  # the grid column this reading stands for (a cell read as several words spreads over its span)

    @property
    def role(self) -> Role | None:
        return self.match.role if self.match else None


def row_cells(grid: Grid, row: int) -> list[GridCell]:
    """The distinct cells covering a grid row, left to right."""
    cells: list[GridCell] = []
    for col in range(grid.n_cols):
        cell = grid.cell_at(row, col)
        if cell is not None and (not cells or cells[-1] != cell):
            cells.append(cell)
    return cells


def read_cell(cell: GridCell, row: int) -> list[CellRead]:
    """One reading per word of the cell: usually one; several when a ruling line was lost
    and the grid merged a key with its value (项目名称山阴县…) or two headers (三级指标指标值)."""
    text = clean_text(cell.text)
    match = match_key(text)
    new = cell.row == row
    if match is None or match.score < 100:
        pieces = embedded_words(text)
        if len(pieces) > 1:
            return [CellRead(cell=cell, new=new, text=piece, match=found, inline="",
                             col=cell.col + min(i, cell.col_span - 1))
                    for i, (piece, found) in enumerate(pieces)]
    inline = ""
    if match is None:
        head, sep, tail = _split_inline(text)
        head_match = match_key(head) if sep and tail else None
        if head_match is not None and head_match.role in KEY_ROLES:
            match, inline = head_match, tail
    return [CellRead(cell=cell, new=new, text=text, match=match, inline=inline, col=cell.col)]


def embedded_words(text: str) -> list[tuple[str, KeyMatch | None]]:
    """A short cell cut at every vocabulary key or header printed whole inside it.

    Only exact words of at least _MIN_EMBEDDED characters, and only in short
    cells: in long prose a key word is more likely part of a sentence.
    """
    plain = _SPACES.sub("", text)
    if len(plain) > _MAX_SPLIT_CHARS or len(normalize(plain)) != len(plain):
        return [(text, None)]
    key = normalize(plain)
    found = _first_embedded(key)
    if found is None:
        return [(text, None)]
    start, word = found
    before, after = plain[:start], plain[start + len(word.key):]
    pieces: list[tuple[str, KeyMatch | None]] = [(before, None)] if before else []
    pieces.append((plain[start:start + len(word.key)], KeyMatch(word.key, word.role, 100.0)))
    if after:
        rest = match_key(after)
        pieces += [(after, rest)] if rest is not None and rest.score == 100 else embedded_words(after)
    return pieces


def _first_embedded(key: str) -> tuple[int, FormKey] | None:
    """The leftmost (then longest) splittable vocabulary word inside a normalised text."""
    hits = [(key.find(word), -len(k.key), k) for word, k in _splittable().items() if word in key]
    if not hits:
        return None
    start, _, entry = min(hits, key=lambda h: (h[0], h[1]))
    return start, entry


@cache
def _splittable() -> dict[str, FormKey]:
    return {normalize(k.key): k for k in vocabulary()
            if (k.role in KEY_ROLES or k.role in INDICATOR_HEADERS) and len(k.key) >= _MIN_EMBEDDED}


def _split_inline(text: str) -> tuple[str, str, str]:
    parts = _INLINE_SPLIT.split(text, maxsplit=1)
    if len(parts) < 2:
        return text, "", ""
    return parts[0], ":", parts[1].strip()


def read_row(grid: Grid, row: int) -> list[CellRead]:
    return [read for cell in row_cells(grid, row) for read in read_cell(cell, row)]


def stated_unit(reads: Sequence[CellRead]) -> str | None:
    """A unit a header cell states: 资金总额（万元）, 项目资金（元）, 单位：万元."""
    for read in reads:
        found = _STATED_UNIT.search(normalize(read.text))
        if found:
            return found.group(1) or found.group(2)
    return None


# --- blocks -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Label:
    text: str  # canonical
    raw: str  # as OCR read it
    evidence: Evidence  # of the cell it was read from


@dataclass(frozen=True, slots=True)
class IndicatorSide:
    second_col: int | None
    third_col: int | None
    value_col: int
    column: str  # the fact column: 指标值, 实施期/指标值, 年度/指标值


@dataclass(frozen=True, slots=True)
class IndicatorBlock:
    first_col: int | None
    sides: tuple[IndicatorSide, ...]
    last_row: int | None  # the last grid row of the block; None: until a row starts something new
    first: Label | None = None  # carried down when OCR lost a merge (the slot reads empty)
    seconds: tuple[Label | None, ...] = ()


@dataclass(frozen=True, slots=True)
class HeaderColumn:
    start: int
    stop: int  # exclusive
    name: str


@dataclass(frozen=True, slots=True)
class ColumnBlock:
    owner: Label | None  # the key the values belong to (总体目标); None until a row prints it
    columns: tuple[HeaderColumn, ...]
    last_row: int | None


Block = IndicatorBlock | ColumnBlock


@dataclass(frozen=True, slots=True)
class FormState:
    block: Block | None = None
    unit: str | None = None
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """The table being read: its position in the document and the table."""

    index: int
    table: ResolvedTable

    @property
    def grid(self) -> Grid:
        return self.table.table.grid


def indicator_header(reads: Sequence[CellRead], row: int) -> IndicatorBlock | None:
    """An indicator header row: at least three of 一级/二级/三级指标 and 指标值 among its new cells."""
    heads = [r for r in reads if r.new and r.role in INDICATOR_HEADERS]
    if len(heads) < 3 or not any(h.role == Role.INDICATOR_VALUE for h in heads):
        return None
    # 一级指标 merged with the block label's column (a lost ruling line) names the right-hand column:
    # the block label sits at the left edge.
    first_col = next((h.col + (h.cell.col_span - 1 if h.col == h.cell.col else 0) for h in heads
                      if h.role == Role.INDICATOR_FIRST), None)
    pending: tuple[int | None, int | None] = (None, None)
    sides: list[tuple[int | None, int | None, int, str]] = []
    for head in heads:
        if head.role == Role.INDICATOR_SECOND:
            pending = (head.col, pending[1])
        elif head.role == Role.INDICATOR_THIRD:
            pending = (pending[0], head.col)
        elif head.role == Role.INDICATOR_VALUE:
            # A side printed without its own 二级 column shares the first side's.
            second = pending[0] if pending[0] is not None else (sides[0][0] if sides else None)
            sides.append((second, pending[1], head.col, head.text))
            pending = (None, None)
    return IndicatorBlock(
        first_col=first_col,
        sides=tuple(IndicatorSide(s, t, v, _side_column(text, i, len(sides))) for i, (s, t, v, text)
                    in enumerate(sides)),
        last_row=_label_extent(reads, min(h.col for h in heads), row),
        seconds=tuple(None for _ in sides),
    )


def _side_column(header: str, position: int, n_sides: int) -> str:
    """指标值 for a single block; 实施期/指标值 and 年度/指标值 when both periods are printed."""
    key = normalize(header)
    named = next((p for p in _PERIODS if p in key), None)
    if named is None and n_sides > 1:
        named = _PERIODS[position] if position < len(_PERIODS) else str(position + 1)
    return f"{named}/指标值" if named else "指标值"


def _label_extent(reads: Sequence[CellRead], first_header_col: int, row: int) -> int | None:
    """The last row of a block whose group label is merged down the left (绩效指标, rowspan n)."""
    for read in reads:
        cell = read.cell
        if cell.col < first_header_col and cell.row == row and cell.row_span > 1:
            return row + cell.row_span - 1
    return None


def column_header(reads: Sequence[CellRead], row: int) -> ColumnBlock | None:
    """A key followed by column headers (总体目标 | 实施期目标 | 年度目标)."""
    heads = [r for r in reads if r.new and r.role == Role.COLUMN]
    if not heads:
        return None
    others = [r for r in reads if r.new and r.text and r.role != Role.COLUMN and r.role not in KEY_ROLES
              and r.role not in LAYOUT_ROLES]
    if others:  # a row that also prints values is a value row that happens to hold a header word
        return None
    owners = [r for r in reads if r.role in KEY_ROLES and r.cell.col < heads[0].cell.col]
    owner = owners[-1] if owners else None
    last_row = None
    if owner is not None and owner.cell.row_span > 1:
        last_row = owner.cell.row + owner.cell.row_span - 1
    return ColumnBlock(
        owner=_key_label(owner) if owner is not None else None,
        columns=tuple(HeaderColumn(h.cell.col, h.cell.col + h.cell.col_span, h.match.key)
                      for h in heads if h.match is not None),
        last_row=last_row,
    )


def _key_label(read: CellRead) -> Label:
    key = read.match.key if read.match is not None else read.text
    return Label(text=key, raw=read.cell.text, evidence=read.cell.evidence)


def in_block(block: Block, row: int, reads: Sequence[CellRead]) -> bool:
    """Whether a row belongs to the open block: inside its merged label, or it starts nothing new.

    Past the merged label the block goes on while no key is printed: OCR
    sometimes cuts a tall merged label in two (绩效指 | 标), which ends the
    extent early although the indicator rows go on.
    """
    if block.last_row is not None and row <= block.last_row:
        return True
    if isinstance(block, ColumnBlock) and block.owner is None and any(r.role in KEY_ROLES for r in reads):
        return True  # headers printed above their key (总体目标 read on the row below them)
    return not any(r.new and r.role in BLOCK_ENDING_ROLES and not _left_of(r, block) for r in reads)


def _left_of(read: CellRead, block: Block) -> bool:
    """A cell left of the indicator columns: the block's own label (绩效指标) cut by OCR, not a new row kind."""
    return (isinstance(block, IndicatorBlock) and block.first_col is not None
            and read.cell.col + read.cell.col_span <= block.first_col)


def reopened(block: Block | None) -> Block | None:
    """A block carried onto the next page: row numbers restart, so its extent is unknown there."""
    return None if block is None else replace(block, last_row=None)


# --- facts ------------------------------------------------------------------


def form_facts_for_document(tables: Sequence[ResolvedTable]) -> list[DraftFact]:
    """The facts of every performance form of a document, in document order."""
    facts: list[DraftFact] = []
    for form in group_forms(tables):
        facts.extend(facts_of_form(form))
    return facts


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
        owner = _key_label(keys[0]) if keys else None
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
    fact = draft(place, cells[0].cell, labels, column, "".join(c.text for c in cells), "text", None, reasons,
                 state.subject)
    if len(cells) == 1:
        return fact
    return replace(fact, raw="".join(c.cell.text for c in cells),
                   evidence=fact.evidence.combined(*(c.cell.evidence for c in cells)))


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
            if read.inline and read.new:
                facts.append(_pair_fact(place, read, read.cell, read.inline, in_money_section, state))
                pending = None
            else:
                pending = read
            continue
        if read.role is not None:  # layout and header words separate pairs
            pending = None
            continue
        if pending is not None:
            value = _LEADING_COLON.sub("", read.text)  # the key's colon read into the value cell
            if read.new and value:
                facts.append(_pair_fact(place, pending, read.cell, value, in_money_section, state))
                last_value = (pending, read)
            pending = None
        elif last_value is not None and _is_split_tail(read, last_value[1], reads[position + 1:]):
            key, head = last_value
            facts[-1] = _joined_fact(place, (head, read), (_key_label(key),), "", facts[-1].reasons, state)
            last_value = None
        elif _looks_like_unmatched_key(read, reads[position + 1:]):
            pending = read
    return facts


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
    if not read.text or parse_decimal(read.text) is not None or not _CJK.search(read.text):
        return False
    following = rest[0] if rest else None
    return following is not None and following.role is None and bool(following.text)


def _pair_fact(place: Place, key: CellRead, cell: GridCell, text: str, in_money_section: bool,
               state: FormState) -> DraftFact:
    matched = key.match is not None
    label = _key_label(key)
    reasons: tuple[str, ...] = () if matched else (ReviewReason.UNMATCHED_LABEL,)
    number = parse_decimal(text)
    money = key.role in MONEY_ROLES or (not matched and in_money_section and number is not None)
    confidence_cells = (label,)
    if not money:
        return draft(place, cell, confidence_cells, "", text, "text", None, reasons, state.subject)
    unit = state.unit or _DEFAULT_UNIT
    if number is None:
        return draft(place, cell, confidence_cells, "", normalize(text), "text", unit,
                     reasons + (ReviewReason.UNPARSEABLE_NUMBER,), state.subject)
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
    )
