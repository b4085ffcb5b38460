"""Table kind from the title printed above a table, or from the grid's own words.

Titles are matched with rapidfuzz against every printed variant of each
kind's canonical title (the year stripped); a table without a title (project
forms print none, continuation pages repeat only the header) is recognised by
signature words of its grid, or inherits the kind of the table it continues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from models import TableKind
from pipeline.text import confusion_key, normalize

# Printed title variants per kind, year omitted.  The first is the canonical
# title of RECORDS.md; the others are forms county disclosures print.
TITLE_VARIANTS: dict[TableKind, tuple[str, ...]] = {
    TableKind.INCOME_EXPENDITURE_SUMMARY: ("预算收支总表", "部门收支总表", "部门预算收支总表"),
    TableKind.INCOME_SUMMARY: ("预算收入总表", "部门收入总表"),
    TableKind.EXPENDITURE_SUMMARY: ("预算支出总表", "部门支出总表"),
    TableKind.APPROPRIATION_SUMMARY: ("财政拨款收支总表", "财政拨款收支预算总表"),
    TableKind.GENERAL_BUDGET_EXPENDITURE: ("一般公共预算支出预算表", "一般公共预算支出预算表(不含上年结转)", "一般公共预算支出表"),
    TableKind.BASIC_EXPENDITURE_ECONOMIC: (
        "一般公共预算安排基本支出分经济科目表",
        "一般公共预算安排基本支出分经济科目表(不含上年结转)",
        "一般公共预算基本支出表",
    ),
    TableKind.GOV_FUND_INCOME: ("政府性基金预算收入表", "政府性基金预算收入表(不含上年结转)"),
    TableKind.GOV_FUND_EXPENDITURE: ("政府性基金预算支出表", "政府性基金预算支出表(不含上年结转)"),
    TableKind.STATE_CAPITAL: ("国有资本经营预算收支预算表", "国有资本经营预算收支预算表(不含上年结转)", "国有资本经营预算支出表"),
    TableKind.THREE_PUBLIC: ('财政拨款安排"三公"经费支出预算表', "财政拨款安排三公经费支出预算表", '"三公"经费支出预算表'),
    TableKind.OPERATING_EXPENSES: ("财政拨款安排机关运行经费预算表", "机关运行经费预算表"),
    TableKind.PROJECT_CURRENT: ("项目支出预算表(本年预算)",),
    TableKind.PROJECT_CARRYOVER: ("项目支出预算表(上年结转)",),
    TableKind.PERFORMANCE_OVERALL: ("部门(单位)整体支出绩效目标申报表", "整体支出绩效目标申报表", "部门整体支出绩效目标表"),
    TableKind.PERFORMANCE_PROJECT: ("项目支出绩效目标表", "项目支出绩效目标申报表"),
    TableKind.PROCUREMENT_CATALOG: ("政府购买服务指导性目录",),
}

# Words a grid of that kind prints in its first rows, for tables without a title.
GRID_SIGNATURES: dict[TableKind, tuple[str, ...]] = {
    # The first rows of a project form (its 绩效指标 lie further down, out of sight of a signature):
    # no table of the 13 has a 主管部门及代码 cell.
    TableKind.PERFORMANCE_PROJECT: ("项目名称", "主管部门及代码"),
    TableKind.PERFORMANCE_OVERALL: ("部门基本信息", "部门职责", "年度绩效指标"),
    TableKind.PROCUREMENT_CATALOG: ("代码", "一级目录", "二级目录", "三级目录"),
}

_YEAR = re.compile(r"^\(?\d{4}\)?年度?")
# A title holding the core title inside more words (县(区)级预算…, …(不含上年结转)) scores its partial
# match, discounted so that an exact title of another kind still wins.
_AFFIX_DISCOUNT = 0.97
# A signature word is found in a grid cell when rapidfuzz's partial ratio (0..100) reaches this and the cell
# holds at most this many characters more than the word (a header cell, not a sentence mentioning it).
_SIGNATURE_SCORE = 85.0
_SIGNATURE_SLACK_CHARS = 6
# How sure a kind found by its grid's words is (0..100): below a clean title match, above the title threshold.
_SIGNATURE_KIND_SCORE = 90.0
_QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "'": '"'})


@dataclass(frozen=True, slots=True)
class KindMatch:
    kind: TableKind
    score: float  # 0..100
    title: str  # the phrase it was read from ("" when by signature)


def title_key(text: str) -> str:
    key = confusion_key(text).translate(_QUOTES)
    key = re.sub(r"^(?:预算公开表|部门公开表|公开表)\s*\d*", "", key)
    # 表一2025年预算收支总表 (a table of contents line) and the bare year prefix.
    key = re.sub(r"^表[一二三四五六七八九十]+", "", key)
    key = re.sub(r"^.*?(?=\d{4}年)", "", key) if re.search(r"\d{4}年", key) else key
    return _YEAR.sub("", key)


def score_title(text: str, kind: TableKind) -> float:
    key = title_key(text)
    if len(key) < 4:
        return 0.0
    best = 0.0
    for variant in TITLE_VARIANTS.get(kind, ()):
        target = title_key(variant)
        score = fuzz.ratio(key, target)
        if len(key) > len(target):
            # Prefixes such as 县(区)级预算 or suffixes such as (不含上年结转) around the core title.
            score = max(score, fuzz.partial_ratio(target, key) * _AFFIX_DISCOUNT)
        best = max(best, score)
    return best


def classify_title(phrases: list[str], threshold: float) -> KindMatch | None:
    """The best (kind, phrase) over all phrases above a table; None below ``threshold``."""
    best: KindMatch | None = None
    for phrase in phrases:
        for kind in TITLE_VARIANTS:
            score = score_title(phrase, kind)
            if best is None or score > best.score:
                best = KindMatch(kind=kind, score=score, title=phrase)
    if best is None or best.score < threshold:
        return None
    return best


def classify_by_signature(grid_texts: list[str]) -> KindMatch | None:
    """A kind whose signature words all appear (fuzzily) among the grid's first cells."""
    keys = [normalize(t) for t in grid_texts if t.strip()]
    for kind, words in GRID_SIGNATURES.items():
        hits = sum(1 for word in words
                   if any(fuzz.partial_ratio(word, key) >= _SIGNATURE_SCORE and len(key) <= len(word) + _SIGNATURE_SLACK_CHARS
                          for key in keys))
        if hits == len(words):
            return KindMatch(kind=kind, score=_SIGNATURE_KIND_SCORE, title="")
    return None
