"""Blocks of form rows that share a header: indicator blocks (一级/二级/三级指标 | 指标值) and column blocks
(总体目标 | 实施期目标 | 年度目标), and the state carried from row to row and page to page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from models import Evidence, Grid
from pipeline.interpret.forms.rows import CellRead
from pipeline.interpret.forms.vocabulary import (
    BLOCK_ENDING_ROLES,
    INDICATOR_HEADERS,
    KEY_ROLES,
    LAYOUT_ROLES,
    Role,
)
from pipeline.interpret.resolve import ResolvedTable
from pipeline.text import normalize

# Two printed indicator blocks are the 实施期 block and the 年度 block, in that order.
_PERIODS = ("实施期", "年度")


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
        owner=key_label(owner) if owner is not None else None,
        columns=tuple(HeaderColumn(h.cell.col, h.cell.col + h.cell.col_span, h.match.key)
                      for h in heads if h.match is not None),
        last_row=last_row,
    )


def key_label(read: CellRead) -> Label:
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
