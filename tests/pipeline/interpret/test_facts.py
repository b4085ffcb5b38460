"""Draft facts from resolved tables: labels, codes as printed, columns, values."""

from __future__ import annotations

from dataclasses import replace


from _tables import GBE_HEADER, PAGE_H, PAGE_W, SUMMARY_HEADER, make_grid, page
from models import Evidence, ReviewReason, TableKind
from pipeline.interpret.facts import DraftFact, draft_facts
from pipeline.interpret.resolve import resolve_tables
from pipeline.settings import Settings

THRESHOLD = Settings().title_match_threshold


def facts_of(*pages) -> list[DraftFact]:
    resolved = resolve_tables(list(pages), THRESHOLD)
    return [d for i, t in enumerate(resolved) for d in draft_facts(i, t)]


def gbe(rows, title: str = "2025年一般公共预算支出预算表") -> list[DraftFact]:
    return facts_of(page(1, ([title, "单位：万元"], make_grid(GBE_HEADER + rows))))


def test_one_fact_per_non_empty_value_cell_with_labels_code_and_column() -> None:
    facts = gbe([
        ["201", "一般公共服务支出", "100.00", "80.00", "20.00"],
        ["2010101", "行政运行", "80.00", "80.00", ""],
    ])
    got = [(f.code, f.labels, f.column, f.value, f.value_kind, f.unit, f.row) for f in facts]
    assert got == [
        ("201", ("一般公共服务支出",), "2025年预算数/合计", "100.00", "number", "万元", 2),
        ("201", ("一般公共服务支出",), "2025年预算数/基本支出", "80.00", "number", "万元", 2),
        ("201", ("一般公共服务支出",), "2025年预算数/项目支出", "20.00", "number", "万元", 2),
        ("2010101", ("行政运行",), "2025年预算数/合计", "80.00", "number", "万元", 3),
        ("2010101", ("行政运行",), "2025年预算数/基本支出", "80.00", "number", "万元", 3),
    ]
    assert all(f.kind == TableKind.GENERAL_BUDGET_EXPENDITURE and f.page == 1 and f.reasons == () for f in facts)
    assert all(f.code_source == "printed" for f in facts)


def test_total_cell_merged_over_code_and_name_is_a_label_not_a_code() -> None:
    facts = gbe([
        [("合计", 1, 2), "100.00", "80.00", "20.00"],
        ["201", "一般公共服务支出", "100.00", "80.00", "20.00"],
    ])
    totals = [f for f in facts if f.row == 2]
    assert len(totals) == 3
    assert all(f.labels == ("合计",) and f.code is None and f.code_source is None for f in totals)


def test_thousands_separator_is_dropped_and_decimals_kept() -> None:
    facts = gbe([
        ["201", "一般公共服务支出", "1,030.50", "1,000.00", "30.5"],
        ["20101", "人大事务", "1030.50", "1000.00", "30.50"],
    ])
    first = [f for f in facts if f.row == 2]
    assert [(f.value, f.value_kind, f.raw) for f in first] == [
        ("1030.50", "number", "1,030.50"), ("1000.00", "number", "1,000.00"), ("30.5", "number", "30.5")]


def test_unparseable_value_is_kept_as_text_with_a_reason() -> None:
    facts = gbe([
        ["201", "一般公共服务支出", "100.00", "80.00", "20.00"],
        ["20101", "人大事务", "1O3#.5", "80.00", "20.00"],
        ["2010101", "行政运行", "100.00", "80.00", "20.00"],
        ["2010102", "一般行政管理事务", "100.00", "80.00", "20.00"],
    ])
    (bad,) = [f for f in facts if f.raw == "1O3#.5"]
    assert bad.value_kind == "text" and bad.reasons == ("unparseable_number",)
    assert bad.labels == ("人大事务",) and bad.column == "2025年预算数/合计"


def test_side_by_side_rows_give_each_fact_its_own_side_labels() -> None:
    facts = facts_of(page(1, (["2025年预算收支总表"], make_grid(SUMMARY_HEADER + [
        ["一、一般公共预算拨款收入", "100.00", "一、一般公共服务支出", "60.00"],
        ["", "", "二、教育支出", "40.00"],
    ]))))
    got = {(f.labels, f.column, f.value) for f in facts}
    assert got == {
        (("一、一般公共预算拨款收入",), "收入/2025年预算数", "100.00"),
        (("一、一般公共服务支出",), "支出/2025年预算数", "60.00"),
        (("二、教育支出",), "支出/2025年预算数", "40.00"),
    }


