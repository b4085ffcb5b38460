"""A read header matched as a whole against its kind's national template."""

from __future__ import annotations

from models import TableKind
from pipeline.interpret.templates import fit_header, table_year, template_path, templates, with_year

EXPENDITURE = ("项目/科目编码", "项目/科目名称", "2025年预算数/合计", "2025年预算数/基本支出", "2025年预算数/项目支出")


def test_every_ledger_kind_has_a_template_read_from_the_seed() -> None:
    kinds = set(templates())
    assert TableKind.EXPENDITURE_SUMMARY in kinds and TableKind.PROJECT_CARRYOVER in kinds
    assert TableKind.PERFORMANCE_PROJECT not in kinds  # forms have no column header
    assert len(templates()[TableKind.INCOME_SUMMARY]) == 9


def test_a_clean_header_fits_whole_and_in_order_whatever_the_year() -> None:
    for year in ("2025", "2026"):
        fit = fit_header(TableKind.EXPENDITURE_SUMMARY, tuple(p.replace("2025", year) for p in EXPENDITURE))
        assert fit is not None and fit.whole and fit.matched == (0, 1, 2, 3, 4) and fit.score > 95


def test_a_garbled_cell_is_placed_by_the_rest_of_the_header() -> None:
    garbled = EXPENDITURE[:3] + ("2025年预算数/某术攴出",) + EXPENDITURE[4:]  # 基本支出 as a copier left it
    fit = fit_header(TableKind.EXPENDITURE_SUMMARY, garbled)
    assert fit.whole and fit.matched[3] == 3 and fit.scores[3] < 80


def test_an_exploded_grid_does_not_fit() -> None:
    # Dots in a grey header fill cut the grid into slivers: columns the template has no place for.
    exploded = EXPENDITURE[:2] + ("", "", "") + EXPENDITURE[2:] + ("", "")
    fit = fit_header(TableKind.EXPENDITURE_SUMMARY, exploded)
    assert not fit.whole and fit.extra == 5 and fit.matched.count(None) == 5


def test_another_kind_s_header_does_not_fit() -> None:
    fit = fit_header(TableKind.THREE_PUBLIC, EXPENDITURE)
    assert not fit.whole


def test_a_template_column_takes_the_printed_year_or_keeps_the_printing() -> None:
    column = templates()[TableKind.EXPENDITURE_SUMMARY][3]
    assert table_year("2026年预算支出总表", []) == "2026"
    assert template_path(column, "2026", "乱码") == "2026年预算数/基本支出"
    assert template_path(column, None, "乱码") == "乱码"  # no year read: nothing invented


def test_a_table_s_year_is_its_title_s_else_the_one_most_of_its_header_prints() -> None:
    assert table_year("某局2025年一般公共预算支出表", ["2026年预算数"]) == "2025"  # a header cell misread
    assert table_year("", ["2025年预算数", "2026年预算数", "2025年预算数"]) == "2025"
    assert table_year("", ["合计"]) is None
    assert with_year("2026预算数/人员经费", "2025") == "2025预算数/人员经费"  # the printer's spelling kept
