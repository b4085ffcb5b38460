"""Which table each grid is, across pages: titles, units, continuation pages."""

from __future__ import annotations

from dataclasses import replace

from _tables import GBE_HEADER, make_grid, page

from models import TableKind
from pipeline.interpret.resolve import resolve_tables
from pipeline.settings import Settings

THRESHOLD = Settings().title_match_threshold
ROWS_1 = [["201", "一般公共服务支出", "100.00", "80.00", "20.00"], ["20101", "人大事务", "100.00", "80.00", "20.00"]]
ROWS_2 = [["2010101", "行政运行", "80.00", "80.00", ""], ["2010102", "一般行政管理事务", "20.00", "", "20.00"]]


def test_title_gives_kind_title_and_unit() -> None:
    pages = [page(1, (["阳高县教育局", "2025年一般公共预算支出预算表", "单位：万元"], make_grid(GBE_HEADER + ROWS_1)))]
    (table,) = resolve_tables(pages, THRESHOLD)
    assert table.kind == TableKind.GENERAL_BUDGET_EXPENDITURE
    assert table.title == "2025年一般公共预算支出预算表"
    assert table.unit == "万元"
    assert table.continued is False
    assert table.layout is not None and table.layout.header_rows == 2


def test_continuation_page_with_the_header_repeated() -> None:
    pages = [
        page(1, (["2025年一般公共预算支出预算表", "单位：万元"], make_grid(GBE_HEADER + ROWS_1))),
        page(2, ([], make_grid(GBE_HEADER + ROWS_2))),
    ]
    first, second = resolve_tables(pages, THRESHOLD)
    assert second.kind == TableKind.GENERAL_BUDGET_EXPENDITURE
    assert second.continued is True
    assert second.unit == "万元"  # inherited
    assert second.layout is not None and second.layout.column_paths == first.layout.column_paths


def test_continuation_page_without_a_header_keeps_the_header_it_continues() -> None:
    pages = [
        page(1, (["2025年一般公共预算支出预算表"], make_grid(GBE_HEADER + ROWS_1))),
        page(2, ([], make_grid(ROWS_2))),
    ]
    first, second = resolve_tables(pages, THRESHOLD)
    assert (second.kind, second.continued) == (TableKind.GENERAL_BUDGET_EXPENDITURE, True)
    assert second.layout is not None
    assert second.layout.header_rows == 0
    assert second.layout.column_paths == first.layout.column_paths
    assert second.layout.groups == first.layout.groups


def test_a_different_header_is_not_a_continuation() -> None:
    other_header = [["部门预算支出经济科目名称", "2025年预算数"], ["基本工资", "50.00"], ["津贴补贴", "30.00"]]
    pages = [
        page(1, (["2025年一般公共预算支出预算表"], make_grid(GBE_HEADER + ROWS_1))),
        page(2, ([], make_grid(other_header))),
    ]
    _, second = resolve_tables(pages, THRESHOLD)
    assert second.continued is False
    assert second.kind == TableKind.UNKNOWN


def test_a_new_title_starts_a_new_table_even_with_the_same_header() -> None:
    pages = [
        page(1, (["2025年预算支出总表"], make_grid(GBE_HEADER + ROWS_1))),
        page(2, (["2025年一般公共预算支出预算表"], make_grid(GBE_HEADER + ROWS_1))),
    ]
    first, second = resolve_tables(pages, THRESHOLD)
    assert (first.kind, second.kind) == (TableKind.EXPENDITURE_SUMMARY, TableKind.GENERAL_BUDGET_EXPENDITURE)
    assert second.continued is False


def test_a_first_page_without_title_or_signature_is_unknown() -> None:
    (table,) = resolve_tables([page(1, ([], make_grid(GBE_HEADER + ROWS_1)))], THRESHOLD)
    assert table.kind == TableKind.UNKNOWN and table.continued is False