def test_bbox_is_a_fraction_of_the_page() -> None:
    (fact, *_) = gbe([["201", "一般公共服务支出", "100.00", "", ""], ["20101", "人大事务", "100.00", "", ""]])
    cell = make_grid(GBE_HEADER + [["201", "一般公共服务支出", "100.00", "", ""]]).cell_at(2, 2)
    assert fact.bbox == cell.bbox.scaled(1 / PAGE_W, 1 / PAGE_H)
    assert 0 < fact.bbox.x0 < fact.bbox.x1 < 1 and 0 < fact.bbox.y0 < fact.bbox.y1 < 1


def test_ocr_confidence_is_the_weakest_of_value_label_and_code() -> None:
    grid = make_grid(GBE_HEADER + [["201", "一般公共服务支出", "100.00", "", ""], ["20101", "人大事务", "50.00", "", ""]])
    # The code cell of the first body row was read with low confidence.
    cells = tuple(replace(c, evidence=Evidence(ocr_confidence=0.6)) if (c.row, c.col) == (2, 0) else c for c in grid.cells)
    grid = replace(grid, cells=cells)
    facts = facts_of(page(1, (["2025年一般公共预算支出预算表"], grid)))
    assert [f.evidence.ocr_confidence for f in facts] == [0.6, 0.99]


def test_an_unknown_table_is_read_as_a_ledger_and_every_fact_of_it_is_marked() -> None:
    (fact,) = facts_of(page(1, ([], make_grid(GBE_HEADER + [["201", "一般公共服务支出", "1.00", "", ""]]))))
    assert (fact.kind, fact.code, fact.labels, fact.value) == (TableKind.UNKNOWN, "201", ("一般公共服务支出",), "1.00")
    assert fact.reasons == (ReviewReason.UNKNOWN_TABLE,)


def test_catalog_rows_give_code_name_and_level() -> None:
    facts = facts_of(page(1, (["2025年政府购买服务指导性目录"], make_grid([
        ["代码", "一级目录", "二级目录", "三级目录"],
        ["B", "政府履职辅助性服务", "", ""],
        ["B03", "", "法律服务", ""],
        ["B0301", "", "", "法律顾问服务"],
    ]))))
    assert [(f.code, f.labels, f.column, f.value, f.value_kind) for f in facts] == [
        ("B", ("政府履职辅助性服务",), "一级目录", "政府履职辅助性服务", "text"),
        ("B03", ("法律服务",), "二级目录", "法律服务", "text"),
        ("B0301", ("法律顾问服务",), "三级目录", "法律顾问服务", "text"),
    ]


BUG_SHORT_TABLE = (
    "BUG: pipeline/interpret/structure.py _column_role types a value column by majority (>= 60 % amounts); in a "
    "table with two body rows one OCR-damaged amount makes the 合计 column a label column: the damaged "
    "cell gives no fact (no unparseable_number) and the other row's amount becomes one of its labels")


def test_one_damaged_amount_in_a_short_table_is_still_a_value() -> None:
    facts = gbe([
        ["201", "一般公共服务支出", "1,030.50", "1000.00", "30.50"],
        ["20101", "人大事务", "1O3#.5", "80.00", "20.00"],
    ])
    assert all(f.labels in (("一般公共服务支出",), ("人大事务",)) for f in facts)
    (bad,) = [f for f in facts if f.raw == "1O3#.5"]
    assert bad.reasons == ("unparseable_number",)


def test_a_misread_separator_is_read_through_the_column_and_doubted_until_a_sum_confirms_it() -> None:
    from pipeline.interpret.facts import with_unconfirmed_repair_reasons

    rows = [["201", "一般公共服务支出", "3,015.24", "3,015.24", ""], ["20101", "人大事务", "3.015.24", "3,015.24", ""],
            ["2010101", "行政运行", "3,015.24", "3,015.24", ""]]
    facts = facts_of(page(1, (["2025年预算支出总表"], make_grid(GBE_HEADER + rows))))
    repaired = next(f for f in facts if f.raw == "3.015.24")
    assert (repaired.value, repaired.value_kind, repaired.reasons) == ("3015.24", "number", (ReviewReason.NUMBER_FORMAT_REPAIRED,))
    (doubted,) = with_unconfirmed_repair_reasons([repaired])
    assert ReviewReason.UNPARSEABLE_NUMBER in doubted.reasons
    (vouched,) = with_unconfirmed_repair_reasons([replace(repaired, checks_passed=1)])
    assert vouched.reasons == (ReviewReason.NUMBER_FORMAT_REPAIRED,)


