"""The figures 第三部分 (部门预算情况说明) states in prose, and whether the tables print the same.

A disclosure explains its tables in sentences: "预算收入总计2,272.82万元，其中：本年收入
1,272.82万元，上年结转1,000.00万元" or "“三公”经费预算1.50万元".  Each such amount is a
second, independent reading of a table cell, so it checks the cell like an arithmetic
identity does.  Two pure stages:

* :func:`read_narrative_figures` — one page's OCR'd lines in, the stated figures out.  A
  figure is a measure word (:class:`NarrativeMeasure`) with its amount right after it
  ("为", "是", ":" and "约" may stand between) and a money unit right after the amount.
  Percentages, year-over-year changes ("比上年增长251.76万元") and prior-year amounts
  ("比2024年…预算1.60万元") carry no measure word before their number, or stand in a
  clause that compares, and are not taken.
* :func:`check_narrative` — each figure against the draft facts its
  :data:`NARRATIVE_TARGETS` name; agreeing and disagreeing facts reported by position.

:func:`apply_narrative_checks` turns the verdicts into evidence on the facts (a check
kept or broken, ``narrative_mismatch``); pipeline.document calls it with the text of the
pages that hold no table (pipeline.page reads those whole).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from models import ReviewReason, TableKind
from pipeline.interpret.columns import column_key, column_year
from pipeline.interpret.facts import DraftFact
from pipeline.text import normalize, parse_decimal, strip_enumeration

__all__ = [
    "apply_narrative_checks",
    "NARRATIVE_TARGETS",
    "CellTarget",
    "NarrativeCheck",
    "NarrativeFigure",
    "NarrativeMeasure",
    "NarrativeVerdict",
    "check_narrative",
    "read_narrative_figures",
]

class NarrativeMeasure(StrEnum):
    INCOME_TOTAL = "income_total"  # 预算收入总计 (本年收入 + 上年结转)
    CURRENT_INCOME = "current_income"  # 本年收入
    CARRY_OVER = "carry_over"  # 上年结转
    EXPENDITURE_TOTAL = "expenditure_total"  # 支出预算 / 支出总计
    BASIC_EXPENDITURE = "basic_expenditure"  # 基本支出 of the expenditure total
    PROJECT_EXPENDITURE = "project_expenditure"  # 项目支出 of the expenditure total
    GENERAL_BUDGET_CURRENT_EXPENDITURE = "general_budget_current_expenditure"  # 一般公共预算当年支出
    GENERAL_BUDGET_BASIC_EXPENDITURE = "general_budget_basic_expenditure"  # 一般公共预算安排基本支出
    GENERAL_BUDGET_PROJECT_EXPENDITURE = "general_budget_project_expenditure"  # … 项目支出
    PERSONNEL_EXPENSES = "personnel_expenses"  # 人员经费 (of the general budget's 基本支出)
    PUBLIC_EXPENSES = "public_expenses"  # 公用经费
    THREE_PUBLIC_TOTAL = "three_public_total"  # “三公”经费
    OVERSEAS_TRAVEL = "overseas_travel"  # 因公出国（境）费
    OFFICIAL_RECEPTION = "official_reception"  # 公务接待费
    OFFICIAL_VEHICLES = "official_vehicles"  # 公务用车购置及运行费
    VEHICLE_PURCHASE = "vehicle_purchase"  # 公务用车购置费
    VEHICLE_OPERATION = "vehicle_operation"  # 公务用车运行（维护）费
    OPERATING_EXPENSES = "operating_expenses"  # 机关运行经费
    PROCUREMENT_TOTAL = "procurement_total"  # 政府采购预算总额


@dataclass(frozen=True, slots=True)
class NarrativeFigure:
    measure: NarrativeMeasure
    amount: Decimal  # exact, printed decimals kept: "2,272.82" -> 2272.82, "2030.5" -> 2030.5
    unit: str  # 万元 | 元
    page: int
    text: str  # the sentence it was read from, its lines joined


# --- reading ------------------------------------------------------------------------

# Patterns run on normalize()d text: NFKC (full-width digits, commas, colons and brackets
# become ASCII), simplified characters, no whitespace (OCR spaces inside numbers go).
_AMOUNT = r"(?P<amount>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
# OCR reads 元 as 兀/无/圆 after 万; a bare 万 is not taken (it may begin another word).
_UNIT = r"(?P<unit>万[元兀无圆园]|元)"
# What may stand between the measure word and its amount.
_GAP = r"(?:为|是|:|约|共计|共|达){0,3}"
# A quote OCR may leave around 三公, in any of the forms it takes.
_QUOTE = "[\"'“”‘’「」『』]?"
# The character before 预算收入/预算支出/支出预算 that makes it a fund's or a part's figure
# (一般公共预算收入, 政府性基金预算支出, 国有资本经营…, 财政拨款…, 项目支出预算, 基本支出预算,
# 三公经费支出预算), not the department's total.
_NOT_TOTAL = "(?<![共金营款目本费])"

# Placeholders: 基本支出 and 项目支出 are given their measure by the head figure of their
# sentence (the expenditure total, or the general budget's current expenditure).
_BASIC = "basic"
_PROJECT = "project"

# "预算" as the prose writes it after a measure word: 预算, 预算数, 预算安排(数).
_BUDGET = "(?:预算(?:安排)?数?)?"

_M = NarrativeMeasure
# Earlier entries win where two matches overlap: specific words before the generic ones.
_MEASURE_WORDS: tuple[tuple[NarrativeMeasure | str, str], ...] = (
    (_M.GENERAL_BUDGET_BASIC_EXPENDITURE, rf"一般公共预算(?:财政拨款)?(?:安排)?的?基本支出{_BUDGET}"),
    (_M.GENERAL_BUDGET_PROJECT_EXPENDITURE, rf"一般公共预算(?:财政拨款)?(?:安排)?的?项目支出{_BUDGET}"),
    (_M.GENERAL_BUDGET_CURRENT_EXPENDITURE,
     rf"一般公共预算(?:当年|本年)?(?:财政拨款)?支出{_BUDGET}(?:总额|合计|规模)?"),
    # 本年收入总计 is left to 本年收入: whether it means the total or this year's part is unclear.
    (_M.INCOME_TOTAL, rf"{_NOT_TOTAL}(?:(?:预算收入|收入预算)(?:总计|合计|总额)?|(?<!本年)收入总计)"),
    (_M.EXPENDITURE_TOTAL, rf"{_NOT_TOTAL}(?:(?:支出预算|预算支出)(?:总计|合计|总额)?|支出总计)"),
    (_M.CURRENT_INCOME, r"本年收入(?:合计)?"),
    (_M.CARRY_OVER, r"上年结转(?:结余)?"),
    (_M.PERSONNEL_EXPENSES, rf"人员经费{_BUDGET}"),
    (_M.OPERATING_EXPENSES, rf"机关运行经费(?:财政拨款)?{_BUDGET}(?:支出)?(?:总额|合计)?"),
    (_M.PUBLIC_EXPENSES, rf"公用经费{_BUDGET}"),
    (_M.THREE_PUBLIC_TOTAL, rf"三公{_QUOTE}经费(?:财政拨款)?(?:支出)?{_BUDGET}(?:支出)?(?:总额|合计)?"),
    (_M.OVERSEAS_TRAVEL, r"因公出国\(?境?\)?费用?"),
    (_M.OFFICIAL_RECEPTION, r"公务接待费用?"),
    (_M.OFFICIAL_VEHICLES, r"公务用车购置及运行(?:维护)?费用?"),
    (_M.VEHICLE_PURCHASE, r"公务用车购置费用?"),
    (_M.VEHICLE_OPERATION, r"公务用车运行(?:维护)?费用?"),
    (_M.PROCUREMENT_TOTAL, r"政府采购预算(?:总额|总计|合计)?|政府采购(?:总额|总计|合计)"),
    (_BASIC, rf"基本支出{_BUDGET}"),
    (_PROJECT, rf"项目支出{_BUDGET}"),
)
_FIGURE_PATTERNS = tuple((measure, re.compile(rf"(?:{words}){_GAP}{_AMOUNT}{_UNIT}"))
                         for measure, words in _MEASURE_WORDS)

_HEADS: Mapping[NarrativeMeasure, Mapping[str, NarrativeMeasure]] = MappingProxyType({
    _M.EXPENDITURE_TOTAL: MappingProxyType({_BASIC: _M.BASIC_EXPENDITURE, _PROJECT: _M.PROJECT_EXPENDITURE}),
    _M.GENERAL_BUDGET_CURRENT_EXPENDITURE: MappingProxyType({
        _BASIC: _M.GENERAL_BUDGET_BASIC_EXPENDITURE, _PROJECT: _M.GENERAL_BUDGET_PROJECT_EXPENDITURE}),
})

# A clause (text since the last , ; : 、) holding one of these compares with another year:
# its amounts are not this year's ("比2024年“三公”经费预算1.60万元").
_COMPARING = ("比", "较", "上年", "去年", "同比")
_CLAUSE_BREAK = re.compile(r"[,;:、]")
_SENTENCE_END = re.compile(r"[。｡!?！？]")


def read_narrative_figures(lines: Sequence[str], page: int) -> list[NarrativeFigure]:
    """Every budget figure the prose of one page states, in reading order.

    ``lines`` are the page's OCR'd text lines in reading order.  Lines are joined into
    paragraphs (a blank line, or a line opening with 第X部分 or an enumeration such as 三、
    or （一）, starts a new one; such a line with no prose punctuation is a heading, a
    paragraph of its own), paragraphs split into sentences at 。, and each sentence read
    on its own: a sentence wrapped over lines, even inside a number, reads whole.
    """
    figures = []
    for sentence in _sentences(lines):
        figures.extend(_sentence_figures(sentence, page))
    return figures


def _paragraphs(lines: Sequence[str]) -> list[str]:
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        stripped = line.strip()
        if not stripped or _opens_section(stripped):
            paragraphs.append([])
        if stripped:
            paragraphs[-1].append(stripped)
        if stripped and _is_heading(stripped):
            paragraphs.append([])
    # Chinese prose needs no space where a line wraps; any space the OCR kept is dropped later.
    return ["".join(p) for p in paragraphs if p]


_PART = re.compile(r"^第[一二三四五六七八九十\d]+部分")
_PROSE_PUNCTUATION = re.compile(r"[,;:。｡]")


def _opens_section(line: str) -> bool:
    """The line begins a part, a heading or a numbered item (第三部分, 三、 （一） 1、): a new paragraph."""
    text = unicodedata.normalize("NFKC", line).strip()
    return bool(_PART.match(text)) or strip_enumeration(text) != text


def _is_heading(line: str) -> bool:
    """A section's title: it opens a section and holds no prose punctuation, so it ends its paragraph too."""
    return _opens_section(line) and not _PROSE_PUNCTUATION.search(unicodedata.normalize("NFKC", line))


