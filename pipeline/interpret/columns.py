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
