"""The cells of one form row, each read as a vocabulary word, a value, or several words a lost ruling
line merged into one cell."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from models import Grid, GridCell
from pipeline.interpret.forms.vocabulary import (
    INDICATOR_HEADERS,
    KEY_ROLES,
    SPACES,
    FormKey,
    KeyMatch,
    Role,
    clean_text,
    match_key,
    vocabulary,
)
from pipeline.text import normalize

# A key found inside a cell splits it only when the cell is this short and the key this long:
# in prose, 项目支出 or 合计 are words of a sentence, not a lost ruling line.
_MAX_SPLIT_CHARS = 40
_MIN_EMBEDDED = 3
_STATED_UNIT = re.compile(r"(?:\((万元|千元|亿元|元)\)|单位:?(万元|千元|亿元|元))")
_INLINE_SPLIT = re.compile(r"[:：]")


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
    plain = SPACES.sub("", text)
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
