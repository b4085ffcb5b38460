"""What a read grid means: header rows, column paths, and which columns hold labels, codes, values.

Header rows are the leading rows covered by the first row's merged cells,
plus following rows whose every cell is a known column-header word (or a
column-number row such as 1 2 3 …).  Body columns are typed by what their
cells hold; label and code columns open a column group, value columns join
the group to their left (side-by-side tables such as 预算收支总表 get two).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

from rapidfuzz import fuzz, process

from models import Grid, GridCell
from pipeline.code_syntax import FUNCTIONAL_CODE, is_code
from pipeline.text import COLUMN_LINE_TRACES, RULE_TRACES, confusion_key, normalize, parse_decimal, strip_enumeration, strip_stray_marks

_YEAR_HEADER = re.compile(r"^(\d{4})(年?)(合计|预算数|财政拨款)?$")
# Header terms whose column holds row labels (names), not amounts.
_LABEL_HEADERS = frozenset(
    {"项目", "科目名称", "项目名称", "单位名称", "部门预算支出经济科目名称", "政府预算支出经济科目名称", "一级目录", "二级目录", "三级目录"}
)
_CODE_HEADERS = frozenset({"科目编码", "收入科目编码", "代码"})
_VALUE_HEADERS = frozenset({
    "合计", "小计", "金额", "一般公共预算", "政府性基金", "政府性基金预算", "国有资本经营预算", "财政专户管理资金",
    "单位资金", "基本支出", "项目支出", "人员经费", "公用经费", "当年预算安排", "上年结转安排", "上年结转",
    "政府性基金收入预算", "国有资本经营收入预算",
})
_TOTAL_LABELS = ("合计", "总计", "部门合计")
_HEADER_MATCH_SCORE = 88.0
_NUMBER_RUN = "".join(str(n) for n in range(1, 40))
# Captions printed in a column-number row over the label and code columns.
_NUMBER_CAPTION = re.compile(r"栏次|行次|栏|次|项目")
# Letters a recogniser returns for a lone digit.
_DIGIT_CONFUSIONS = str.maketrans({"l": "1", "I": "1", "|": "1", "O": "0", "o": "0"})


@dataclass(frozen=True, slots=True)
class ColumnGroup:
    label_cols: tuple[int, ...]
    code_col: int | None
    value_cols: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TableLayout:
    header_rows: int
    number_rows: tuple[int, ...]
    column_paths: tuple[str, ...]  # one per grid column, canonical spelling
    groups: tuple[ColumnGroup, ...]
    header_signature: str  # the header rows' text, to recognise a repeated header on the next page


@cache
def header_vocabulary() -> tuple[str, ...]:
    with resources.files("pipeline.data").joinpath("column_headers.csv").open(encoding="utf-8") as handle:
        return tuple(row["term"] for row in csv.DictReader(handle) if "{year}" not in row["term"])


@cache
def _header_choices() -> tuple[str, ...]:
    return tuple(confusion_key(term) for term in header_vocabulary())


def canonical_header(text: str) -> tuple[str, float]:
    """The canonical spelling of a column-header cell and the match score (0..100).

    Enumerated text (二十二、国有资本经营预算支出) is a row label, never a header.  A speck read
    as a mark at either end (小计。) is not part of it.
    """
    key = strip_stray_marks(normalize(text))
    if not key:
        return "", 100.0
    if strip_enumeration(key) != key:
        return key, 0.0
    if _YEAR_HEADER.match(key):
        return key, 100.0
    match = process.extractOne(confusion_key(key), _header_choices(), scorer=fuzz.ratio)
    if match:
        match = (header_vocabulary()[match[2]], match[1], match[2])
    if match and match[1] >= _HEADER_MATCH_SCORE:
        return match[0], float(match[1])
    # Short words: one damaged character of four already costs 25 points (项自 for 项目).
    if match and len(key) == len(match[0]) <= 8 and _one_substitution(key, match[0]):
        return match[0], _HEADER_MATCH_SCORE
    return key, 0.0


def _one_substitution(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1


def is_amount(text: str) -> bool:
    return parse_decimal(text) is not None


def _row_cells(grid: Grid, row: int) -> list[GridCell]:
    return [cell for cell in grid.cells if cell.row == row]


def _is_number_row(cells: list[GridCell]) -> bool:
    """A row of column numbers (1 2 3 …), with captions such as 栏次 over the label columns.

    The numbers run 1 2 3 … (or from 2 when the label column is unnumbered), continuing or
    starting again at 1 after a caption (side-by-side tables number each side); a lost line
    between two cells joins them ("45"), which still reads as part of the run.  Letters a
    recogniser returns for a lone digit (l, I, |, O) count as that digit.
    """
    runs: list[str] = [""]
    for cell in sorted(cells, key=lambda c: c.col):
        # A speck or a rule's trace beside a caption or a number (-栏次, 3.) is not part of it.
        text = strip_stray_marks(normalize(cell.text)).strip(RULE_TRACES).translate(_DIGIT_CONFUSIONS)
        if not text:
            continue
        if text.isdigit() and len(text) <= 4:
            runs[-1] += text
        elif _NUMBER_CAPTION.fullmatch(text):
            runs.append("")  # a caption over label columns; the numbers may start again after it
        else:
            return False
    runs = [run for run in runs if run]
    if sum(len(run) for run in runs) < 2:
        return False
    joined = "".join(runs)
    if joined in _NUMBER_RUN and joined[0] in "12":
        return True
    return all(run in _NUMBER_RUN and run[0] == "1" for run in runs)


def _has_body_evidence(cells: list[GridCell]) -> bool:
    """Amounts, codes, or a total label in the first column: this row is data, not header."""
    for cell in cells:
        text = cell.text
        if not text.strip():
            continue
        if is_amount(text) or is_code(text):
            return True
        if cell.col == 0 and normalize(text) in _TOTAL_LABELS:
            return True
    return False


# Amounts as the national format prints them: two decimals (1,272.82, 0.00).
_PRINTED_AMOUNT = re.compile(r"^[+-]?\d{1,3}(?:,?\d{3})*\.\d{2}$")


def _is_plain_data(cells: list[GridCell]) -> bool:
    """A row that can only be data, whatever the header's words: an amount printed with two
    decimals, a 科目 code in the first column, or a total or enumerated label there.  Stricter than
    _has_body_evidence: a garbled header cell reading 121 or N11 is no amount and no code."""
    for cell in cells:
        key = normalize(cell.text)
        if not key:
            continue
        if _PRINTED_AMOUNT.match(key):
            return True
        if cell.col == 0 and (FUNCTIONAL_CODE.match(key) or key in _TOTAL_LABELS or strip_enumeration(key) != key):
            return True
    return False


def rows_before_data(grid: Grid, limit: int) -> int:
    """How many leading rows hold no plain data (at most ``limit``): the header of a table whose
    kind is known, where the header's own words could not be read."""
    for row in range(min(limit, grid.n_rows)):
        if _is_plain_data(_row_cells(grid, row)):
            return row
    return min(limit, grid.n_rows)


