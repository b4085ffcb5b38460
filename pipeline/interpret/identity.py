"""Whose budget, for which year: a document's fiscal year and department, decided once from all its evidence.

A disclosure says who it is in several places, each of which a scan may damage or leave out:

- the table titles: ``2025年预算收支总表``; an Excel-style printout prefixes the department,
  ``山阴县商务局2025年预算收支总表``;
- the ``部门名称：山阴县商务局（部门）`` line over each numbered table;
- the 绩效目标 forms: the 部门名称 of the 整体 form, the 主管部门及代码 of each project form
  (``029-山阴县商务局（部门）``), and the ``（2025）年度`` line over the 整体 form;
- the column headers (``2025年预算数``): the weakest witness, counted only when nothing else names a year.

Each place gives one vote per table or form; the name or year with the most votes wins, so one
misread title cannot outvote twelve good ones.  Department names are compared by their OCR
confusion key and emitted in the spelling read most often, without the code prefix (``029-``) and
without the ``（部门）`` suffix that marks a department-level disclosure (Excel titles drop it, so
keeping it would give one department two names).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from models import FORM_KINDS, TableKind
from pipeline.interpret.columns import column_year
from pipeline.interpret.facts import DraftFact
from pipeline.interpret.resolve import ResolvedTable
from pipeline.text import confusion_key, normalize

log = logging.getLogger(__name__)

_FIRST_YEAR, _LAST_YEAR = 2000, 2099
# 2025年 or （2025）年度 in a title or a line above a form; a year inside 〔〕 is a document number's.
_YEAR_IN_TEXT = re.compile(r"(?<![〔\[\d])[（(]?((?:19|20)\d{2})[）)]?\s*年")
# The line naming the department over a table (the test pages and some counties print 部门：).
_NAME_LINE = re.compile(r"^(?:部门名称|单位名称|预算单位名称|预算单位|部门)[:：]\s*(.+)$")
# What may follow the name on the same line: the unit, a date, a page number.
_NAME_LINE_TAIL = re.compile(r"(?:单位[:：]|金额单位|日期|第\s*\d+\s*页).*$")
_CODE_PREFIX = re.compile(r"^[0-9A-Za-z]{2,12}\s*[-－—_.、·]\s*")
_LEVEL_SUFFIX = re.compile(r"[（(]部门[）)]$")
# Captions printed before a title (预算公开表1, 表一): not part of a department's name.
_CAPTION = re.compile(r"^(?:预算公开表|部门公开表|公开表)\s*\d*|^表[一二三四五六七八九十]+")
# Labels of the form cells that hold the department.
_FORM_DEPARTMENT_LABELS = frozenset({"部门名称", "主管部门及代码", "主管部门", "预算部门"})
# Votes per witness: a column header's year only breaks a tie among the others, or stands in for them.
_COLUMN_YEAR_WEIGHT = 0.2
# A department name is at least this many characters (县 + 局); shorter is a fragment.
_MIN_NAME_CHARS = 3


@dataclass(frozen=True, slots=True)
class Identity:
    """Who published the document and for which budget year; None where nothing names it."""

    fiscal_year: int | None
    department: str | None


def identify(tables: list[ResolvedTable], drafts: Iterable[DraftFact]) -> Identity:
    """The document's fiscal year and department from its tables' titles and context lines and its forms."""
    drafts = list(drafts)
    years: Counter[int] = Counter()
    names = _NameVotes()
    for table in tables:
        if table.continued:
            continue  # a continuation repeats its first page's title: one table, one vote
        title_year = year_in(table.title) if table.title else None
        if title_year is not None:
            years[title_year] += 1
            names.add(title_department(table.title))
        for phrase in (p.text for p in table.table.context):
            line_name = department_from_line(phrase)
            if line_name is not None:
                names.add(line_name)
            elif table.kind in FORM_KINDS and phrase != table.title and (year := year_in(phrase)) is not None:
                years[year] += 1  # （2025）年度 over the 整体 form
    for draft in drafts:
        if draft.kind in FORM_KINDS and draft.labels and normalize(draft.labels[0]) in _FORM_DEPARTMENT_LABELS:
            names.add(clean_department(draft.value))
    if not years:
        for year in _column_years(drafts):
            years[year] += _COLUMN_YEAR_WEIGHT
    identity = Identity(fiscal_year=_most_common(years), department=names.winner())
    log.info("fiscal year %s (votes %s), department %s (votes %s)", identity.fiscal_year, dict(years),
             identity.department, names.tally())
    return identity


def year_in(text: str) -> int | None:
    """The budget year a title or line names (2025年预算收支总表, （2025）年度), None when none."""
    found = _YEAR_IN_TEXT.search(normalize(text))
    if found is None:
        return None
    year = int(found.group(1))
    return year if _FIRST_YEAR <= year <= _LAST_YEAR else None


def title_department(title: str) -> str | None:
    """The department an Excel-style title prints before its year (山阴县商务局2025年预算收支总表)."""
    text = _CAPTION.sub("", _squeeze(title))
    found = _YEAR_IN_TEXT.search(text)
    if found is None:
        return None
    return clean_department(text[: found.start()])


def department_from_line(text: str) -> str | None:
    """The name on a ``部门名称：…`` line, None when the line is not one."""
    found = _NAME_LINE.match(_squeeze(text))
    return clean_department(found.group(1)) if found else None


def clean_department(text: str) -> str | None:
    """A department's name without code prefix, ``（部门）`` suffix, trailing unit or spaces; None if too short.

    >>> clean_department("029-山阴县商务局（部门） 单位：万元")
    '山阴县商务局'
    """
    name = _NAME_LINE_TAIL.sub("", _squeeze(text))
    name = _CODE_PREFIX.sub("", name).strip(":：,，;；")
    name = _LEVEL_SUFFIX.sub("", name)
    return name if len(name) >= _MIN_NAME_CHARS else None


def _squeeze(text: str) -> str:
    """The text without whitespace (OCR puts spaces between characters); the printed characters kept."""
    return "".join(text.split())


def _column_years(drafts: list[DraftFact]) -> list[int]:
    """One year per ledger table: the latest its columns name (a table printing 2024 and 2025 is for 2025)."""
    by_table: dict[int, int] = {}
    for draft in drafts:
        if draft.kind in FORM_KINDS or draft.kind == TableKind.UNKNOWN:
            continue
        year = column_year(draft.column)
        if year is not None and _FIRST_YEAR <= year <= _LAST_YEAR:
            by_table[draft.table_index] = max(year, by_table.get(draft.table_index, year))
    return list(by_table.values())


def _most_common(votes: Counter[int]) -> int | None:
    # Counter.most_common keeps first-seen order among equal counts: the earlier witness wins a tie.
    return votes.most_common(1)[0][0] if votes else None


class _NameVotes:
    """Department names read, grouped by confusion key; the group with most votes wins."""

    def __init__(self) -> None:
        self._votes: Counter[str] = Counter()
        self._spellings: dict[str, Counter[str]] = {}

    def add(self, name: str | None) -> None:
        if name is None:
            return
        key = confusion_key(name)
        self._votes[key] += 1
        self._spellings.setdefault(key, Counter())[name] += 1

    def winner(self) -> str | None:
        if not self._votes:
            return None
        key = self._votes.most_common(1)[0][0]
        return self._spellings[key].most_common(1)[0][0]

    def tally(self) -> dict[str, int]:
        return {self._spellings[k].most_common(1)[0][0]: n for k, n in self._votes.items()}