def _sentences(lines: Sequence[str]) -> list[str]:
    sentences = []
    for paragraph in _paragraphs(lines):
        sentences.extend(s.strip() for s in _split_after(paragraph) if s.strip())
    return sentences


def _split_after(paragraph: str) -> list[str]:
    """The paragraph cut after each sentence end, the 。 kept with its sentence."""
    pieces, start = [], 0
    for end in _SENTENCE_END.finditer(paragraph):
        pieces.append(paragraph[start:end.end()])
        start = end.end()
    pieces.append(paragraph[start:])
    return pieces


@dataclass(frozen=True, slots=True)
class _Match:
    start: int  # where the measure word begins
    end: int
    measure: NarrativeMeasure | str
    amount: Decimal
    unit: str


def _sentence_figures(sentence: str, page: int) -> list[NarrativeFigure]:
    key = normalize(sentence)
    figures = []
    head: NarrativeMeasure | None = None
    for match in _matches(key):
        if isinstance(match.measure, NarrativeMeasure):
            measure: NarrativeMeasure | None = match.measure
            if match.measure in _HEADS:
                head = match.measure
        else:
            # 基本支出/项目支出 with no expenditure figure before them in the sentence (部门预算资金
            # 1272.82万元，其中基本支出… in 绩效管理) belong to no table we can name: not taken.
            measure = _HEADS[head].get(match.measure) if head is not None else None
        if measure is None or _compares(key, match.start):
            continue
        figures.append(NarrativeFigure(measure=measure, amount=match.amount, unit=match.unit, page=page,
                                       text=sentence))
    return figures