def test_a_titleless_catalog_grid_is_recognised_by_its_words() -> None:
    grid = make_grid([["代码", "一级目录", "二级目录", "三级目录"], ["B", "政府履职辅助性服务", "", ""]])
    (table,) = resolve_tables([page(1, ([], grid))], THRESHOLD)
    assert table.kind == TableKind.PROCUREMENT_CATALOG
    assert table.unit is None


def test_a_header_cell_the_copier_garbled_is_named_by_the_kind_s_template() -> None:
    from _tables import make_grid, page

    grid = make_grid([[("科目编码", 2, 1), ("科目名称", 2, 1), ("2025年预算数", 1, 3)], ["合计", "某术攴出", "项目支出"],
                      ["201", "一般公共服务支出", "100.00", "60.00", "40.00"]])
    (table,) = resolve_tables([page(1, (["2025年预算支出总表"], grid))], 70.0)
    assert table.layout.column_paths[3] == "2025年预算数/基本支出"
    assert table.quality.fits and table.quality.renamed == 1


def test_a_grid_with_columns_its_kind_cannot_have_is_doubted() -> None:
    from _tables import make_grid, page

    from models import ReviewReason
    from pipeline.interpret.facts import draft_facts

    # Dot screens cut extra columns into the grid, seven where the national format prints five, and
    # the dots in them read as marks: no column is empty, none can be told for a trace.
    grid = make_grid([[("科目编码", 2, 1), ("科目名称", 2, 1), ("2025年预算数", 1, 5)], ["合计", "", "基本支出", "", "项目支出"],
                      ["201", "一般公共服务支出", "100.00", "3", "60.00", "7", "40.00"]])
    (table,) = resolve_tables([page(1, (["2025年预算支出总表"], grid))], 70.0)
    assert not table.quality.fits
    facts = draft_facts(0, table)
    assert facts and all(ReviewReason.TABLE_STRUCTURE_DOUBTFUL in f.reasons for f in facts)


def test_of_two_grids_over_one_table_the_reading_of_a_known_kind_is_kept() -> None:
    # A phone photo: the sheet's shadow read as a frame around the table, the title caught inside it.
    frame = make_grid([["", "2025年一般公共预算支出预算表", "", "", "", ""], ["", "科目编码", "科目名称", "合计", "", ""],
                       *[[""] + r for r in ROWS_1], ["", "", "", "", "", ""], ["", "", "", "", "", ""]], x0=20, y0=260)
    table = make_grid(GBE_HEADER + ROWS_1)
    (kept,) = resolve_tables([page(1, ([], frame), (["2025年一般公共预算支出预算表"], table))], THRESHOLD)
    assert kept.kind == TableKind.GENERAL_BUDGET_EXPENDITURE and kept.table.grid == table
    # Two tables side by side on a page are both read.
    beside = make_grid(GBE_HEADER + ROWS_2, x0=700, y0=300)
    both = resolve_tables([page(1, (["2025年一般公共预算支出预算表"], table), ([], beside))], THRESHOLD)
    assert len(both) == 2


def test_of_two_readings_of_one_form_the_fuller_is_kept() -> None:
    # A form found whole and again as a fragment of its first column (a lost ruling line).
    rows = [["项目名称", "遗属生活困难补助资金"], ["主管部门及代码", "029-山阴县商务局"], ["项目属性", "经常性项目"]]
    whole = make_grid(rows)
    fragment = make_grid([[r[0]] for r in rows])
    (kept,) = resolve_tables([page(1, (["项目支出绩效目标表"], whole), ([], fragment))], THRESHOLD)
    assert kept.table.grid == whole


GARBLED_HEADER = [["1,1n114", "浦科择名生", "证合", "一股公共", "政府姓"]]  # a photocopy's dots over a grey header


def test_a_garbled_header_on_the_next_page_with_as_many_columns_continues_the_table() -> None:
    pages = [
        page(1, (["2025年一般公共预算支出预算表", "单位：万元"], make_grid(GBE_HEADER + ROWS_1))),
        page(2, ([], make_grid(GARBLED_HEADER + ROWS_2))),
    ]
    first, second = resolve_tables(pages, THRESHOLD)
    assert (second.kind, second.continued, second.unit) == (TableKind.GENERAL_BUDGET_EXPENDITURE, True, "万元")
    assert second.kind_score < first.kind_score  # known by its shape only


