"""Arithmetic the documents must obey, checked in exact decimals; the one wrong cell corrected.

Identities come from the tables' own structure, never from a sample:

* row identities: a column whose header ends in 合计 (or is 小计) equals the sum
  of the other amount columns under the same parent header;
* hierarchy: a 类 row equals the sum of its 款 rows, a 款 row the sum of its 项
  rows (by code prefix), and a 合计 row the sum of the 类 rows, per column;
* summaries: 本年收入合计 / 本年支出合计 equal the enumerated rows above them;
* across tables: the same class in 预算收支总表 and 预算支出总表; 基本支出 of the
  分经济科目表 and of the 支出总表; 项目支出预算表 totals and the 项目支出 column;
  三公 rows and the economic rows 公务接待费 / 公务用车运行维护费;
* forms: a total (合计, 实施期资金总额) equals the amounts printed under it in its
  column, and two printings of one total in a form are equal.

A failing identity marks its cells for review.  Failures that share a cell are
looked at together: when they pin one cell and exactly one OCR-plausible reading
of it (one digit changed, a decimal point lost or added, a rule's trace read as a 1) satisfies every identity
it takes part in, the cell is corrected (``raw`` kept, reason
``corrected_by_arithmetic``).  Failures elsewhere in the document do not stand
in the way.  A difference of exactly one
cent with every cell read confidently is the document's own rounding: flagged
``rounding_difference``, never "fixed".
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from models import FORM_KINDS, SIDE_BY_SIDE_KINDS, BrokenIdentity, ReviewReason, TableKind
from pipeline.interpret.columns import column_key, column_year
from pipeline.interpret.facts import DraftFact
from pipeline.interpret.forms import Role, vocabulary as form_vocabulary
from pipeline.text import normalize, strip_enumeration

log = logging.getLogger(__name__)

CellId = tuple[int, int, int]  # (table_index, row, col)
_CENT = Decimal("0.01")
# OCR confidence above which a one-cent difference is taken for the document's rounding.
_CONFIDENT_OCR = 0.9
_TOTAL_LABELS = ("合计", "总计")


@dataclass(frozen=True, slots=True)
class Identity:
    total: tuple[CellId, ...]  # cells summed on the left (usually one)
    parts: tuple[CellId, ...]  # cells summed on the right
    reason: ReviewReason  # row_sum_mismatch | hierarchy_sum_mismatch | cross_table_mismatch


@dataclass(frozen=True, slots=True)
class Outcome:
    drafts: list[DraftFact]
    identities_checked: int
    identities_failed: int
    corrections: int


def validate(drafts: list[DraftFact], logical_table: dict[int, int]) -> Outcome:
    """Check every identity; correct a pinned cell; mark the rest.

    ``logical_table`` maps a table index to the index of the table it continues
    (a table spread over pages is one logical table).
    """
    numbers = {_cell(d): Decimal(d.value) for d in drafts if d.value_kind == "number"}
    by_cell = {_cell(d): d for d in drafts}
    identities = (_row_identities(drafts) + _hierarchy_identities(drafts, logical_table)
                  + _summary_identities(drafts, logical_table))
    identities += _cross_table_identities(drafts) + _form_identities(drafts, logical_table)
    identities = [i for i in identities if any(c in numbers for c in i.total + i.parts)]
    failing = [i for i in identities if _difference(i, numbers) != 0]
    corrected: dict[CellId, Decimal] = {}
    for cluster in _clusters(failing):
        # The document's own rounding is flagged, never "fixed" by changing a digit.
        if not all(_is_rounding(i, numbers, by_cell) for i in cluster):
            corrected.update(_correct(cluster, identities, numbers, by_cell))
    for cell, value in corrected.items():
        log.debug("corrected table %d row %d col %d: %s -> %s", *cell, by_cell[cell].raw, format(value, "f"))
        numbers[cell] = value
    still = [i for i in identities if _difference(i, numbers) != 0]
    log.debug("%d identities checked, %d failing before and %d after %d correction(s)", len(identities),
              len(failing), len(still), len(corrected))
    reasons: dict[CellId, set[str]] = defaultdict(set)
    broken: dict[CellId, list[BrokenIdentity]] = defaultdict(list)
    for identity in still:
        rounding = _is_rounding(identity, numbers, by_cell)
        reason = ReviewReason.ROUNDING_DIFFERENCE if rounding else identity.reason
        for cell in identity.total + identity.parts:
            reasons[cell].add(reason)
            if cell in by_cell:
                # What an operator needs to judge the cell: the identity, and the value that would close it.
                broken[cell].append(broken_identity(identity, reason, cell, numbers, by_cell))
    satisfied = _confirmations([i for i in identities if i not in still], set(corrected))
    out = []
    for draft in drafts:
        cell = _cell(draft)
        extra = tuple(sorted(reasons.get(cell, ())))
        if cell in corrected:
            draft = replace(draft, value=format(corrected[cell], "f"), reasons=draft.reasons + (ReviewReason.CORRECTED_BY_ARITHMETIC,))
        out.append(replace(draft, reasons=draft.reasons + extra, checks_passed=satisfied.get(cell, 0),
                           checks_failed=sum(1 for r in extra if r != ReviewReason.ROUNDING_DIFFERENCE),
                           broken=draft.broken + tuple(broken.get(cell, ()))))
    return Outcome(drafts=out, identities_checked=len(identities), identities_failed=len(still),
                   corrections=len(corrected))


def _confirmations(holding: list[Identity], corrected: set[CellId]) -> dict[CellId, int]:
    """How many holding identities vouch for each cell.

    An identity that holds only because one of its cells was solved from it confirms nothing
    else: a spurious cell (a column number read into the row, a seal's stroke) would otherwise
    be "confirmed" by the very correction it caused.  A corrected cell is vouched for by the
    identities beyond the one that solved it (they all had to agree on its value).
    """
    satisfied: dict[CellId, int] = defaultdict(int)
    solved_in: dict[CellId, int] = defaultdict(int)
    for identity in holding:
        cells = identity.total + identity.parts
        fixed = [c for c in cells if c in corrected]
        if fixed:
            for cell in fixed:
                solved_in[cell] += 1
            continue
        for cell in cells:
            satisfied[cell] += 1
    for cell, count in solved_in.items():
        satisfied[cell] += count - 1
    return satisfied


def _cell(draft: DraftFact) -> CellId:
    return (draft.table_index, draft.row, draft.col)


def _difference(identity: Identity, numbers: dict[CellId, Decimal]) -> Decimal:
    total = sum((numbers.get(c, Decimal(0)) for c in identity.total), Decimal(0))
    parts = sum((numbers.get(c, Decimal(0)) for c in identity.parts), Decimal(0))
    return total - parts


# --- identities -----------------------------------------------------------------


def _leaf(column: str) -> str:
    return column.rsplit("/", 1)[-1]


def _parent(column: str) -> str:
    return column.rsplit("/", 1)[0] if "/" in column else ""


def _is_total_column(column: str) -> bool:
    leaf = _leaf(column)
    return leaf.endswith("合计") or leaf == "小计"


def _row_identities(drafts: list[DraftFact]) -> list[Identity]:
    """Per printed row: a 合计/小计 column equals the other amount columns under its parent header."""
    columns: dict[tuple[int, int], set[tuple[int, str]]] = defaultdict(set)  # (table, row) -> its amount columns
    table_columns: dict[int, dict[str, int]] = defaultdict(dict)
    for d in drafts:
        if d.value_kind == "number" and d.kind not in _NOT_LEDGERS:
            table_columns[d.table_index][d.column] = d.col
            columns[(d.table_index, d.row)].add((d.col, d.column))
    identities = []
    for table, paths in table_columns.items():
        for path, col in paths.items():
            if not _is_total_column(path):
                continue
            parent = _parent(path)
            siblings = [c for p, c in paths.items()
                        if p != path and not _is_total_column(p) and (p.startswith(parent + "/") if parent else True)
                        and _side(p) == _side(path)]
            if not siblings:
                continue
            rows = {r for (t, r) in columns if t == table}
            for row in rows:
                identities.append(Identity(total=((table, row, col),), parts=tuple((table, row, c) for c in siblings),
                                           reason=ReviewReason.ROW_SUM_MISMATCH))
    return identities


def _side(path: str) -> str:
    """The top header level of side-by-side tables (收入 / 支出); '' elsewhere."""
    top = path.split("/", 1)[0]
    return top if top in ("收入", "支出") else ""


# Kinds without row, hierarchy or total identities of the ledger kind.
_NOT_LEDGERS = FORM_KINDS | {TableKind.PROCUREMENT_CATALOG}


def _hierarchy_identities(drafts: list[DraftFact], logical_table: dict[int, int]) -> list[Identity]:
    """类 = Σ 款 = Σ 项 by code prefix, and a 合计 row = Σ 类 rows, per column of one logical table."""
    cells: dict[tuple[int, str], dict[str, list[CellId]]] = defaultdict(lambda: defaultdict(list))
    totals: dict[tuple[int, str], list[CellId]] = defaultdict(list)
    for d in drafts:
        if d.value_kind != "number" or d.kind in _NOT_LEDGERS or d.kind in SIDE_BY_SIDE_KINDS:
            continue
        key = (logical_table.get(d.table_index, d.table_index), d.column)
        if d.code and d.code.isdigit():
            cells[key][d.code].append(_cell(d))
        elif d.labels and normalize(d.labels[0]) in _TOTAL_LABELS:
            totals[key].append(_cell(d))
    identities = []
    for key, by_code in cells.items():
        codes = set(by_code)
        for code, own in by_code.items():
            children = [c for c in codes if len(c) == len(code) + 2 and c.startswith(code)]
            if children and len(own) == 1:
                parts = tuple(cell for child in sorted(children) for cell in by_code[child])
                identities.append(Identity(total=tuple(own), parts=parts, reason=ReviewReason.HIERARCHY_SUM_MISMATCH))
        classes = sorted(c for c in codes if len(c) == 3)
        if classes and len(totals.get(key, [])) == 1:
            parts = tuple(cell for c in classes for cell in by_code[c])
            identities.append(Identity(total=tuple(totals[key]), parts=parts, reason=ReviewReason.HIERARCHY_SUM_MISMATCH))
    return identities




def _summary_identities(drafts: list[DraftFact], logical_table: dict[int, int]) -> list[Identity]:
    """Side-by-side tables: 本年X合计 = the enumerated rows above it (over all its pages), per column, per side."""
    identities = []
    by_column: dict[tuple[int, str], list[DraftFact]] = defaultdict(list)
    for d in drafts:
        if d.kind in SIDE_BY_SIDE_KINDS and d.value_kind == "number" and d.labels:
            by_column[(logical_table.get(d.table_index, d.table_index), d.column)].append(d)
    for (table, column), facts in by_column.items():
        facts.sort(key=lambda d: (d.table_index, d.row))
        for index, fact in enumerate(facts):
            label = normalize(fact.labels[0])
            if not (label.startswith("本年") and label.endswith("合计")):
                continue
            above = [f for f in facts[:index] if strip_enumeration(normalize(f.labels[0])) != normalize(f.labels[0])]
            if above:
                identities.append(Identity(total=(_cell(fact),), parts=tuple(_cell(f) for f in above),
                                           reason=ReviewReason.HIERARCHY_SUM_MISMATCH))
    return identities


ColumnRef = tuple[TableKind, str, tuple[str, ...]]  # (kind, row key, year-agnostic column key)


def _cross_table_identities(drafts: list[DraftFact]) -> list[Identity]:
    """The same amount printed in two tables.  Columns are compared by their year-agnostic keys
    (pipeline.interpret.columns), so a 2026 disclosure is checked like a 2025 one; where a table
    prints several years under one key (本年 and 上年), the latest year's column is the one compared."""
    first: dict[ColumnRef, tuple[int, CellId]] = {}
    for d in drafts:
        if d.value_kind != "number":
            continue
        row_key = d.code or (strip_enumeration(normalize(d.labels[0])) if d.labels else "")
        ref = (d.kind, row_key, column_key(d.column))
        year = column_year(d.column) or 0
        if ref not in first or year > first[ref][0]:
            first[ref] = (year, _cell(d))

    def pair(a: tuple[TableKind, str, str], b: tuple[TableKind, str, str]) -> list[Identity]:
        ref_a, ref_b = (a[0], a[1], column_key(a[2])), (b[0], b[1], column_key(b[2]))
        if ref_a in first and ref_b in first:
            return [Identity(total=(first[ref_a][1],), parts=(first[ref_b][1],),
                             reason=ReviewReason.CROSS_TABLE_MISMATCH)]
        return []

    identities: list[Identity] = []
    class_codes = {code for (kind, code, _) in first
                   if kind == TableKind.EXPENDITURE_SUMMARY and code.isdigit() and len(code) == 3}
    for code in sorted(class_codes):
        identities += pair((TableKind.INCOME_EXPENDITURE_SUMMARY, code, "支出/合计"),
                           (TableKind.EXPENDITURE_SUMMARY, code, "合计"))
    identities += pair((TableKind.BASIC_EXPENDITURE_ECONOMIC, "合计", "合计"),
                       (TableKind.EXPENDITURE_SUMMARY, "合计", "基本支出"))
    identities += pair((TableKind.GENERAL_BUDGET_EXPENDITURE, "合计", "基本支出"),
                       (TableKind.EXPENDITURE_SUMMARY, "合计", "基本支出"))
    identities += pair((TableKind.THREE_PUBLIC, "公务接待费", "合计"),
                       (TableKind.BASIC_EXPENDITURE_ECONOMIC, "30217", "合计"))
    identities += pair((TableKind.THREE_PUBLIC, "公务用车运行维护费", "合计"),
                       (TableKind.BASIC_EXPENDITURE_ECONOMIC, "30231", "合计"))
    return identities


def _form_identities(drafts: list[DraftFact], logical_table: dict[int, int]) -> list[Identity]:
    """A form's money: each total equals the amounts printed under it in its grid column, down to the
    next total; and the printings of one total in one form (合计 under both 按资金来源 and 按资金使用)
    are equal, so a part, not the twice-confirmed total, is what a one-digit correction may change."""
    totals = {key.key for key in form_vocabulary() if key.role == Role.MONEY_TOTAL}
    columns: dict[tuple[int, int], list[DraftFact]] = defaultdict(list)
    printings: dict[tuple[int, tuple[str, ...]], list[CellId]] = defaultdict(list)
    for d in drafts:
        if d.kind in FORM_KINDS and d.value_kind == "number" and d.labels:
            # By the column the amount ends in: an amount read out of a cell that a lost rule merged
            # with its key (市县（区）财政资金 | 55,800,000) stands, right-aligned, in the value column.
            columns[(d.table_index, d.col + d.col_span - 1)].append(d)
            if d.labels[0] in totals:
                printings[(logical_table.get(d.table_index, d.table_index), d.labels)].append(_cell(d))
    identities = []
    for facts in columns.values():
        facts.sort(key=lambda d: d.row)
        starts = [i for i, d in enumerate(facts) if d.labels[0] in totals]
        for n, start in enumerate(starts):
            parts = facts[start + 1:starts[n + 1] if n + 1 < len(starts) else len(facts)]
            if parts:
                identities.append(Identity(total=(_cell(facts[start]),), parts=tuple(_cell(p) for p in parts),
                                           reason=ReviewReason.ROW_SUM_MISMATCH))
    for cells in printings.values():
        identities += [Identity(total=(cells[0],), parts=(other,), reason=ReviewReason.ROW_SUM_MISMATCH)
                       for other in cells[1:]]
    return identities


# --- what a broken identity expected --------------------------------------------------


def broken_identity(identity: Identity, reason: str, cell: CellId, numbers: dict[CellId, Decimal],
                    by_cell: dict[CellId, DraftFact]) -> BrokenIdentity:
    """The identity as ``cell`` breaks it: in words, and the value ``cell`` would need to close it."""
    # Exact decimals keep the printed places (1030.50 - 200.00 = 830.50).
    needed = _needed_value(identity, cell, numbers)
    return BrokenIdentity(reason=str(reason), identity=describe(identity, by_cell), expected=format(needed, "f"),
                          total=list(identity.total), parts=list(identity.parts))


def describe(identity: Identity, by_cell: dict[CellId, DraftFact]) -> str:
    """The identity in an operator's words: ``合计 = 基本支出 + 项目支出 (2010101 行政运行)`` for a row,
    ``201 = 20101 + 20102 (合计)`` for a column, table kinds named where it spans tables."""
    cells = [c for c in identity.total + identity.parts if c in by_cell]
    drafts = [by_cell[c] for c in cells]
    kinds = {d.kind for d in drafts}
    same_row = len({(d.table_index, d.row) for d in drafts}) == 1
    same_column = len({d.column for d in drafts}) == 1

    def row_name(d: DraftFact) -> str:
        return " ".join(x for x in (d.code, d.labels[0] if d.labels else "") if x) or f"row {d.row + 1}"

    def term(cell: CellId) -> str:
        if cell not in by_cell:
            return "(blank)"  # an empty cell counts as zero
        d = by_cell[cell]
        name = _leaf(d.column) or d.column if same_row else row_name(d) if same_column else \
            f"{row_name(d)} {_leaf(d.column)}".strip()
        return f"{d.kind}: {name}" if len(kinds) > 1 else name

    left = " + ".join(term(c) for c in identity.total)
    right = " + ".join(term(c) for c in identity.parts)
    where = row_name(drafts[0]) if same_row else drafts[0].column if same_column else ""
    return f"{left} = {right}" + (f" ({where})" if where and len(kinds) == 1 else "")


# --- correction -------------------------------------------------------------------


def _is_rounding(identity: Identity, numbers: dict[CellId, Decimal], by_cell: dict[CellId, DraftFact]) -> bool:
    """Off by exactly one cent with every cell read confidently: the document's own rounding."""
    return abs(_difference(identity, numbers)) == _CENT and all(
        by_cell[c].evidence.ocr_confidence >= _CONFIDENT_OCR for c in identity.total + identity.parts if c in by_cell)


def _clusters(failing: list[Identity]) -> list[list[Identity]]:
    """Failing identities grouped by the cells they share (connected components), in document order."""
    owner: dict[CellId, int] = {}
    parent = list(range(len(failing)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for index, identity in enumerate(failing):
        for cell in identity.total + identity.parts:
            if cell in owner:
                parent[root(index)] = root(owner[cell])
            else:
                owner[cell] = index
    groups: dict[int, list[Identity]] = defaultdict(list)
    for index, identity in enumerate(failing):
        groups[root(index)].append(identity)
    return list(groups.values())


def _correct(failing: list[Identity], identities: list[Identity], numbers: dict[CellId, Decimal],
             by_cell: dict[CellId, DraftFact]) -> dict[CellId, Decimal]:
    """The one cell (if any) that every identity of ``failing`` involves and whose OCR-plausible
    re-reading satisfies every identity it is in."""
    if not failing:
        return {}
    suspects = set.intersection(*(set(i.total + i.parts) for i in failing))
    fixes: dict[CellId, Decimal] = {}
    for cell in suspects:
        if cell not in numbers or cell not in by_cell:
            continue
        involved = [i for i in identities if cell in i.total + i.parts]
        needed = {_needed_value(i, cell, numbers) for i in involved}
        if len(needed) != 1:
            continue
        value = needed.pop()
        if value >= 0 and _plausible_misread(by_cell[cell].raw, value):
            fixes[cell] = value
    # Never guess between two readings: a correction must be the only one.
    return fixes if len(fixes) == 1 else {}


def _needed_value(identity: Identity, cell: CellId, numbers: dict[CellId, Decimal]) -> Decimal:
    """The value ``cell`` must hold for the identity to balance, all other cells as read."""
    total = sum((numbers.get(c, Decimal(0)) for c in identity.total if c != cell), Decimal(0))
    parts = sum((numbers.get(c, Decimal(0)) for c in identity.parts if c != cell), Decimal(0))
    return parts - total if cell in identity.total else total - parts


def _plausible_misread(raw: str, value: Decimal) -> bool:
    """One digit changed, a decimal point lost or added, or a ruling line's trace beside the amount
    read as a 1 (a lost rule merged the cell with its neighbour) turns ``raw`` into ``value``."""
    printed = "".join(ch for ch in normalize(raw) if ch.isdigit() or ch == ".")
    target = format(value, "f")
    if "." in printed and "." in target:
        # Keep the printed number of decimals for the comparison.
        decimals = len(printed.split(".", 1)[1])
        target = format(value.quantize(Decimal(1).scaleb(-decimals)), "f")
    if len(printed) == len(target) and sum(a != b for a, b in zip(printed, target)) == 1:
        return True
    if printed in ("1" + target, target + "1"):
        return True
    return printed.replace(".", "") == target.replace(".", "") and printed != target
