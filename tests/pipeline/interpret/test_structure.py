"""Header rows, column paths and column groups of hand-built read grids."""

from __future__ import annotations

import pytest

from _tables import GBE_HEADER, SUMMARY_HEADER, make_grid
from pipeline.interpret.structure import ColumnGroup, analyse, canonical_header


def test_rowspan_colspan_header_with_a_column_number_row() -> None:
    grid = make_grid([
        [("科目编码", 2, 1), ("科目名称", 2, 1), ("合计", 2, 1), ("本年收入", 1, 2)],
        ["一般公共预算", "政府性基金预算"],
        ["栏次", "", "1", "2", "3"],
        ["201", "一般公共服务支出", "100.00", "80.00", "20.00"],
        ["20101", "人大事务", "100.00", "80.00", "20.00"],
    ])
    layout = analyse(grid)
    assert layout.header_rows == 3
    assert layout.number_rows == (2,)
    assert layout.column_paths == ("科目编码", "科目名称", "合计", "本年收入/一般公共预算", "本年收入/政府性基金预算")
    assert layout.groups == (ColumnGroup(label_cols=(1,), code_col=0, value_cols=(2, 3, 4)),)


@pytest.mark.parametrize("numbers", [
    ["栏次", "1", "栏次", "2", "3", "4"],  # numbering goes on across the two sides
    ["栏次", "1", "栏次", "1", "2", "3"],  # each side numbered from 1
    ["栏次", "l", "栏次", "2", "3", "4"],  # a lone 1 read as the letter l
    ["-栏次", "1", "栏次。", "2", "3.", "4"],  # a rule's trace and specks beside caption and numbers
])
def test_a_number_row_of_a_side_by_side_table_is_no_data(numbers: list[str]) -> None:
    grid = make_grid([
        [("收入", 1, 2), ("支出", 1, 4)],
        ["项目", "2025年", "项目", "2025年合计", "当年预算安排", "上年结转安排"],
        numbers,
        ["一、一般公共预算", "100.00", "一、一般公共服务支出", "100.00", "100.00", ""],
    ])
    layout = analyse(grid)
    assert layout.header_rows == 3 and layout.number_rows == (2,)


def test_a_row_of_amounts_is_not_a_number_row() -> None:
    grid = make_grid(GBE_HEADER + [["栏次", "", "1", "2", "15.00"], ["201", "一般公共服务支出", "100.00", "80.00", "20.00"]])
    assert analyse(grid).number_rows == ()


def test_year_header_over_sub_columns() -> None:
    grid = make_grid(GBE_HEADER + [
        ["201", "一般公共服务支出", "100.00", "80.00", "20.00"],
        ["2010101", "行政运行", "100.00", "80.00", "20.00"],
    ])
    layout = analyse(grid)
    assert layout.header_rows == 2 and layout.number_rows == ()
    assert layout.column_paths[2:] == ("2025年预算数/合计", "2025年预算数/基本支出", "2025年预算数/项目支出")
    (group,) = layout.groups
    assert group.code_col == 0 and group.label_cols == (1,)


@pytest.mark.parametrize("merged", ["合计1一般公共预算", "合计一般公共预算", "合计|一般公共预算", "I合计一般公共预算"])
def test_two_headers_a_lost_column_line_merged_go_each_to_its_column(merged: str) -> None:
    # A rough scan lost the line between 合计 and 一般公共预算 in the header row only: the grid
    # gives one cell over both value columns, and its trace reads as "1" or "|".
    grid = make_grid([
        [("科目编码", 2, 1), ("科目名称", 2, 1), ("2025年预算数", 1, 2)],
        [(merged, 1, 2)],
        ["201", "一般公共服务支出", "100.00", "80.00"],
        ["20101", "人大事务", "100.00", "80.00"],
    ])
    assert analyse(grid).column_paths[2:] == ("2025年预算数/合计", "2025年预算数/一般公共预算")


def test_a_header_that_really_spans_two_columns_is_not_split() -> None:
    grid = make_grid([
        [("科目编码", 2, 1), ("科目名称", 2, 1), ("本年收入", 1, 2)],
        ["一般公共预算", "政府性基金预算"],
        ["201", "一般公共服务支出", "80.00", "20.00"],
    ])
    assert analyse(grid).column_paths[2:] == ("本年收入/一般公共预算", "本年收入/政府性基金预算")


