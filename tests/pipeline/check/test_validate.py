"""Arithmetic identities, one-cell corrections and the one-cent rounding rule."""

from __future__ import annotations

from models import BBox, Evidence, ReviewReason, TableKind
from pipeline.interpret.facts import DraftFact
from pipeline.check.validate import validate

COLUMNS = {2: "2025年预算数/合计", 3: "2025年预算数/基本支出", 4: "2025年预算数/项目支出"}


def _fact(row: int, col: int, value: str, code: str | None = None, label: str = "行", confidence: float = 0.99,
          table: int = 0) -> DraftFact:
    return DraftFact(table_index=table, kind=TableKind.EXPENDITURE_SUMMARY, page=1, row=row, col=col, code=code,
                     code_source="printed" if code else None, labels=(label,), raw_labels=(label,),
                     column=COLUMNS[col], value=value, value_kind="number", unit="万元", raw=value,
                     evidence=Evidence(ocr_confidence=confidence), bbox=BBox(0, 0, 1, 1), reasons=())


def _table(rows: list[tuple[str | None, str, str, str, str]], table: int = 0) -> list[DraftFact]:
    facts = []
    for r, (code, label, total, basic, project) in enumerate(rows):
        for col, value in ((2, total), (3, basic), (4, project)):
            if value:
                facts.append(_fact(r, col, value, code, label, table=table))
    return facts


CONSISTENT = [
    (None, "合计", "100.50", "60.00", "40.50"),
    ("201", "一般公共服务支出", "100.50", "60.00", "40.50"),
    ("20113", "商贸事务", "100.50", "60.00", "40.50"),
    ("2011301", "行政运行", "60.00", "60.00", ""),
    ("2011308", "招商引资", "40.50", "", "40.50"),
]


def _by_cell(outcome):
    return {(d.row, d.col): d for d in outcome.drafts}


def test_a_consistent_table_passes_every_identity() -> None:
    outcome = validate(_table(CONSISTENT), {0: 0})
    assert outcome.identities_checked > 0 and outcome.identities_failed == 0 and outcome.corrections == 0
    assert all(d.reasons == () and d.checks_passed >= 1 for d in outcome.drafts)


def test_one_misread_digit_pinned_by_row_and_hierarchy_is_corrected() -> None:
    rows = list(CONSISTENT)
    rows[3] = ("2011301", "行政运行", "60.00", "80.00", "")  # 基本支出 60.00 read as 80.00
    cell = _by_cell(validate(_table(rows), {0: 0}))[(3, 3)]
    assert cell.value == "60.00" and cell.raw == "80.00" and "corrected_by_arithmetic" in cell.reasons


def test_a_lost_decimal_point_is_corrected() -> None:
    rows = list(CONSISTENT)
    rows[4] = ("2011308", "招商引资", "40.50", "", "4050")
    cell = _by_cell(validate(_table(rows), {0: 0}))[(4, 4)]
    assert cell.value == "40.50" and "corrected_by_arithmetic" in cell.reasons


def test_a_correction_confirms_nothing_else_in_the_identity_that_solved_it() -> None:
    # A column number '4' read into the 项目支出 cell of a row whose 基本支出 equals its total:
    # 6.84 = x + 4 pins 基本支出 at 2.84, one digit from what was read.  That the row then
    # balances is the correction's doing, not evidence for the stray '4'.
    outcome = validate(_table([(None, "某项目", "6.84", "6.84", "4")]), {0: 0})
    cells = _by_cell(outcome)
    assert outcome.corrections == 1 and cells[(0, 3)].value == "2.84"
    assert [cells[(0, c)].checks_passed for c in (2, 3, 4)] == [0, 0, 0]


def test_a_corrected_cell_is_vouched_for_by_its_other_identities() -> None:
    rows = list(CONSISTENT)
    rows[3] = ("2011301", "行政运行", "60.00", "80.00", "")  # row and hierarchy both pin 60.00
    cells = _by_cell(validate(_table(rows), {0: 0}))
    assert cells[(3, 3)].value == "60.00" and cells[(3, 3)].checks_passed >= 1


