"""Amounts as a column prints them: its decimals and thousands separators, and the misreadings of them.

An Excel-style printout prints ``3,015.24``; a recogniser returns ``3.015.24`` (a comma
read as a point), ``14:04`` or ``14,04`` (the point read as a colon or a comma).  Such a
reading is repaired only where the column's own printing confirms it: the column's other
amounts show how many decimals it prints, and groups of exactly three digits show
thousands; marks a speck left before or after an amount of the column's format are dropped.
Anything else (``.74.12``, a digit lost) is left unparsed for an operator or
for the arithmetic to settle (pipeline.check.validate tries a lost or added point).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from pipeline.text import parse_decimal, strip_stray_marks

# Separators a recogniser returns for a printed comma or point between digits.
_SEPARATORS = ",，.．:：;；·"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class NumberFormat:
    """How a column prints its amounts: the usual number of decimals (None when it prints none to learn from)."""

    decimals: int | None


@dataclass(frozen=True, slots=True)
class AmountReading:
    value: Decimal | None
    repaired: bool  # read through the column's format, not as printed


def decimals_of(value: Decimal) -> int:
    """How many decimals ``value`` was printed with (parse_decimal keeps them: 4.00 has two)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def column_format(texts: Iterable[str]) -> NumberFormat:
    """The decimals most of a column's cleanly read amounts print (at least two of them must agree)."""
    counts: Counter[int] = Counter()
    for text in texts:
        value = parse_decimal(text)
        if value is not None:
            counts[decimals_of(value)] += 1
    if not counts:
        return NumberFormat(decimals=None)
    decimals, seen = counts.most_common(1)[0]
    return NumberFormat(decimals=decimals if seen >= 2 else None)


def _without_speck_marks(text: str) -> Decimal | None:
    """The amount left when the marks a speck was read as are taken off its ends (". 0.35",
    "。,75.17"); None unless each run of marks is set off by a space or holds a mark no separator
    is misread as: ".74.12" may be 3,074.12 with digits lost, and stays unread."""
    core = strip_stray_marks(text)
    if not core or core == text.strip():
        return None
    start = text.index(core)
    before, after = text[:start], text[start + len(core):]
    for marks, spaced in ((before, before[-1:].isspace()), (after, after[:1].isspace())):
        if marks.strip() and not spaced and all(ch in _SEPARATORS for ch in marks.strip()):
            return None
    return parse_decimal(core)


def read_amount(text: str, column: NumberFormat) -> AmountReading:
    """The amount a cell prints: as read when that parses, else through the column's format when
    the misreading is unambiguous (separators at the places the format puts them)."""
    value = parse_decimal(text)
    if value is not None:
        return AmountReading(value, repaired=False)
    if not column.decimals:
        return AmountReading(None, repaired=False)
    unmarked = _without_speck_marks(text)
    if unmarked is not None and decimals_of(unmarked) == column.decimals:
        return AmountReading(unmarked, repaired=True)
    key = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    if not key or not key[0].isdigit() or not key[-1].isdigit():
        return AmountReading(None, repaired=False)
    groups = re.split(f"[{re.escape(_SEPARATORS)}]", key)
    if len(groups) < 2 or not all(g.isdigit() for g in groups):
        return AmountReading(None, repaired=False)
    whole, fraction = groups[:-1], groups[-1]
    # The last separator is the decimal point: the format's decimals follow it; thousands come in threes.
    if len(fraction) != column.decimals or not 1 <= len(whole[0]) <= 3 or any(len(g) != 3 for g in whole[1:]):
        return AmountReading(None, repaired=False)
    return AmountReading(Decimal("".join(whole) + "." + fraction), repaired=True)