def _matches(key: str) -> list[_Match]:
    """Non-overlapping figure matches of one normalised sentence, in reading order."""
    taken: list[_Match] = []
    for measure, pattern in _FIGURE_PATTERNS:
        for found in pattern.finditer(key):
            if any(found.start() < m.end and m.start < found.end() for m in taken):
                continue
            amount = parse_decimal(found.group("amount"))
            if amount is None:  # pragma: no cover - the pattern admits only numbers
                continue
            unit = "万元" if found.group("unit").startswith("万") else "元"
            taken.append(_Match(start=found.start(), end=found.end(), measure=measure, amount=amount,
                                unit=unit))
    return sorted(taken, key=lambda m: m.start)


def _compares(key: str, word_start: int) -> bool:
    """The clause before the measure word compares with another year."""
    breaks = [b.end() for b in _CLAUSE_BREAK.finditer(key, 0, word_start)]
    clause = key[breaks[-1] if breaks else 0:word_start]
    return any(word in clause for word in _COMPARING)


# --- where the tables print each figure ------------------------------------------------


@dataclass(frozen=True, slots=True)
class CellTarget:
    """The table cell(s) printing a figure: a kind, the row labels, a column path.

    ``rows`` are compared with a fact's first label after :func:`~pipeline.text.normalize`
    and :func:`~pipeline.text.strip_enumeration` (so 一、合计 and ②公务用车运行维护费 match).
    ``column`` is the column path with the year and the generic header words left out:
    ``2025年预算数/基本支出`` is ``("基本支出",)``, ``支出/2025年合计`` is ``("支出", "合计")``,
    ``2025预算数/合计`` is ``("合计",)`` (see :func:`column_key`).
    """

    kind: TableKind
    rows: frozenset[str]
    column: tuple[str, ...]

    def matches(self, draft: DraftFact) -> bool:
        return (draft.kind == self.kind and draft.value_kind == "number" and bool(draft.labels)
                and _row_key(draft.labels[0]) in self.rows and column_key(draft.column) == self.column)