def _all_known_headers(cells: list[GridCell]) -> bool:
    texts = [c.text for c in cells if c.text.strip()]
    return bool(texts) and all(canonical_header(t)[1] >= _HEADER_MATCH_SCORE for t in texts)


def find_header_rows(grid: Grid) -> tuple[int, tuple[int, ...]]:
    """(number of header rows, the indices among them that are column-number rows).

    The first row is header unless it holds data.  A following row is header
    when a header cell above still covers it (rowspan), when the row above has
    a cell spanning several columns (whose sub-headers this row must hold), or
    when all its words are known column headers; never when it holds data.
    """
    header_rows = 0
    covered_until = 0
    number_rows: list[int] = []
    above_has_colspan = False
    for row in range(grid.n_rows):
        cells = _row_cells(grid, row)
        if _is_number_row(cells):
            number_rows.append(row)
        elif _has_body_evidence(cells) or not any(c.text.strip() for c in cells) and row >= covered_until:
            break
        elif not (row == 0 or row < covered_until or above_has_colspan or _all_known_headers(cells)):
            break
        header_rows = row + 1
        covered_until = max([covered_until] + [c.row + c.row_span for c in cells])
        above_has_colspan = any(c.col_span > 1 for c in cells)
    return header_rows, tuple(number_rows)


def column_paths(grid: Grid, header_rows: int, number_rows: tuple[int, ...]) -> tuple[str, ...]:
    paths = []
    for col in range(grid.n_cols):
        levels: list[str] = []
        for cell in sorted((c for c in grid.cells if c.row < header_rows and c.row not in number_rows
                            and c.col <= col < c.col + c.col_span), key=lambda c: c.row):
            text = _header_over(cell, col)
            if text and (not levels or levels[-1] != text):
                levels.append(text)
        paths.append("/".join(levels))
    return tuple(paths)