def test_a_rule_s_trace_read_as_a_leading_1_is_corrected_where_the_identities_pin_it() -> None:
    rows = list(CONSISTENT)
    rows[3] = ("2011301", "行政运行", "60.00", "160.00", "")  # the lost rule beside 60.00 read as a 1
    cell = _by_cell(validate(_table(rows), {0: 0}))[(3, 3)]
    assert (cell.value, cell.raw) == ("60.00", "160.00") and "corrected_by_arithmetic" in cell.reasons


def test_nothing_is_invented_when_the_constraints_do_not_pin_one_cell() -> None:
    # One row, no hierarchy: the total, either part, each one digit away from balancing it.
    outcome = validate(_table([(None, "合计", "100.50", "60.00", "50.50")]), {0: 0})
    assert outcome.corrections == 0
    cells = _by_cell(outcome)
    assert [cells[(0, c)].value for c in (2, 3, 4)] == ["100.50", "60.00", "50.50"]
    assert all(ReviewReason.ROW_SUM_MISMATCH in cells[(0, c)].reasons for c in (2, 3, 4))


def test_failures_in_different_places_are_each_pinned_on_their_own() -> None:
    # Two misread cells, each pinned by its own row and its own column: neither stands in the
    # other's way (the seed's form misprint was left uncorrected by one-cent roundings elsewhere).
    rows = list(CONSISTENT)
    rows[3] = ("2011301", "行政运行", "60.00", "80.00", "")
    rows[4] = ("2011308", "招商引资", "40.50", "", "47.50")
    outcome = validate(_table(rows), {0: 0})
    cells = _by_cell(outcome)
    assert outcome.corrections == 2 and outcome.identities_failed == 0
    assert (cells[(3, 3)].value, cells[(4, 4)].value) == ("60.00", "40.50")
    assert all(ReviewReason.CORRECTED_BY_ARITHMETIC in cells[c].reasons for c in ((3, 3), (4, 4)))


def test_a_rounding_difference_elsewhere_does_not_block_a_correction() -> None:
    rounding = [(None, "合计", "100.51", "60.00", "40.51")] + CONSISTENT[1:]
    misread = [(None, "合计", "10.00", "8.00", "2.00"), ("201", "一般公共服务支出", "10.00", "3.00", "2.00")]
    drafts = _table(rounding) + _table(misread, table=1)
    outcome = validate(drafts, {0: 0, 1: 1})
    fixed = {(d.table_index, d.row, d.col): d for d in outcome.drafts}[(1, 1, 3)]
    assert (fixed.value, fixed.reasons) == ("8.00", (ReviewReason.CORRECTED_BY_ARITHMETIC,))
    total = {(d.table_index, d.row, d.col): d for d in outcome.drafts}[(0, 0, 2)]
    assert ReviewReason.ROUNDING_DIFFERENCE in total.reasons and total.value == "100.51"


def test_an_implausible_reading_is_flagged_not_corrected() -> None:
    rows = list(CONSISTENT)
    rows[3] = ("2011301", "行政运行", "60.00", "17.35", "")  # no single slip turns 17.35 into 60.00
    outcome = validate(_table(rows), {0: 0})
    cell = _by_cell(outcome)[(3, 3)]
    assert outcome.corrections == 0 and cell.value == "17.35" and cell.checks_failed > 0


def test_a_one_cent_total_difference_read_confidently_is_rounding_not_an_error() -> None:
    rows = list(CONSISTENT)
    rows[0] = (None, "合计", "100.51", "60.00", "40.51")  # the document's own rounding, as in the seed
    outcome = validate(_table(rows), {0: 0})
    total = _by_cell(outcome)[(0, 2)]
    assert total.value == "100.51" and "rounding_difference" in total.reasons
    assert "corrected_by_arithmetic" not in total.reasons and total.checks_failed == 0


def test_hierarchy_spans_the_pages_of_one_logical_table() -> None:
    # 20113 on the first page, its 项 rows on the continuation page.
    facts = _table(CONSISTENT[:3], table=0) + _table(CONSISTENT[3:], table=1)
    together = {(d.table_index, d.row, d.col): d for d in validate(facts, {0: 0, 1: 0}).drafts}
    apart = {(d.table_index, d.row, d.col): d for d in validate(facts, {0: 0, 1: 1}).drafts}
    key = (0, 2, 3)  # 20113, 基本支出
    assert together[key].checks_passed > apart[key].checks_passed