def _target(kind: TableKind, rows: tuple[str, ...], column: str) -> CellTarget:
    return CellTarget(kind=kind, rows=frozenset(_row_key(r) for r in rows), column=tuple(column.split("/")))


def _row_key(label: str) -> str:
    # Enumeration first: NFKC turns ② into a bare 2 that no longer reads as one.
    return normalize(strip_enumeration(label))


_K = TableKind
_TOTAL = ("合计", "总计")  # the total row's label
NARRATIVE_TARGETS: Mapping[NarrativeMeasure, tuple[CellTarget, ...]] = MappingProxyType({
    _M.INCOME_TOTAL: (_target(_K.INCOME_EXPENDITURE_SUMMARY, ("收入总计",), "收入"),
                      _target(_K.INCOME_SUMMARY, _TOTAL, "合计")),
    _M.CURRENT_INCOME: (_target(_K.INCOME_EXPENDITURE_SUMMARY, ("本年收入合计",), "收入"),
                        _target(_K.INCOME_SUMMARY, _TOTAL, "本年收入/合计")),
    _M.CARRY_OVER: (_target(_K.INCOME_EXPENDITURE_SUMMARY, ("上年结转", "上年结转结余"), "收入"),
                    _target(_K.INCOME_SUMMARY, _TOTAL, "上年结转")),
    _M.EXPENDITURE_TOTAL: (_target(_K.INCOME_EXPENDITURE_SUMMARY, ("支出总计",), "支出/合计"),
                           _target(_K.EXPENDITURE_SUMMARY, _TOTAL, "合计")),
    _M.BASIC_EXPENDITURE: (_target(_K.EXPENDITURE_SUMMARY, _TOTAL, "基本支出"),),
    _M.PROJECT_EXPENDITURE: (_target(_K.EXPENDITURE_SUMMARY, _TOTAL, "项目支出"),),
    _M.GENERAL_BUDGET_CURRENT_EXPENDITURE: (_target(_K.GENERAL_BUDGET_EXPENDITURE, _TOTAL, "合计"),),
    _M.GENERAL_BUDGET_BASIC_EXPENDITURE: (_target(_K.GENERAL_BUDGET_EXPENDITURE, _TOTAL, "基本支出"),
                                          _target(_K.BASIC_EXPENDITURE_ECONOMIC, _TOTAL, "合计")),
    _M.GENERAL_BUDGET_PROJECT_EXPENDITURE: (_target(_K.GENERAL_BUDGET_EXPENDITURE, _TOTAL, "项目支出"),),
    _M.PERSONNEL_EXPENSES: (_target(_K.BASIC_EXPENDITURE_ECONOMIC, _TOTAL, "人员经费"),),
    _M.PUBLIC_EXPENSES: (_target(_K.BASIC_EXPENDITURE_ECONOMIC, _TOTAL, "公用经费"),),
    _M.THREE_PUBLIC_TOTAL: (_target(_K.THREE_PUBLIC, _TOTAL, "合计"),),
    _M.OVERSEAS_TRAVEL: (_target(_K.THREE_PUBLIC, ("因公出国（境）费", "因公出国（境）费用"), "合计"),),
    _M.OFFICIAL_RECEPTION: (_target(_K.THREE_PUBLIC, ("公务接待费",), "合计"),),
    _M.OFFICIAL_VEHICLES: (_target(_K.THREE_PUBLIC, ("公务用车购置及运行费", "公务用车购置及运行维护费"),
                                   "合计"),),
    _M.VEHICLE_PURCHASE: (_target(_K.THREE_PUBLIC, ("公务用车购置费",), "合计"),),
    _M.VEHICLE_OPERATION: (_target(_K.THREE_PUBLIC, ("公务用车运行维护费", "公务用车运行费"), "合计"),),
    _M.OPERATING_EXPENSES: (_target(_K.OPERATING_EXPENSES, ("部门合计", *_TOTAL), "合计"),),
    # No table prints the procurement total (政府采购预算表 is not one of the tables read):
    # the figure is always reported unmatched.
    _M.PROCUREMENT_TOTAL: (),
})


