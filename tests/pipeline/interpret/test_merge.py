"""A streak that passed for a column rule: the column line taken out where a number it cuts or the kind's template says so."""

from __future__ import annotations

from dataclasses import replace

from _tables import make_grid, page
from pipeline.interpret.merge import without_col_edge
from pipeline.interpret.resolve import resolve_tables

# 预算支出总表 with its 科目名称 column cut in two by a streak (grid column 2 is the sliver right of it).
SPLIT = [
    [("科目编码", 2, 1), ("科目", 2, 1), ("名称", 2, 1), ("2025年预算数", 1, 3)],
    ["合计", "基本支出", "项目支出"],
    ["201", "一般公共", "服务支出", "100.00", "60.00", "40.00"],
    ["20113", "商贸事务", "", "100.00", "60.00", "40.00"],
]


def test_taking_a_column_line_out_joins_the_cells_on_its_two_sides() -> None:
    grid = make_grid(SPLIT)
    merged = without_col_edge(grid, 2)
    assert merged is not None and merged.n_cols == grid.n_cols - 1
    assert [c.text for c in merged.cells if c.row == 2] == ["201", "一般公共服务支出", "100.00", "60.00", "40.00"]
    assert merged.cell_at(0, 1).text == "科目名称" and merged.cell_at(0, 1).row_span == 2
    assert merged.cell_at(0, 2).text == "2025年预算数" and merged.cell_at(0, 2).col_span == 3


def test_a_suspect_line_that_breaks_the_template_is_taken_out() -> None:
    grid = replace(make_grid(SPLIT), suspect_col_edges=(2,))
    (table,) = resolve_tables([page(1, (["2025年预算支出总表"], grid))], 70.0)
    assert table.quality.fits and table.table.grid.n_cols == 5
    assert table.layout.column_paths[2:] == ("2025年预算数/合计", "2025年预算数/基本支出", "2025年预算数/项目支出")


def test_a_suspect_line_along_a_real_rule_stays() -> None:
    rows = [[("科目编码", 2, 1), ("科目名称", 2, 1), ("2025年预算数", 1, 3)], ["合计", "基本支出", "项目支出"],
            ["201", "一般公共服务支出", "100.00", "60.00", "40.00"]]
    grid = replace(make_grid(rows), suspect_col_edges=(3,))  # a streak lay along the 合计|基本支出 rule
    (table,) = resolve_tables([page(1, (["2025年预算支出总表"], grid))], 70.0)
    assert table.quality.fits and table.table.grid.n_cols == 5


# A 项目支出绩效目标表 whose amounts column a copier's streak cut through: 1,350,000 read as
# ``1`` left of the streak and ``,350,000`` right of it.
FORM_CUT = [
    ["项目名称", ("招商引资专项经费", 1, 4)],
    ["实施期资金总额", "3,000,000", "年度资金总额", "1", ",350,000"],
    ["其中：中央财政资金", "0", "其中：中央财政资金", "", "0"],
]


def test_a_suspect_line_that_cuts_a_number_in_two_is_taken_out_of_a_form() -> None:
    grid = replace(make_grid(FORM_CUT), suspect_col_edges=(4,))
    (table,) = resolve_tables([page(1, (["项目支出绩效目标表"], grid))], 70.0)
    merged = table.table.grid
    assert merged.n_cols == 4 and merged.suspect_col_edges == ()
    assert [c.text for c in merged.cells if c.row == 1] == ["实施期资金总额", "3,000,000", "年度资金总额", "1,350,000"]
    assert merged.cell_at(0, 1).col_span == 3


def test_only_a_suspect_line_is_judged_by_the_numbers_it_cuts() -> None:
    (table,) = resolve_tables([page(1, (["项目支出绩效目标表"], make_grid(FORM_CUT)))], 70.0)
    assert table.table.grid.n_cols == 5  # a line the grid stage did not doubt is a rule


def test_a_suspect_line_between_two_whole_amounts_stays() -> None:
    rows = [["项目名称", ("招商引资专项经费", 1, 3)], ["实施期资金总额", "3,000,000", "12", "34"]]
    grid = replace(make_grid(rows), suspect_col_edges=(3,))
    (table,) = resolve_tables([page(1, (["项目支出绩效目标表"], grid))], 70.0)
    assert table.table.grid.n_cols == 4


# A 基本支出分经济科目表 under a copier's dot screen: a trace inside the first column made a
# column no header cell starts at, the screen split 2025年预算数 from its third column (read
# 5559), and 合计 was lost.  The rows before the data are the header, and the grid without
# the headerless line has the template's five columns.
SCREENED = [
    [("部门预算支出经济科目名称", 2, 2), ("政府预算支出经济科目名称", 2, 1), ("2025年预算数", 1, 2), "5559"],
    ["", "人员经费", "公用经费"],
    [("合计", 1, 3), "591.85", "546.13", "45.72"],
    [("工资福利支出", 1, 2), "", "470.96", "470.96", ""],
    ["基本工资", "", "工资奖金津补贴", "86.42", "86.42", ""],
]


def test_a_line_no_header_cell_starts_at_is_taken_out_where_the_template_then_fits() -> None:
    (table,) = resolve_tables([page(1, (["阳高县教育局2025年一般公共预算安排基本支出分经济科目表"], make_grid(SCREENED)))], 70.0)
    assert table.quality.fits and table.table.grid.n_cols == 5 and table.layout.header_rows == 2
    assert table.layout.column_paths == ("部门预算支出经济科目名称", "政府预算支出经济科目名称", "2025年预算数/合计",
                                         "2025年预算数/人员经费", "2025年预算数/公用经费")
    assert [c.text for c in table.table.grid.cells if c.row == 4] == ["基本工资", "工资奖金津补贴", "86.42", "86.42", ""]


def test_a_headerless_line_stays_where_taking_it_out_does_not_make_the_template_fit() -> None:
    # The headerless line and a column the 预算支出总表 has not (备注): without the line the grid still
    # has a column too many, so nothing shows the line was no rule.
    rows = [[("科目编码", 2, 1), ("科目名称", 2, 2), ("2025年预算数", 1, 3), ("备注", 2, 1)], ["合计", "基本支出", "项目支出"],
            ["201", "一般公共服务支出", "", "100.00", "60.00", "40.00", ""]]
    (table,) = resolve_tables([page(1, (["2025年预算支出总表"], make_grid(rows)))], 70.0)
    assert table.table.grid.n_cols == 7 and not table.quality.fits