def test_three_level_header_of_the_appropriation_summary() -> None:
    grid = make_grid([
        [("收入", 1, 2), ("支出", 1, 3)],
        [("项目", 2, 1), ("金额", 2, 1), ("项目", 2, 1), ("金额", 1, 2)],
        ["小计", "一般公共预算"],
        ["一、一般公共预算拨款收入", "100.00", "一、一般公共服务支出", "100.00", "100.00"],
        ["二、政府性基金预算拨款收入", "", "二、教育支出", "", ""],
    ])
    layout = analyse(grid)
    assert layout.header_rows == 3
    assert layout.column_paths == ("收入/项目", "收入/金额", "支出/项目", "支出/金额/小计", "支出/金额/一般公共预算")


def test_side_by_side_table_has_two_groups() -> None:
    grid = make_grid(SUMMARY_HEADER + [
        ["一、一般公共预算拨款收入", "100.00", "一、一般公共服务支出", "100.00"],
        ["二、政府性基金预算拨款收入", "0.00", "二、教育支出", "0.00"],
        ["本年收入合计", "100.00", "本年支出合计", "100.00"],
    ])
    layout = analyse(grid)
    assert layout.header_rows == 2
    assert layout.column_paths == ("收入/项目", "收入/2025年预算数", "支出/项目", "支出/2025年预算数")
    assert layout.groups == (
        ColumnGroup(label_cols=(0,), code_col=None, value_cols=(1,)),
        ColumnGroup(label_cols=(2,), code_col=None, value_cols=(3,)),
    )


def test_code_column_is_found_by_its_contents_without_a_code_header() -> None:
    grid = make_grid([
        ["", "项目", "金额"],
        ["201", "一般公共服务支出", "100.00"],
        ["20101", "人大事务", "100.00"],
        ["2010101", "行政运行", "100.00"],
    ])
    (group,) = analyse(grid).groups
    assert group == ColumnGroup(label_cols=(1,), code_col=0, value_cols=(2,))


def test_empty_table_header_stops_before_the_total_row() -> None:
    grid = make_grid([
        [("科目编码", 2, 1), ("科目名称", 2, 1), ("本年政府性基金预算支出", 1, 3)],
        ["合计", "基本支出", "项目支出"],
        [("合计", 1, 2), "", "", ""],
    ])
    layout = analyse(grid)
    assert layout.header_rows == 2


def test_a_header_only_table_without_body() -> None:
    grid = make_grid([["项目", "2025年预算数"], ["", ""]])
    assert analyse(grid).header_rows == 1


def test_first_row_holding_data_is_not_a_header() -> None:
    """A continuation page printed without its header."""
    grid = make_grid([
        ["2010101", "行政运行", "100.00", "80.00", "20.00"],
        ["2010102", "一般行政管理事务", "5.00", "5.00", ""],
    ])
    layout = analyse(grid)
    assert layout.header_rows == 0 and layout.column_paths == ("", "", "", "", "")


def test_header_signature_ignores_the_number_row() -> None:
    with_numbers = make_grid([["项目", "金额"], ["栏次", "1"], ["一、一般公共服务支出", "100.00"]])
    without = make_grid([["项目", "金额"], ["一、一般公共服务支出", "100.00"]])
    assert analyse(with_numbers).header_signature == analyse(without).header_signature


@pytest.mark.parametrize(("raw", "canonical"), [("项 目", "项目"), ("２０２５年 预算数", "2025年预算数"), ("部门预算支出经济科日名称", "部门预算支出经济科目名称")])
def test_canonical_header_spelling(raw: str, canonical: str) -> None:
    assert canonical_header(raw)[0] == canonical


def test_ocr_damaged_header_word_gets_its_canonical_spelling() -> None:
    grid = make_grid([["项自", "2025年预算数"], ["一、一般公共服务支出", "100.00"], ["二、教育支出", "50.00"]])
    assert analyse(grid).column_paths == ("项目", "2025年预算数")


@pytest.mark.parametrize(("raw", "canonical"), [("科目编吗", "科目编码"), ("基木支出", "基本支出"), ("一般公共预箅", "一般公共预算")])
def test_four_character_header_with_one_damaged_character(raw: str, canonical: str) -> None:
    assert canonical_header(raw)[0] == canonical