# --- checking ------------------------------------------------------------------------


class NarrativeVerdict(StrEnum):
    AGREE = "agree"  # every cell found prints the stated amount
    DISAGREE = "disagree"  # no cell found prints it
    MIXED = "mixed"  # the tables differ among themselves: some cells agree, some do not
    UNMATCHED = "unmatched"  # no cell of the target was found; nothing compared


@dataclass(frozen=True, slots=True)
class NarrativeCheck:
    figure: NarrativeFigure
    verdict: NarrativeVerdict
    agreeing: tuple[int, ...]  # positions in ``drafts`` of the facts that print the amount
    disagreeing: tuple[int, ...]  # ... and of those that print another (reason narrative_mismatch)


# Powers of ten of each money unit, in 元.
_UNIT_EXPONENT: Mapping[str, int] = MappingProxyType({"元": 0, "千元": 3, "万元": 4, "亿元": 8})


def check_narrative(figures: Sequence[NarrativeFigure], drafts: Sequence[DraftFact]) -> list[NarrativeCheck]:
    """Each figure compared with every draft fact its target names, one check per figure.

    Amounts are compared exactly in the figure's unit (a table in 元 is scaled by a power
    of ten, never rounded).  A fact with no unit is taken to be in the figure's unit.
    Rounding rule: the prose may state fewer decimals than the cell holds (2030.5 for
    2030.50, 1272.8 for 1272.82, 2272.82万元 for 22728249元); then the two agree when
    they differ by at most half a unit of the prose's last printed decimal (0.05 for one
    decimal).  With as many decimals as the cell, or more, they must be equal.  Where the
    columns of a target carry different years, only the latest year's cells count.
    """
    checks = []
    for figure in figures:
        found = _target_facts(figure.measure, drafts)
        agreeing = tuple(i for i in found if _agrees(figure, drafts[i]))
        disagreeing = tuple(i for i in found if i not in agreeing)
        checks.append(NarrativeCheck(figure=figure, verdict=_verdict(agreeing, disagreeing),
                                     agreeing=agreeing, disagreeing=disagreeing))
    return checks