# What a lost column line leaves between the two headers it separated: a trace read as a stroke.
_LINE_TRACE = frozenset(COLUMN_LINE_TRACES)


def _header_over(cell: GridCell, col: int) -> str:
    """The canonical header a cell gives grid column ``col``.

    A header cell the grid merged across a column line lost in the scan (合计|一般公共预算
    read as one cell: 合计1一般公共预算) matches no header whole; when its text is two known
    headers side by side, each column under it gets its own.
    """
    text, score = canonical_header(cell.text)
    if score > 0 or cell.col_span != 2:
        return text
    pieces = _two_headers(normalize(cell.text))
    return pieces[col - cell.col] if pieces else text


def _two_headers(key: str) -> tuple[str, str] | None:
    # The cell's own borders leave traces too, at either end.
    key = key.strip("".join(_LINE_TRACE))
    for cut in range(2, len(key) - 1):
        left, right = key[:cut], key[cut:]
        if left[-1] in _LINE_TRACE:
            left = left[:-1]
        elif right[0] in _LINE_TRACE:
            right = right[1:]
        (first, first_score), (second, second_score) = canonical_header(left), canonical_header(right)
        if min(first_score, second_score) >= _HEADER_MATCH_SCORE:
            return first, second
    return None


def _column_role(grid: Grid, col: int, header_rows: int, path: str) -> str:
    body = [c.text for c in grid.cells if c.col == col and c.row >= header_rows and c.text.strip()]
    leaf = path.rsplit("/", 1)[-1]
    if leaf in _CODE_HEADERS:
        return "code"
    if leaf in _LABEL_HEADERS and not body:
        return "label"
    if not body:
        return "value"
    if leaf in _VALUE_HEADERS and sum(1 for t in body if is_amount(t)) >= 0.3 * len(body):
        # A known amount column keeps its role when OCR damaged some of its numbers.
        return "value"
    codes = sum(1 for t in body if is_code(t))
    amounts = sum(1 for t in body if is_amount(t) and not is_code(t))
    if codes >= 0.6 * len(body):
        return "code"
    if amounts >= 0.6 * len(body) or (amounts + codes >= 0.6 * len(body) and leaf not in _LABEL_HEADERS):
        return "value"
    return "label"


def column_groups(grid: Grid, header_rows: int, paths: tuple[str, ...]) -> tuple[ColumnGroup, ...]:
    groups: list[ColumnGroup] = []
    labels: list[int] = []
    code: int | None = None
    values: list[int] = []
    for col in range(grid.n_cols):
        role = _column_role(grid, col, header_rows, paths[col])
        if role in ("label", "code") and values:
            groups.append(ColumnGroup(tuple(labels), code, tuple(values)))
            labels, code, values = [], None, []
        if role == "label":
            labels.append(col)
        elif role == "code":
            code = col if code is None else code
            if code != col:
                labels.append(col)
        else:
            values.append(col)
    if labels or values:
        groups.append(ColumnGroup(tuple(labels), code, tuple(values)))
    return tuple(groups)


def relaid(grid: Grid, layout: TableLayout, paths: tuple[str, ...]) -> TableLayout:
    """The layout with other column paths, its column groups worked out again from them."""
    return replace(layout, column_paths=paths, groups=column_groups(grid, layout.header_rows, paths))


def with_header_rows(grid: Grid, header_rows: int) -> TableLayout:
    """The layout of the grid with this many header rows (a column-number row among them found as usual)."""
    number_rows = tuple(r for r in range(header_rows) if _is_number_row(_row_cells(grid, r)))
    paths = column_paths(grid, header_rows, number_rows)
    signature = "|".join(normalize(c.text) for c in grid.cells if c.row < header_rows and c.row not in number_rows)
    return TableLayout(header_rows=header_rows, number_rows=number_rows, column_paths=paths,
                       groups=column_groups(grid, header_rows, paths), header_signature=signature)


def analyse(grid: Grid) -> TableLayout:
    header_rows, number_rows = find_header_rows(grid)
    paths = column_paths(grid, header_rows, number_rows)
    signature = "|".join(normalize(c.text) for c in grid.cells if c.row < header_rows and c.row not in number_rows)
    return TableLayout(
        header_rows=header_rows,
        number_rows=number_rows,
        column_paths=paths,
        groups=column_groups(grid, header_rows, paths),
        header_signature=signature,
    )
