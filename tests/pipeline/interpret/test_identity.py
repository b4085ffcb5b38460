"""A document's fiscal year and department, from each place a disclosure names them and from all together."""

from __future__ import annotations

from _tables import GBE_HEADER, SUMMARY_HEADER, make_grid, page
from pipeline.document import draft_document
from pipeline.check.catalog import load_default
from pipeline.interpret.identity import clean_department, department_from_line, identify, title_department, year_in
from pipeline.interpret.resolve import resolve_tables
from pipeline.settings import Settings

SETTINGS = Settings()
ROWS = [["201", "一般公共服务支出", "100.00", "80.00", "20.00"], ["20101", "人大事务", "100.00", "80.00", "20.00"]]
UNYEARED_HEADER = [[("科目编码", 2, 1), ("科目名称", 2, 1), ("预算数", 1, 3)], ["合计", "基本支出", "项目支出"]]
SUMMARY_ROWS = [["一、一般公共预算", "100.00", "一、一般公共服务支出", "100.00"]]


def identity_of(*pages):
    tables = resolve_tables(list(pages), SETTINGS.title_match_threshold)
    _, drafts = draft_document(list(pages), SETTINGS, load_default(None))
    return identify(tables, drafts)


def test_the_plain_title_gives_the_year_and_the_name_line_the_department() -> None:
    who = identity_of(page(1, (["预算公开表5", "2025年一般公共预算支出预算表", "部门名称：山阴县商务局（部门）",
                                "单位：万元"], make_grid(GBE_HEADER + ROWS))))
    assert (who.fiscal_year, who.department) == (2025, "山阴县商务局")


def test_an_excel_title_gives_both() -> None:
    """Excel exports print no 部门名称 line: the title carries the department before the year."""
    who = identity_of(page(1, (["山阴县商务局2026年一般公共预算支出预算表", "单位：万元"],
                               make_grid(UNYEARED_HEADER + ROWS))))
    assert (who.fiscal_year, who.department) == (2026, "山阴县商务局")


def test_a_name_line_read_with_the_unit_on_it() -> None:
    assert department_from_line("部门名称：阳高县教育局（部门） 单位：万元") == "阳高县教育局"
    assert department_from_line("部门：阳高县教育局") == "阳高县教育局"
    assert department_from_line("单位：万元") is None
    assert department_from_line("2025年预算收支总表") is None


def test_the_forms_give_the_department_and_the_year() -> None:
    """A disclosure of forms only: 部门名称 of the 整体 form, 主管部门及代码 of a project form, （2025）年度."""
    overall = make_grid([
        [("部门基本信息", 2, 1), "部门名称", ("029-应县农业农村局（部门）", 1, 3)],
        ["内设职能部门数", "3个", "所属预算单位数", "1个"],
        [("部门职责", 1, 1), ("负责全县农业农村工作", 1, 4)],
        [("年度绩效指标", 1, 1), ("见下表", 1, 4)],
    ])
    project = make_grid([
        [("项目名称", 1, 2), ("高标准农田建设", 1, 4)],
        [("主管部门及代码", 1, 2), ("029-应县农业农村局（部门）", 1, 2), "实施单位", "应县农业农村局"],
        [("绩效指标", 1, 2), ("产出指标", 1, 4)],
    ])
    who = identity_of(page(1, (["县（区）级预算部门（单位）整体支出绩效目标申报表", "（2026）年度"], overall)),
                      page(2, (["项目支出绩效目标表"], project)))
    assert (who.fiscal_year, who.department) == (2026, "应县农业农村局")


def test_column_years_stand_in_when_nothing_else_names_a_year() -> None:
    """A title read without its year (or printed without one): the header's 2025年预算数 still tells."""
    who = identity_of(page(1, (["一般公共预算支出预算表"], make_grid(GBE_HEADER + ROWS))))
    assert who.fiscal_year == 2025 and who.department is None


def test_the_majority_outvotes_one_misread_title() -> None:
    pages = [page(n, ([title, "部门名称：天镇县卫生健康局（部门）"], make_grid(header + rows)))
             for n, (title, header, rows) in enumerate([
                 ("2025年一般公共预算支出预算表", GBE_HEADER, ROWS),
                 ("2028年预算收支总表", SUMMARY_HEADER, SUMMARY_ROWS),  # a 5 read as 8
                 ("2025年政府性基金预算支出表", GBE_HEADER, ROWS),
             ], start=1)]
    pages[1] = page(2, (["2028年预算收支总表", "部门名称：天镇县卫牛健康局（部门）"], make_grid(SUMMARY_HEADER + SUMMARY_ROWS)))
    who = identity_of(*pages)
    assert (who.fiscal_year, who.department) == (2025, "天镇县卫生健康局")


def test_nothing_named_gives_none() -> None:
    who = identity_of(page(1, ([], make_grid(UNYEARED_HEADER + ROWS))))
    assert (who.fiscal_year, who.department) == (None, None)


def test_years_in_text() -> None:
    assert year_in("2025年预算收支总表") == 2025
    assert year_in("（2026）年度") == 2026
    assert year_in("预算公开表1") is None
    assert year_in("晋财资环〔2023〕62号") is None  # a document number, not a budget year
    assert year_in("1850年") is None


def test_department_names_are_cleaned() -> None:
    assert title_department("预算公开表1 山阴县商务局2025年预算收支总表") == "山阴县商务局"
    assert title_department("2025年预算收支总表") is None
    assert clean_department("029-山阴县商务局（部门）") == "山阴县商务局"
    assert clean_department("山阴县商务局(本级)") == "山阴县商务局(本级)"  # the unit-level disclosure keeps its mark
    assert clean_department("局") is None