def _target_facts(measure: NarrativeMeasure, drafts: Sequence[DraftFact]) -> list[int]:
    targets = NARRATIVE_TARGETS.get(measure, ())
    found = [i for i, d in enumerate(drafts) if any(t.matches(d) for t in targets)
             and parse_decimal(d.value) is not None]
    years = {column_year(drafts[i].column) for i in found} - {None}
    if len(years) > 1:
        latest = max(y for y in years if y is not None)
        found = [i for i in found if column_year(drafts[i].column) in (latest, None)]
    return found


def _agrees(figure: NarrativeFigure, draft: DraftFact) -> bool:
    printed = parse_decimal(draft.value)
    if printed is None:  # pragma: no cover - _target_facts keeps numbers only
        return False
    unit = draft.unit if draft.unit is not None and draft.unit in _UNIT_EXPONENT else figure.unit
    cell = printed.scaleb(_UNIT_EXPONENT[unit] - _UNIT_EXPONENT[figure.unit])
    if cell == figure.amount:
        return True
    prose_decimals = _decimals(figure.amount)
    if prose_decimals >= _decimals(cell):
        return False
    half_unit = Decimal(5).scaleb(-prose_decimals - 1)
    return abs(cell - figure.amount) <= half_unit


def _decimals(amount: Decimal) -> int:
    exponent = amount.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _verdict(agreeing: tuple[int, ...], disagreeing: tuple[int, ...]) -> NarrativeVerdict:
    if agreeing and disagreeing:
        return NarrativeVerdict.MIXED
    if agreeing:
        return NarrativeVerdict.AGREE
    if disagreeing:
        return NarrativeVerdict.DISAGREE
    return NarrativeVerdict.UNMATCHED


def apply_narrative_checks(drafts: Sequence[DraftFact], checks: Sequence[NarrativeCheck]) -> list[DraftFact]:
    """The drafts with each verdict as evidence: agreeing cells keep one more check, cells the
    prose contradicts break one and carry ``narrative_mismatch`` (they go to review)."""
    passed = [0] * len(drafts)
    failed = [0] * len(drafts)
    for check in checks:
        for index in check.agreeing:
            passed[index] += 1
        for index in check.disagreeing:
            failed[index] += 1
    out = []
    for draft, n_passed, n_failed in zip(drafts, passed, failed):
        if n_passed or n_failed:
            reasons = draft.reasons + ((ReviewReason.NARRATIVE_MISMATCH,) if n_failed and ReviewReason.NARRATIVE_MISMATCH not in draft.reasons else ())
            draft = replace(draft, checks_passed=draft.checks_passed + n_passed,
                            checks_failed=draft.checks_failed + n_failed, reasons=reasons)
        out.append(draft)
    return out
