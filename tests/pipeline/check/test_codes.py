"""Document-level codes: implied class and economic codes, printed-code checks, 目录 letters."""

from __future__ import annotations

import pytest

from _tables import GBE_HEADER, SUMMARY_HEADER, make_grid, page
from models import TableKind
from pipeline.check.catalog import Catalog, load_default
from pipeline.check.codes import assign_codes
from pipeline.interpret.facts import DraftFact, draft_facts
from pipeline.interpret.resolve import resolve_tables
from pipeline.settings import Settings

SETTINGS = Settings()
EMPTY_CATALOG = Catalog.from_entries([])


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_default()


def document_facts(pages, catalog: Catalog) -> list[DraftFact]:
    resolved = resolve_tables(list(pages), SETTINGS.title_match_threshold)
    drafts = [d for i, t in enumerate(resolved) for d in draft_facts(i, t)]
    return assign_codes(drafts, catalog, SETTINGS.label_match_threshold)


SUMMARY = make_grid(SUMMARY_HEADER + [
    ["一、一般公共预算拨款收入", "100.00", "一、一般公共服务支出", "100.00"],
    ["二、政府性基金预算拨款收入", "0.00", "二、教育支出", "0.00"],
    ["本年收入合计", "100.00", "本年支出合计", "100.00"],
])
GBE_WITH_201 = make_grid(GBE_HEADER + [
    ["201", "一般公共服务支出", "100.00", "100.00", ""],
    ["20101", "人大事务", "100.00", "100.00", ""],
])


def summary_pages(with_printed_201: bool):
    pages = [page(1, (["2025年预算收支总表"], SUMMARY))]
    if with_printed_201:
        pages.append(page(2, (["2025年一般公共预算支出预算表"], GBE_WITH_201)))
    return pages


def by_label(facts: list[DraftFact], kind: TableKind) -> dict[str, DraftFact]:
    return {f.labels[0]: f for f in facts if f.kind == kind}


def test_class_row_takes_the_code_printed_elsewhere_in_the_document() -> None:
    # An empty catalog: the code can only come from the document itself.
    facts = by_label(document_facts(summary_pages(True), EMPTY_CATALOG), TableKind.INCOME_EXPENDITURE_SUMMARY)
    fact = facts["一、一般公共服务支出"]
    assert (fact.code, fact.code_source) == ("201", "implied")
    # Nothing printed 205 and the catalog is empty: no code, and the row says so.
    education = facts["二、教育支出"]
    assert education.code is None and "unmatched_label" in education.reasons


def test_class_row_without_a_printed_code_and_no_catalog_stays_uncoded() -> None:
    facts = by_label(document_facts(summary_pages(False), EMPTY_CATALOG), TableKind.INCOME_EXPENDITURE_SUMMARY)
    assert facts["一、一般公共服务支出"].code is None
    assert "unmatched_label" in facts["一、一般公共服务支出"].reasons


def test_class_rows_fall_back_to_the_catalog(catalog: Catalog) -> None:
    facts = by_label(document_facts(summary_pages(False), catalog), TableKind.INCOME_EXPENDITURE_SUMMARY)
    assert (facts["一、一般公共服务支出"].code, facts["一、一般公共服务支出"].code_source) == ("201", "implied")
    assert facts["二、教育支出"].code == "205"


def test_income_and_total_rows_imply_no_code(catalog: Catalog) -> None:
    facts = by_label(document_facts(summary_pages(True), catalog), TableKind.INCOME_EXPENDITURE_SUMMARY)
    for label in ("一、一般公共预算拨款收入", "二、政府性基金预算拨款收入", "本年收入合计", "本年支出合计"):
        assert facts[label].code is None and facts[label].code_source is None, label
        assert "unmatched_label" not in facts[label].reasons


def test_economic_rows_imply_their_economic_code(catalog: Catalog) -> None:
    grid = make_grid([
        ["部门预算支出经济科目名称", "2025年预算数"],
        ["合计", "100.00"],
        ["工资福利支出", "80.00"],
        ["基本工资", "50.00"],
        ["津贴补贴", "30.00"],
    ])
    facts = by_label(document_facts([page(1, (["2025年一般公共预算安排基本支出分经济科目表"], grid))], catalog),
                     TableKind.BASIC_EXPENDITURE_ECONOMIC)
    assert (facts["基本工资"].code, facts["基本工资"].code_source) == ("30101", "implied")
    assert facts["工资福利支出"].code == "301"
    assert facts["津贴补贴"].code == "30102"
    assert facts["合计"].code is None


def mismatch_pages(wrong_row: list[str]):
    right = [["2010101", "行政运行", "100.00", "80.00", "20.00"], ["2010102", "一般行政管理事务", "5.00", "5.00", ""]]
    return [
        page(1, (["2025年预算支出总表"], make_grid(GBE_HEADER + right))),
        page(2, (["2025年一般公共预算支出预算表"], make_grid(GBE_HEADER + right))),
        page(3, (["2025年预算收入总表"], make_grid(GBE_HEADER + [wrong_row, ["2010102", "一般行政管理事务", "5.00", "5.00", ""]]))),
    ]


def test_code_printed_with_another_name_than_in_two_other_tables_single_value(catalog: Catalog) -> None:
    facts = document_facts(mismatch_pages(["2010101", "一般行政管理事务", "100.00", "", ""]), catalog)
    wrong = [f for f in facts if f.page == 3 and f.code == "2010101"]
    assert wrong and all("code_name_mismatch" in f.reasons for f in wrong)
    right = [f for f in facts if f.page in (1, 2)]
    assert right and not any("code_name_mismatch" in f.reasons for f in right)


def test_code_printed_with_another_name_than_in_two_other_tables(catalog: Catalog) -> None:
    facts = document_facts(mismatch_pages(["2010101", "一般行政管理事务", "100.00", "80.00", "20.00"]), catalog)
    wrong = [f for f in facts if f.page == 3 and f.code == "2010101"]
    assert len(wrong) == 3
    assert all("code_name_mismatch" in f.reasons for f in wrong)


def test_code_printed_consistently_is_not_flagged(catalog: Catalog) -> None:
    facts = document_facts(mismatch_pages(["2010101", "行政运行", "100.00", "80.00", "20.00"]), catalog)
    assert facts and not any("code_name_mismatch" in f.reasons for f in facts)


CATALOG_HEADER = ["代码", "一级目录", "二级目录", "三级目录"]


def catalog_facts(rows, catalog: Catalog) -> list[DraftFact]:
    return document_facts([page(1, (["2025年政府购买服务指导性目录"], make_grid([CATALOG_HEADER] + rows)))], catalog)


def test_catalog_code_whose_letter_was_read_as_zero_gets_it_back(catalog: Catalog) -> None:
    facts = catalog_facts([
        ["B", "政府履职辅助性服务", "", ""],
        ["B03", "", "法律服务", ""],
        ["00301", "", "", "法律顾问服务"],
    ], catalog)
    assert [(f.code, f.value) for f in facts] == [("B", "政府履职辅助性服务"), ("B03", "法律服务"), ("B0301", "法律顾问服务")]


def test_catalog_code_takes_the_letter_of_the_rows_around_it(catalog: Catalog) -> None:
    facts = catalog_facts([
        ["A", "公共服务", "", ""],
        ["A05", "", "教育公共服务", ""],
        ["00501", "", "", "学前教育服务"],
    ], catalog)
    assert facts[-1].code == "A0501"