def test_shape_alone_does_not_reach_over_a_page() -> None:
    pages = [
        page(1, (["2025年一般公共预算支出预算表"], make_grid(GBE_HEADER + ROWS_1))),
        page(3, ([], make_grid(GARBLED_HEADER + ROWS_2))),
    ]
    assert resolve_tables(pages, THRESHOLD)[1].kind == TableKind.UNKNOWN


def test_a_repeated_header_continues_though_the_grid_gained_a_column_at_its_edge() -> None:
    # A scanner lid's dark border read as one more rule on the first page.
    widened = [[*GBE_HEADER[0], ("", 2, 1)], GBE_HEADER[1], *[[*r, ""] for r in ROWS_1]]
    pages = [
        page(1, (["2025年一般公共预算支出预算表"], make_grid(widened))),
        page(2, ([], make_grid(GBE_HEADER + ROWS_2))),
    ]
    first, second = resolve_tables(pages, THRESHOLD)
    # The empty column is no column of the national format: taken out, the first page fits its template.
    assert first.table.grid.n_cols == 5 and first.quality.fits and second.table.grid.n_cols == 5
    assert (second.kind, second.continued) == (TableKind.GENERAL_BUDGET_EXPENDITURE, True)


def test_columns_nothing_is_printed_in_are_taken_out_where_the_template_then_fits() -> None:
    # A lid's dark border before the first column (its edge read as 1 and L) and a margin after the
    # last, read as columns.
    rows = [[("", 2, 1), *GBE_HEADER[0], ("", 4, 1)], GBE_HEADER[1], ["1", *ROWS_1[0]], ["L", *ROWS_1[1]]]
    (table,) = resolve_tables([page(1, (["2025年一般公共预算支出预算表"], make_grid(rows)))], THRESHOLD)
    assert table.quality.fits and table.table.grid.n_cols == 5
    assert table.layout.column_paths[0] == "科目编码" and table.table.grid.cell_at(2, 0).text == ROWS_1[0][0]


def test_a_column_cut_off_from_the_header_cell_spanning_it_is_named_by_the_template() -> None:
    # A photocopy's broken rule split 2025年预算数 from the columns it spans: 合计 stands under a
    # blank cell, one level short of the template's 2025年预算数/合计.
    cut = [[("科目编码", 2, 1), ("科目名称", 2, 1), "", "2025年预算数", ""], ["合计", "基本支出", "项目支出"]]
    (table,) = resolve_tables([page(1, (["2025年一般公共预算支出预算表"], make_grid(cut + ROWS_1)))], THRESHOLD)
    assert table.layout is not None
    assert table.layout.column_paths[2:] == ("2025年预算数/合计", "2025年预算数/基本支出", "2025年预算数/项目支出")
    # 科目编码 printed alone over both header rows keeps its printed name.
    assert table.layout.column_paths[0] == "科目编码"


CATALOG_BODY = [["A1303", "", "", "轨道交通应急演练服务"], ["A1304", "", "", "道路养护服务"],
                ["A14", "", "灾害防治及应急管理", ""], ["A1401", "", "", "防灾减灾预警、预报服务"],
                ["A1402", "", "", "防灾减灾技术指导服务"]]


