from __future__ import annotations

from samplegen.layout import place
from samplegen.render import RenderResult
from samplegen.spec import DocumentSpec, SpecTable
from samplegen.truth import Target, derive_facts, derive_tables, header_path, normalise_value

TARGET = Target(document="0" * 64, source="mini_digital.pdf")


def _facts(spec: DocumentSpec, result: RenderResult, kind: str):
    return [f for f in derive_facts(spec, result, TARGET) if f.table == kind]


def test_header_path_multi_level_skips_number_row(mini_spec: DocumentSpec) -> None:
    table = mini_spec.tables[0]
    grid = place(table)
    assert header_path(table, grid, 0) == "科目编码"  # rowspan over two levels counts once
    assert header_path(table, grid, 2) == "2025年预算数/合计"  # "合 计": whitespace removed, 栏次 row skipped
    assert header_path(table, grid, 4) == "2025年预算数/项目支出"


def test_header_path_side_groups_keep_the_side(mini_spec: DocumentSpec) -> None:
    table = mini_spec.tables[1]
    grid = place(table)
    assert header_path(table, grid, 1) == "收入/2025年"
    assert header_path(table, grid, 3) == "支出/2025年"


def test_header_path_drops_blank_and_repeated_levels() -> None:
    table = SpecTable(
        kind="unknown", title="T", header_rows=3, number_rows=[2], layout="ledger",
        rows=[["金额", ""], ["金额", "备注"], ["1", "2"], ["1", "x"]],
    )
    grid = place(table)
    assert header_path(table, grid, 0) == "金额"
    assert header_path(table, grid, 1) == "备注"


def test_normalise_value() -> None:
    assert normalise_value("1,030.50") == ("1030.50", "number")
    assert normalise_value("-12") == ("-12", "number")
    assert normalise_value("100%") == ("100%", "text")


def test_ledger_facts_codes_labels_columns(mini_spec: DocumentSpec, mini_render: RenderResult) -> None:
    facts = _facts(mini_spec, mini_render, "general_budget_expenditure")
    assert len(facts) == 13  # 5 body rows x 3 values, minus 2 empty cells
    total = facts[0]
    assert (total.code, total.labels, total.column, total.value, total.raw) == (
        None, ["合计"], "2025年预算数/合计", "1030.50", "1,030.50",
    )
    run = [f for f in facts if f.code == "2011301"]
    assert [(f.column, f.value) for f in run] == [("2025年预算数/合计", "830.50"), ("2025年预算数/基本支出", "830.50")]
    assert run[0].code_source == "printed" and run[0].unit == "万元" and run[0].page == 1
    assert all(f.kind == "number" and f.status == "accepted" and f.confidence == 1.0 for f in facts)
    x0, y0, x1, y1 = total.bbox
    assert 0 < x0 < x1 <= 1 and 0 < y0 < y1 <= 1


def test_side_by_side_facts_take_their_own_labels(mini_spec: DocumentSpec, mini_render: RenderResult) -> None:
    facts = _facts(mini_spec, mini_render, "income_expenditure_summary")
    assert [(f.labels[0], f.column, f.value, f.code) for f in facts] == [
        ("一、一般公共预算拨款收入", "收入/2025年", "1030.50", None),
        ("一、一般公共服务支出", "支出/2025年", "1030.50", "201"),
        ("收入总计", "收入/2025年", "1030.50", None),
        ("支出总计", "支出/2025年", "1030.50", None),
    ]
    assert facts[1].code_source == "implied"


def test_continued_table_facts_carry_their_page(mini_spec: DocumentSpec, mini_render: RenderResult) -> None:
    facts = _facts(mini_spec, mini_render, "basic_expenditure_economic")
    pages = {f.code: f.page for f in facts}
    assert pages["30108"] == 3 and pages["30112"] == 4 and pages["303"] == 4


def test_catalog_facts(mini_spec: DocumentSpec, mini_render: RenderResult) -> None:
    facts = _facts(mini_spec, mini_render, "procurement_catalog")
    assert [(f.code, f.labels, f.column, f.value, f.kind, f.unit) for f in facts] == [
        ("A", ["基本公共服务"], "一级目录", "基本公共服务", "text", None),
        ("A05", ["就业"], "二级目录", "就业", "text", None),
        ("A0501", ["就业服务"], "三级目录", "就业服务", "text", None),
    ]


def test_form_facts(mini_spec: DocumentSpec, mini_render: RenderResult) -> None:
    facts = _facts(mini_spec, mini_render, "performance_project")
    assert len(facts) == 4
    money = facts[0]
    assert (money.labels, money.column, money.value, money.kind, money.unit, money.raw, money.form) == (
        ["实施期资金总额"], "", "200000.00", "number", "元", "200,000.00", "商贸流通发展专项",
    )
    indicator = facts[2]
    assert (indicator.labels, indicator.column, indicator.value) == (["产出指标", "数量指标", "支持企业数"], "指标值", "≥10家")
    assert all(f.page == 5 for f in facts)


def test_empty_table_gives_no_facts_but_a_table_record(mini_spec: DocumentSpec, mini_render: RenderResult) -> None:
    assert _facts(mini_spec, mini_render, "gov_fund_expenditure") == []
    tables = [t for t in derive_tables(mini_spec, mini_render, TARGET) if t.table == "gov_fund_expenditure"]
    assert len(tables) == 1 and tables[0].n_rows == 2


def test_continuation_page_repeats_header_and_is_continued(mini_spec: DocumentSpec, mini_render: RenderResult) -> None:
    tables = [t for t in derive_tables(mini_spec, mini_render, TARGET) if t.table == "basic_expenditure_economic"]
    assert [(t.page, t.continued, t.n_rows) for t in tables] == [(3, False, 8), (4, True, 7)]
    first, cont = tables
    assert cont.title == first.title == "2025年一般公共预算安排基本支出分经济科目表"
    header = lambda t: [(c.row, c.col, c.row_span, c.col_span, c.text) for c in t.cells if c.row < 2]  # noqa: E731
    assert header(cont) == header(first)
    assert [c.text for c in cont.cells if c.row == 2][:2] == ["30112", "其他社会保障缴费"]
    assert cont.html.startswith('<table><tr><td colspan="2">经济科目</td><td colspan="3">2025年预算数</td></tr>')
    assert cont.html.count("<tr>") == 7
