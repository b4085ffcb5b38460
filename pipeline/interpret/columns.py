"""Year-agnostic keys of column paths, so no check depends on the year a disclosure was printed.

A disclosure for 2026 prints ``2026年预算数/合计`` where one for 2025 prints
``2025年预算数/合计`` (or ``2025预算数/合计``): the same column.  Every stage that
compares columns across tables or with the prose compares their keys.
"""

from __future__ import annotations

import re

from pipeline.text import normalize

_YEAR = re.compile(r"(?:19|20)\d{2}(?:年度?)?")
_LEADING_YEAR = re.compile(rf"^{_YEAR.pattern}")
# Header words that say nothing about which amount a column holds.
_GENERIC_HEADER = re.compile(r"^(?:本年|当年)?(?:预算数?|金额)?$")


def column_key(path: str) -> tuple[str, ...]:
    """A column path without its year and generic words.

    >>> column_key("2025年预算数/基本支出"), column_key("支出/2026年合计")
    (('基本支出',), ('支出', '合计'))
    """
    key = []
    for segment in path.split("/"):
        segment = _LEADING_YEAR.sub("", normalize(segment))
        if not _GENERIC_HEADER.match(segment):
            key.append(segment)
    return tuple(key)


def column_year(path: str) -> int | None:
    """The year a column path names (2025年预算数 → 2025), None when it names none."""
    found = _YEAR.search(normalize(path))
    return int(found.group()[:4]) if found else None


_YEAR_TOKEN = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:年度?)?(?!\d)")
# A printed year said relative to the document's fiscal year.
_RELATIVE_YEAR = {0: "本年", -1: "上年", 1: "下年"}


def agnostic_column(path: str, fiscal_year: int | None) -> str:
    """The printed column path with its years said relative to the fiscal year: the analysts' column.

    ``2025年预算数/合计`` and ``2025预算数/合计`` of a 2025 disclosure, and ``2026年预算数/合计``
    of a 2026 one, are all ``本年预算数/合计``; ``2024年…`` of a 2025 one is ``上年…``.  A year
    further away, or any year when the fiscal year is unknown, stays as printed.  Unlike
    :func:`column_key` (a comparison key: years and generic words dropped, 2024 and 2025 alike)
    it keeps every word of the header and tells the years apart, so it can name a column.

    >>> agnostic_column("支出/2025年合计", 2025), agnostic_column("2024年预算数", 2025)
    ('支出/本年合计', '上年预算数')
    """
    if fiscal_year is None:
        return path

    def relative(found: re.Match[str]) -> str:
        return _RELATIVE_YEAR.get(int(found.group(1)) - fiscal_year, found.group(0))

    return _YEAR_TOKEN.sub(relative, path)