def test_the_catalog_is_known_by_its_codes_when_its_header_is_wiped_out() -> None:
    garbled = [["代码", "一一级录", "年一级自录年", "11级1"]]  # a photocopy's dots over the grey header
    first = make_grid([["代码", "一级目录", "二级目录", "三级目录"], *CATALOG_BODY])
    pages = [page(1, (["山西省政府购买服务指导性目录"], first)), page(2, ([], make_grid(garbled + CATALOG_BODY)))]
    _, second = resolve_tables(pages, THRESHOLD)
    assert (second.kind, second.continued) == (TableKind.PROCUREMENT_CATALOG, True)
    # Its columns are the catalog's, named by the template where the print was unreadable.
    assert second.layout is not None and second.layout.column_paths == ("代码", "一级目录", "二级目录", "三级目录")
    (alone,) = resolve_tables([page(5, ([], make_grid(garbled + CATALOG_BODY)))], THRESHOLD)
    assert (alone.kind, alone.continued) == (TableKind.PROCUREMENT_CATALOG, False)
    # A ledger's codes are no 目录 codes.
    (ledger,) = resolve_tables([page(7, ([], make_grid(GARBLED_HEADER + ROWS_1 + ROWS_2)))], THRESHOLD)
    assert ledger.kind == TableKind.UNKNOWN


def test_a_misread_header_word_gets_the_templates_spelling() -> None:
    misread = [[("科目编码", 2, 1), ("科目名称", 2, 1), ("2025年预算数", 1, 3)], ["こ合计", "基本支", "项目支出"]]
    (table,) = resolve_tables([page(1, (["2025年一般公共预算支出预算表"], make_grid(misread + ROWS_1)))], THRESHOLD)
    assert table.layout is not None
    assert table.layout.column_paths[2:] == ("2025年预算数/合计", "2025年预算数/基本支出", "2025年预算数/项目支出")
    assert table.quality.renamed == 2


def test_a_header_row_lost_above_the_grid_is_restored_from_the_lines_read_there() -> None:
    # A fax lost the rule over the header: 项目 and 2025年预算数 were read as text above the table.
    lower = [["科目编码", "科目名称", "合计", "基本支出", "项目支出"]]
    context = ["2025年一般公共预算支出预算表", "单位：万元", "项目", "2025年预算数"]
    (table,) = resolve_tables([page(1, (context, make_grid(lower + ROWS_1)))], THRESHOLD)
    assert table.layout is not None
    assert table.layout.column_paths[2:] == ("2025年预算数/合计", "2025年预算数/基本支出", "2025年预算数/项目支出")
    # Without those lines the one-level print is the printer's and is kept.
    (plain,) = resolve_tables([page(1, (context[:2], make_grid(lower + ROWS_1)))], THRESHOLD)
    assert plain.layout is not None and plain.layout.column_paths[2] == "合计"


def test_a_dated_column_misread_under_the_title_s_year_takes_the_title_s_year() -> None:
    # Three 2025 columns; a dot screen made the middle one read 2026, its words kept as printed.
    rows = [[("科目编码", 2, 1), ("科目名称", 2, 1), ("2025年预算数", 1, 1), ("2026年预算数", 1, 1), ("2025年预算数", 1, 1)],
            ["合计", "基本支出", "项目支出"], ["201", "一般公共服务支出", "100.00", "60.00", "40.00"]]
    (table,) = resolve_tables([page(1, (["2025年预算支出总表"], make_grid(rows)))], 70.0)
    assert table.quality.fits
    assert table.layout.column_paths[2:] == ("2025年预算数/合计", "2025年预算数/基本支出", "2025年预算数/项目支出")


