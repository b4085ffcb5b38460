"""Amounts in 元, exact."""

from __future__ import annotations

from decimal import Decimal

from pipeline.interpret.amounts import amount_yuan


def test_each_money_unit_scales_exactly() -> None:
    assert amount_yuan("1030.50", "number", "万元") == "10305000.00"
    assert amount_yuan("1950000", "number", "元") == "1950000"
    assert amount_yuan("12.345", "number", "千元") == "12345.000"
    assert amount_yuan("0.01", "number", "亿元") == "1000000.00"
    assert amount_yuan("-3.20", "number", "万元") == "-32000.00"


def test_no_amount_without_a_money_number() -> None:
    assert amount_yuan("无", "text", "万元") is None
    assert amount_yuan("95", "number", None) is None
    assert amount_yuan("95", "number", "人") is None
    assert amount_yuan("1O3.5", "number", "万元") is None  # unparseable_number facts get none


def test_no_float_rounding() -> None:
    # 0.1 + 0.2 in floats is 0.30000000000000004; the amounts add up exactly.
    total = sum(Decimal(amount_yuan(v, "number", "万元")) for v in ("0.10", "0.20"))
    assert total == Decimal("3000.00")