def test_an_amount_printed_unlike_its_column_is_doubted_until_an_identity_confirms_it() -> None:
    """A two-decimal column holding a bare 4 (a printed column number read into the cell, or a lost
    point): doubted; the same value confirmed by a sum keeps no doubt (printers drop .00 too)."""
    from pipeline.interpret.facts import without_confirmed_format_doubts

    rows = [["201", "一般公共服务支出", "104.00", "100.00", "4"], ["20101", "人大事务", "104.00", "100.00", "4.00"],
            ["2010101", "行政运行", "104.00", "100.00", "4.00"]]
    facts = facts_of(page(1, (["2025年预算支出总表"], make_grid(GBE_HEADER + rows))))
    (bare,) = [f for f in facts if f.raw == "4"]
    assert bare.value == "4" and ReviewReason.NUMBER_FORMAT_UNLIKE_COLUMN in bare.reasons
    assert not [f for f in facts if f.raw != "4" and ReviewReason.NUMBER_FORMAT_UNLIKE_COLUMN in f.reasons]
    (doubted,) = without_confirmed_format_doubts([bare])
    assert ReviewReason.NUMBER_FORMAT_UNLIKE_COLUMN in doubted.reasons
    (vouched,) = without_confirmed_format_doubts([replace(bare, checks_passed=1)])
    assert ReviewReason.NUMBER_FORMAT_UNLIKE_COLUMN not in vouched.reasons



def test_a_row_printing_neither_code_nor_label_names_nothing_and_is_doubted() -> None:
    facts = gbe([
        ["201", "一般公共服务支出", "100.00", "80.00", "20.00"],
        ["", "", "80.00", "80.00", ""],  # both lost: a fill, a rule's trace read for them
        ["", "行政运行", "20.00", "", "20.00"],  # a label alone names its row
    ])
    reasons = {(f.row, f.column): f.reasons for f in facts}
    assert all(reasons[(3, column)] == (ReviewReason.UNMATCHED_LABEL,) for row, column in reasons if row == 3)
    assert all(reasons[key] == () for key in reasons if key[0] != 3)


def test_an_amount_in_a_cell_merged_over_two_amount_columns_is_doubted() -> None:
    # A faint rule lost beside an empty cell merges 基本支出 and 项目支出 in one row: the amount could
    # be either's, and 合计 = 基本 + 项目 holds whichever it is given to.
    facts = gbe([
        ["201", "一般公共服务支出", "100.00", "80.00", "20.00"],
        ["21699", "其他商业服务业等支出", "300.00", ("300.00", 1, 2)],
    ])
    merged = [f for f in facts if f.row == 3]
    assert [(f.column, f.reasons) for f in merged] == [
        ("2025年预算数/合计", ()),
        ("2025年预算数/基本支出", (ReviewReason.TABLE_STRUCTURE_DOUBTFUL,)),
    ]
    assert all(f.reasons == () for f in facts if f.row == 2)


def test_a_text_read_with_a_character_doubled_is_doubted_unless_a_second_reading_or_the_text_layer_vouches() -> None:
    from pipeline.interpret.facts import with_doubled_character_reasons
    from pipeline.read.textcells import READ_BY

    text = replace(gbe([["201", "一般公共服务支出", "100.00", "80.00", "20.00"]])[0],
                   value="遗属生活困难补补助资金", value_kind="text", reasons=())
    undoubled = replace(text, value="遗属生活困难补助资金")
    agreed = replace(text, evidence=replace(text.evidence, agreement=1.0))  # a second engine read it so
    disputed = replace(text, evidence=replace(text.evidence, agreement=0.75))
    printed = replace(text, read_by=READ_BY)
    amount = replace(text, value="1100.00", value_kind="number")
    out = with_doubled_character_reasons([text, undoubled, agreed, disputed, printed, amount])
    assert [d.reasons for d in out] == [(ReviewReason.DOUBLED_CHARACTER,), (), (), (ReviewReason.DOUBLED_CHARACTER,), (), ()]