# The 三公 and 机关运行经费 tables print the same amounts' header and differ by their label column.
_BUDGET_COLUMNS = [("2025年预算数", 1, 4)], ["合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]


def _untitled(label_header: str, rows: list[list[str]]) -> list:
    header = [[(label_header, 2, 1), *_BUDGET_COLUMNS[0]], list(_BUDGET_COLUMNS[1])]
    return [page(1, (["家公学一公经文出长表", "单位：万元"], make_grid(header + rows)))]


def test_a_table_whose_title_is_unreadable_takes_the_one_kind_its_header_fits() -> None:
    three = _untitled("项目", [["因公出国（境）费", "1.00", "1.00", "", ""]])
    operating = _untitled("单位名称", [["某县教育局", "29.20", "29.20", "", ""]])
    (first,) = resolve_tables(three, THRESHOLD)
    (second,) = resolve_tables(operating, THRESHOLD)
    assert (first.kind, second.kind) == (TableKind.THREE_PUBLIC, TableKind.OPERATING_EXPENSES)
    assert first.quality.fits and first.title == ""


def test_a_header_two_kinds_print_alike_gives_no_kind_without_a_title() -> None:
    # 一般公共预算支出表 and 政府性基金预算支出表 print the same header: the title alone can tell them.
    pages = [page(1, (["家公学一公经文出长表"], make_grid(GBE_HEADER + ROWS_1)))]
    (table,) = resolve_tables(pages, THRESHOLD)
    assert table.kind == TableKind.UNKNOWN


def test_an_untitled_header_naming_another_kind_is_no_continuation_of_the_table_before() -> None:
    three = _untitled("项目", [["因公出国（境）费", "1.00", "1.00", "", ""]])[0]
    operating = _untitled("单位名称", [["某县教育局", "29.20", "29.20", "", ""]])[0]
    first, second = resolve_tables([three, replace(operating, ref=replace(operating.ref, index=1))], THRESHOLD)
    assert (first.kind, second.kind, second.continued) == (TableKind.THREE_PUBLIC, TableKind.OPERATING_EXPENSES, False)


def test_a_title_row_inside_the_frame_is_read_as_the_title_not_as_a_header_level() -> None:
    # The frame drawn around the 部门名称 line and the title (or a copier's band read as the top rule).
    header = [["部门名称：某县教育局", ("2025年一般公共预算支出预算表 单位：万元", 1, 4)], *GBE_HEADER]
    (table,) = resolve_tables([page(1, ([], make_grid(header + ROWS_1)))], THRESHOLD)
    assert (table.kind, table.unit) == (TableKind.GENERAL_BUDGET_EXPENDITURE, "万元")
    assert table.layout is not None and table.layout.header_rows == 2
    assert table.layout.column_paths[2] == "2025年预算数/合计"
    assert table.table.grid.cell_at(0, 0).text == "科目编码"


def test_a_first_row_that_is_no_title_stays_in_the_grid() -> None:
    rows = [[("说明：本表无数据的栏次空白", 1, 5)], *GBE_HEADER, *ROWS_1]
    (table,) = resolve_tables([page(1, (["2025年一般公共预算支出预算表"], make_grid(rows)))], THRESHOLD)
    assert table.table.grid.n_rows == len(rows)


_ECONOMIC_TITLE = ["2025年一般公共预算安排基本支出分经济科目表"]


def test_a_line_through_the_label_column_is_taken_out_where_no_amounts_stand_on_both_sides() -> None:
    # A streak through the 部门 科目名称 column cut its header word in two.
    header = [[("部门预算支出", 2, 1), ("经济科目名称", 2, 1), ("政府预算支出经济科目名称", 2, 1), ("2025年预算数", 1, 3)],
              ["合计", "人员经费", "公用经费"]]
    rows = [["工资福利支出", "", "机关工资福利支出", "204.14", "190.00", "14.14"],
            ["", "基本工资", "机关工资福利支出", "61.02", "61.02", ""]]
    (table,) = resolve_tables([page(1, (_ECONOMIC_TITLE, make_grid(header + rows)))], THRESHOLD)
    assert table.quality.fits and table.table.grid.n_cols == 5
    assert [c.text for c in table.table.grid.cells if c.col == 0 and c.row >= 2] == ["工资福利支出", "基本工资"]


def test_a_rule_between_two_amounts_is_never_taken_out_to_make_a_grid_fit() -> None:
    header = [[("部门预算支出经济科目名称", 2, 1), ("政府预算支出经济科目名称", 2, 1), ("2025年预算数", 1, 4)],
              ["合计", "人员", "经费", "公用经费"]]
    rows = [["工资福利支出", "机关工资福利支出", "204.14", "100.00", "90.00", "14.14"]]
    (table,) = resolve_tables([page(1, (_ECONOMIC_TITLE, make_grid(header + rows)))], THRESHOLD)
    assert not table.quality.fits and table.table.grid.n_cols == 6
