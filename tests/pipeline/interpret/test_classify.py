"""Table kind from titles as the seed disclosures print them, as OCR damages them, and from grid words."""

from __future__ import annotations

import pytest

from models import TableKind
from pipeline.interpret.classify import classify_by_signature, classify_title
from pipeline.settings import Settings

THRESHOLD = Settings().title_match_threshold


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("2025年预算收支总表", TableKind.INCOME_EXPENDITURE_SUMMARY),
        ("2025年财政拨款收支总表", TableKind.APPROPRIATION_SUMMARY),
        ("2025年预算收入总表", TableKind.INCOME_SUMMARY),
        ("2025年预算支出总表", TableKind.EXPENDITURE_SUMMARY),
        ("2025年一般公共预算支出预算表（不含上年结转）", TableKind.GENERAL_BUDGET_EXPENDITURE),
        ("2025年一般公共预算安排基本支出分经济科目表", TableKind.BASIC_EXPENDITURE_ECONOMIC),
        ("2025年政府性基金预算支出表", TableKind.GOV_FUND_EXPENDITURE),
        ("2025年项目支出预算表（本年预算）", TableKind.PROJECT_CURRENT),
        ("2025年项目支出预算表（上年结转）", TableKind.PROJECT_CARRYOVER),
        ("2025年项目支出预算表(上年结转)", TableKind.PROJECT_CARRYOVER),
        ("县(区)级预算部门(单位)整体支出绩效目标申报表", TableKind.PERFORMANCE_OVERALL),
        ("山西省政府购买服务指导性目录", TableKind.PROCUREMENT_CATALOG),
        ("2025年财政拨款安排“三公”经费支出预算表", TableKind.THREE_PUBLIC),
        ("2025年财政拨款安排机关运行经费预算表", TableKind.OPERATING_EXPENSES),
        ("2025年项目支出绩效目标表", TableKind.PERFORMANCE_PROJECT),
    ],
)
def test_printed_titles(title: str, kind: TableKind) -> None:
    match = classify_title([title], THRESHOLD)
    assert match is not None and match.kind == kind and match.title == title


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("西省政府购买服务指导性日录", TableKind.PROCUREMENT_CATALOG),  # 山 lost, 目 read as 日
        ("2025年预算收入总衣", TableKind.INCOME_SUMMARY),  # 表 read as 衣
    ],
)
def test_ocr_damaged_titles(title: str, kind: TableKind) -> None:
    match = classify_title([title], THRESHOLD)
    assert match is not None and match.kind == kind


def test_appropriation_summary_is_not_the_budget_summary() -> None:
    approp = classify_title(["2025年财政拨款收支总表"], THRESHOLD)
    budget = classify_title(["2025年预算收支总表"], THRESHOLD)
    assert approp is not None and budget is not None
    assert approp.kind == TableKind.APPROPRIATION_SUMMARY
    assert budget.kind == TableKind.INCOME_EXPENDITURE_SUMMARY


@pytest.mark.parametrize("phrase", ["会议纪要及工作安排", "单位：万元", "阳高县教育局", "注：本表无数据"])
def test_unrelated_phrases_are_no_title(phrase: str) -> None:
    assert classify_title([phrase], THRESHOLD) is None


def test_the_title_is_picked_from_the_lines_above_a_table() -> None:
    match = classify_title(["阳高县教育局", "2025年预算收支总表", "单位：万元"], THRESHOLD)
    assert match is not None
    assert (match.kind, match.title) == (TableKind.INCOME_EXPENDITURE_SUMMARY, "2025年预算收支总表")


def test_no_phrases_no_kind() -> None:
    assert classify_title([], THRESHOLD) is None


def test_project_form_grid_signature() -> None:
    first_cells = ["项目名称", "乡村教师培训", "主管部门及代码", "阳高县教育局 205001", "实施单位", "绩效指标", "一级指标"]
    match = classify_by_signature(first_cells)
    assert match is not None and match.kind == TableKind.PERFORMANCE_PROJECT and match.title == ""


def test_a_project_form_is_known_by_its_first_rows() -> None:
    # A form page whose title was lost (a photo's shadow drew a frame around the title): the form
    # before it was a 整体 form, and without this it was taken for that form's continuation.
    match = classify_by_signature(["项目名称", "成品油流通智慧监管平台", "主管部门及代码", "029-山阴县商务局", "项目属性"])
    assert match is not None and match.kind == TableKind.PERFORMANCE_PROJECT


def test_catalog_grid_signature() -> None:
    match = classify_by_signature(["代码", "一级目录", "二级目录", "三级目录"])
    assert match is not None and match.kind == TableKind.PROCUREMENT_CATALOG


@pytest.mark.parametrize(
    "first_cells",
    [
        ["项目", "本年收入", "一般公共预算"],
        ["项目名称", "合计", "2025年财政拨款"],  # the 项目支出预算表's header, not a project form
        [],
    ],
)
def test_ledger_headers_have_no_signature(first_cells: list[str]) -> None:
    assert classify_by_signature(first_cells) is None
