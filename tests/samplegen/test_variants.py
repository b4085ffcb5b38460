from __future__ import annotations

from samplegen.layout import place
from samplegen.render import RenderResult, render
from samplegen.spec import DocumentSpec, SpecTable
from samplegen.truth import Target, derive_facts, derive_tables
from samplegen.variants import (
    NO_DATA,
    empty_as_note,
    excel_headings,
    narrow_labels,
    orient,
    rewrite_tables,
    thousands,
    with_number_row,
    with_thousands,
    zero_blanks,
)

TARGET = Target(document="0" * 64, source="mini.pdf")


def _key(f) -> tuple:
    return (f.table, f.code, tuple(f.labels), f.column, f.value, f.kind, f.unit, f.form)


def _facts(spec: DocumentSpec, result: RenderResult | None = None) -> list:
    return derive_facts(spec, result or render(spec), TARGET)


def test_thousands_separates_only_plain_amounts_of_a_thousand_or_more() -> None:
    assert thousands("3015.24") == "3,015.24"
    assert thousands("1234567") == "1,234,567"
    assert thousands("-1030.5") == "-1,030.5"
    assert [thousands(t) for t in ("999.99", "", "100%", "1,030.50", "≥10家", "合计")] == [
        "999.99", "", "100%", "1,030.50", "≥10家", "合计"]


def test_separators_render_but_truth_values_stay_plain(mini_spec: DocumentSpec,
                                                        mini_render: RenderResult) -> None:
    plain = rewrite_tables(mini_spec, lambda t: t.model_copy(update={"rows": [
        [c.replace(",", "") if isinstance(c, str) else c for c in row] for row in t.rows]}))
    printed = rewrite_tables(plain, with_thousands)
    facts = _facts(printed)
    assert [_key(f) for f in facts] == [_key(f) for f in _facts(plain)]
    raws = {f.raw for f in facts if f.kind == "number"}
    assert "1,030.50" in raws and "830.50" in raws and "1030.50" not in raws
    assert any(f.value == "1030.50" for f in facts)


def test_a_number_row_is_printed_under_the_header_and_never_a_fact(mini_spec: DocumentSpec,
                                                                    mini_render: RenderResult) -> None:
    printed = rewrite_tables(mini_spec, with_number_row)
    table = printed.tables[2]  # 基本支出分经济科目表: two header rows, no number row in the spec
    assert (table.header_rows, table.number_rows) == (3, [2])
    grid = place(table)
    assert [(c.col, c.col_span, c.text) for c in grid.row_cells(2)] == [
        (0, 2, "栏次"), (2, 1, "1"), (3, 1, "2"), (4, 1, "3")]
    assert printed.tables[0] == mini_spec.tables[0]  # it prints one already
    side = place(printed.tables[1])  # 收支总表: each side numbered after its 栏次
    assert [c.text for c in side.row_cells(2)] == ["栏次", "1", "栏次", "2"]
    assert printed.tables[1].implied_codes[0].row == mini_spec.tables[1].implied_codes[0].row + 1
    result = render(printed)
    assert [_key(f) for f in _facts(printed, result)] == [_key(f) for f in _facts(mini_spec, mini_render)]
    records = [t for t in derive_tables(printed, result, TARGET) if t.table == "basic_expenditure_economic"]
    assert all(any(c.text == "栏次" and c.row == 2 for c in t.cells) for t in records)  # repeated on each page


def test_empty_tables_print_header_and_note_and_give_no_facts(mini_spec: DocumentSpec) -> None:
    printed = rewrite_tables(mini_spec, empty_as_note)
    empty = printed.tables[5]
    assert (len(empty.rows), empty.header_rows, empty.note) == (1, 1, NO_DATA)
    assert printed.tables[:5] == mini_spec.tables[:5]
    result = render(printed)
    assert not [f for f in _facts(printed, result) if f.table == "gov_fund_expenditure"]
    (record,) = [t for t in derive_tables(printed, result, TARGET) if t.table == "gov_fund_expenditure"]
    assert record.n_rows == 1 and all(c.row == 0 for c in record.cells)


def test_zeros_fill_blank_amounts_of_labelled_rows_only(mini_spec: DocumentSpec) -> None:
    printed = rewrite_tables(mini_spec, zero_blanks)
    before, after = _facts(mini_spec), _facts(printed)
    added = [f for f in after if _key(f) not in {_key(b) for b in before}]
    assert added and all(f.value == "0.00" and f.kind == "number" for f in added)
    assert {f.table for f in added} == {"general_budget_expenditure", "income_expenditure_summary",
                                        "basic_expenditure_economic"}
    # 收支总表: the 支出 side of 二、农林水支出 is labelled, so its blank is 0.00; nothing is invented elsewhere
    assert [(f.labels, f.column) for f in added if f.table == "income_expenditure_summary"] == [
        (["二、政府性基金预算拨款收入"], "收入/2025年"), (["二、农林水支出"], "支出/2025年")]
    assert printed.tables[5] == mini_spec.tables[5]  # an empty table stays empty


def test_narrow_label_columns_wrap_long_labels_and_keep_their_text(mini_spec: DocumentSpec,
                                                                    mini_render: RenderResult) -> None:
    printed = rewrite_tables(mini_spec, narrow_labels)
    result = render(printed)
    long = "招商引资（含商贸流通发展、会展服务及对外经济合作交流等长名称测试项目）"

    def height(r: RenderResult) -> float:
        (cell,) = [c for c in r.table_pages[0].cells if c.text == long]
        return cell.bbox[3] - cell.bbox[1]

    assert height(result) > 1.4 * height(mini_render)
    assert [_key(f) for f in _facts(printed, result)] == [_key(f) for f in _facts(mini_spec, mini_render)]
    assert any(f.labels == [long] for f in _facts(printed, result))


def test_orientation_rules() -> None:
    wide = SpecTable(kind="unknown", title="T", header_rows=1, layout="ledger", orientation="portrait",
                     rows=[[str(i) for i in range(7)]])
    narrow = SpecTable(kind="unknown", title="T", header_rows=1, layout="ledger", orientation="landscape",
                       rows=[[str(i) for i in range(5)]])
    assert orient(wide, "wide-landscape").orientation == "landscape"
    assert orient(narrow, "wide-landscape").orientation == "portrait"
    assert orient(wide, "portrait").orientation == "portrait"
    assert orient(narrow, "as-spec") is narrow


def test_excel_headings_carry_the_department_and_drop_its_line(mini_spec: DocumentSpec) -> None:
    printed = excel_headings(mini_spec)
    assert printed.tables[0].title == "山阴县商务局2025年一般公共预算支出预算表"
    assert printed.tables[0].department is None and printed.tables[0].unit == "万元"
    assert printed.tables[4].title == mini_spec.tables[4].title  # the catalog has no 预算公开表 caption
    assert {t.title for t in derive_tables(printed, render(printed), TARGET)} >= {printed.tables[0].title}
