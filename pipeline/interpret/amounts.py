"""Amounts in one unit: a number printed in 万元, 千元, 亿元 or 元 as an exact decimal count of 元.

The printed value stays as printed (the record contract's ``value`` and ``unit``); this is
the figure beside it that an analyst can add up across tables and documents.
"""

from __future__ import annotations

from decimal import Decimal

from pipeline.text import parse_decimal

# How many 元 one printed unit is.
YUAN_PER_UNIT: dict[str, int] = {"元": 1, "千元": 1_000, "万元": 10_000, "百万元": 1_000_000, "亿元": 100_000_000}


def amount_yuan(value: str, kind: str, unit: str | None) -> str | None:
    """``value`` in 元 as a plain decimal string (``1030.50`` 万元 → ``10305000.00``).

    None for text, for a number whose unit is not money (or not stated), and for a value that
    does not parse.  Exact: Decimal arithmetic, the printed decimals scaled, never rounded.
    """
    if kind != "number" or unit not in YUAN_PER_UNIT:
        return None
    number = parse_decimal(value)
    if number is None or not number.is_finite():
        return None
    return format(number * Decimal(YUAN_PER_UNIT[unit]), "f")