def test_a_broken_continuation_sum_is_caught_across_pages() -> None:
    rows = list(CONSISTENT)
    rows[4] = ("2011308", "招商引资", "40.50", "", "17.35")
    facts = _table(rows[:3], table=0) + _table(rows[3:], table=1)
    outcome = validate(facts, {0: 0, 1: 0})
    assert outcome.identities_failed > 0


def _year_document(year: int, general_basic: str) -> list:
    """A 预算支出总表 and a 一般公共预算支出预算表 printed for ``year``, whose 合计 rows share 基本支出."""
    from _tables import make_grid, page

    header = [[("科目编码", 2, 1), ("科目名称", 2, 1), (f"{year}年预算数", 1, 3)], ["合计", "基本支出", "项目支出"]]
    summary = make_grid(header + [[("合计", 1, 2), "100.00", "60.00", "40.00"],
                                  ["201", "一般公共服务支出", "100.00", "60.00", "40.00"]])
    total = f"{float(general_basic) + 40:.2f}"  # the general table adds up either way
    general = make_grid(header + [[("合计", 1, 2), total, general_basic, "40.00"],
                                  ["201", "一般公共服务支出", total, general_basic, "40.00"]])
    return [page(1, ([f"{year}年预算支出总表"], summary)), page(2, ([f"{year}年一般公共预算支出预算表"], general))]


def _basic_totals(pages) -> list[DraftFact]:
    from pipeline.check.catalog import load_default
    from pipeline.document import draft_document
    from pipeline.settings import Settings

    _, drafts = draft_document(pages, Settings(), load_default())
    return [d for d in drafts if d.labels == ("合计",) and d.column.endswith("基本支出")]


def test_a_2026_disclosure_gets_its_cross_table_checks() -> None:
    for year in (2025, 2026):
        agreeing = _basic_totals(_year_document(year, "60.00"))
        assert len(agreeing) == 2 and all(not d.reasons for d in agreeing), year
        # 60.00 against 66.00 in the other table, each table adding up: only the cross-table identity sees it.
        differing = _basic_totals(_year_document(year, "66.00"))
        assert len(differing) == 2, year
        assert all(d.reasons == (ReviewReason.CROSS_TABLE_MISMATCH,) for d in differing), year
        # and it is one more identity each 基本支出 total takes part in
        assert [d.checks_passed for d in agreeing] == [d.checks_passed + 1 for d in differing], year


def test_each_correction_and_the_counts_are_logged(caplog) -> None:
    rows = list(CONSISTENT)
    rows[3] = ("2011301", "行政运行", "60.00", "80.00", "")
    with caplog.at_level("DEBUG", logger="pipeline.check.validate"):
        validate(_table(rows), {0: 0})
    messages = [r.getMessage() for r in caplog.records]
    assert "corrected table 0 row 3 col 3: 80.00 -> 60.00" in messages
    assert any(m.endswith("failing before and 0 after 1 correction(s)") for m in messages)


def test_a_broken_identity_says_what_it_expected() -> None:
    rows = list(CONSISTENT)
    rows[3] = ("2011301", "行政运行", "60.00", "97.00", "")  # two digits off: no plausible misread
    cells = _by_cell(validate(_table(rows), {0: 0}))
    basic = cells[(3, 3)]
    assert basic.value == "97.00" and ReviewReason.ROW_SUM_MISMATCH in basic.reasons
    by_identity = {b.identity: b for b in basic.broken}
    row = by_identity["合计 = 基本支出 + (blank) (2011301 行政运行)"]
    assert row.reason == ReviewReason.ROW_SUM_MISMATCH and row.expected == "60.00"
    assert row.total == [(0, 3, 2)] and row.parts == [(0, 3, 3), (0, 3, 4)]
    column = by_identity["20113 商贸事务 = 2011301 行政运行 (2025年预算数/基本支出)"]
    assert column.reason == ReviewReason.HIERARCHY_SUM_MISMATCH and column.expected == "60.00"
    # The total of that row identity is asked for the value the part prints.
    assert {b.expected for b in cells[(3, 2)].broken} == {"97.00"}
    assert all(not d.broken for d in cells.values() if d.row in (0, 4))
