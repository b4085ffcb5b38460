"""Amounts as their column prints them: separators and their misreadings, repaired only where the format says so."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.interpret.numbers import NumberFormat, column_format, read_amount

TWO = NumberFormat(decimals=2)


def test_a_column_s_format_is_what_most_of_its_amounts_print() -> None:
    assert column_format(["3,015.24", "12.00", "", "合计", "0.50"]) == TWO
    assert column_format(["1950000", "0", "12940"]) == NumberFormat(decimals=0)
    assert column_format(["12.5"]) == NumberFormat(decimals=None)  # one amount teaches nothing


@pytest.mark.parametrize(("read", "value"), [
    ("3.015.24", "3015.24"),  # the comma read as a point
    ("3,015,24", "3015.24"),  # the point read as a comma
    ("14:04", "14.04"),  # the point read as a colon
    ("14,04", "14.04"),
    ("1.234.567.89", "1234567.89"),
])
def test_a_separator_misread_is_repaired_where_the_column_s_decimals_confirm_it(read: str, value: str) -> None:
    reading = read_amount(read, TWO)
    assert reading.value == Decimal(value) and reading.repaired


@pytest.mark.parametrize("read", [".74.12", "3.01.24", "14:4", "1O.00", "3:015"])
def test_anything_the_format_does_not_settle_stays_unread(read: str) -> None:
    assert read_amount(read, TWO).value is None


def test_without_a_known_format_nothing_is_repaired() -> None:
    assert read_amount("14:04", NumberFormat(decimals=None)).value is None
    assert read_amount("3,015.24", NumberFormat(decimals=None)) == read_amount("3,015.24", TWO)  # printed right: read


def test_thousands_only_between_groups_of_three() -> None:
    reading = read_amount("3,015.24", TWO)
    assert reading.value == Decimal("3015.24") and not reading.repaired


@pytest.mark.parametrize(("read", "value"), [
    (". 0.35", "0.35"),  # a speck before the amount, a space between
    ("。,75.17", "75.17"),  # a full stop is no misread separator
    ("12.40 .", "12.40"),
])
def test_marks_a_speck_left_at_an_end_are_dropped_where_the_format_confirms_the_rest(read: str, value: str) -> None:
    reading = read_amount(read, TWO)
    assert reading.value == Decimal(value) and reading.repaired  # doubted until an identity confirms it


@pytest.mark.parametrize("read", [",75.17", "12.40.", " .0.35", ". 0.3"])
def test_a_mark_that_may_be_a_separator_or_another_format_keeps_a_speck_s_reading_unread(read: str) -> None:
    assert read_amount(read, TWO).value is None
