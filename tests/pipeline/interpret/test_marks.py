"""Specks read as marks: blank cells stay blank, headers, codes and labels lose them, a sentence keeps one."""

from __future__ import annotations

from _tables import GBE_HEADER, make_grid, page
from pipeline.check.catalog import load_default
from pipeline.code_syntax import clean_code, is_code
from pipeline.document import draft_document
from pipeline.interpret.forms.vocabulary import clean_text
from pipeline.interpret.marks import without_stray_marks
from pipeline.interpret.structure import canonical_header
from pipeline.settings import Settings
from pipeline.text import one_final_mark, only_stray_marks, strip_stray_marks


def test_what_counts_as_a_stray_mark() -> None:
    assert only_stray_marks("。") and only_stray_marks(" . 、") and only_stray_marks("：")
    # A dash is a printed nil, a quote opens “三公”经费, text is text.
    assert not only_stray_marks("-") and not only_stray_marks("“") and not only_stray_marks("0")
    assert not only_stray_marks("") and not only_stray_marks("  ")
    assert strip_stray_marks("小计。") == "小计" and strip_stray_marks(".20805") == "20805"
    assert strip_stray_marks("“三公”经费") == "“三公”经费"
    assert one_final_mark("劳务费。.。。") == "劳务费。" and one_final_mark("3.5") == "3.5"
    # A Chinese sentence never ends with an ASCII full stop after a word or a sign; after a digit it may be
    # part of what was printed, and stays.
    assert one_final_mark("积极性.") == "积极性" and one_final_mark("≥95%.") == "≥95%" and one_final_mark("1.") == "1."


def test_a_cell_holding_only_a_speck_is_made_blank() -> None:
    grid = make_grid([["项目属性", "。"], ["项目期", "2年"], ["实施单位", "、."]])
    cleaned = without_stray_marks(page(1, ([], grid)))
    assert [c.text for c in cleaned.tables[0].grid.cells] == ["项目属性", "", "项目期", "2年", "实施单位", ""]
    untouched = page(2, ([], make_grid([["合计", "1.00"]])))
    assert without_stray_marks(untouched) is untouched


def test_headers_codes_and_sentences_shed_their_specks() -> None:
    assert canonical_header("小计。") == canonical_header("小计")
    assert canonical_header("小计。")[1] > 0
    assert is_code("201.") and clean_code("2101199.") == "2101199" and clean_code(".20805") == "20805"
    assert is_code("-21008") and clean_code("-21008") == "21008" and not is_code("-")
    assert clean_text("用于单位正常运转。.。。") == "用于单位正常运转。"
    assert clean_text("。全年持续开展，每半年结算一次。") == "全年持续开展，每半年结算一次。"


def test_a_ledger_read_with_specks_gives_the_facts_printed() -> None:
    rows = [["201.", "一般公共服务支出。", "100.00", "80.00", "20.00"], ["20101", "人大事务", "100.00", "80.00", "20.00"],
            ["", "。", "", "", ""]]
    pages = [page(1, (["2025年一般公共预算支出预算表", "单位：万元"], make_grid(GBE_HEADER + rows)))]
    _, drafts = draft_document(pages, Settings(), load_default())
    first = [d for d in drafts if d.row == 2]
    assert {d.code for d in first} == {"201"}
    assert {d.labels for d in first} == {("一般公共服务支出",)}
    assert not [d for d in drafts if d.row == 4]  # the speck row gives nothing


def test_digits_in_the_code_column_that_make_no_code_are_doubted() -> None:
    rows = [["0805", "行政事业单位养老支出", "50.11", "50.11", ""], ["20101", "人大事务", "100.00", "80.00", "20.00"],
            ["2101-199", "其他行政事业单位医疗支出", "1.73", "1.73", ""]]
    pages = [page(1, (["2025年一般公共预算支出预算表"], make_grid(GBE_HEADER + rows)))]
    _, drafts = draft_document(pages, Settings(), load_default())
    damaged = [d for d in drafts if d.row == 2]
    assert damaged and all("unreadable_code" in d.reasons and d.code is None for d in damaged)
    assert not any("unreadable_code" in d.reasons for d in drafts if d.row == 3)
    assert all("unreadable_code" in d.reasons for d in drafts if d.row == 4)


def test_a_form_indicator_without_its_first_level_is_doubted() -> None:
    from dataclasses import replace

    from models import Evidence, TableKind
    from pipeline.interpret.facts import DraftFact, with_incomplete_indicator_reasons

    base = DraftFact(table_index=0, kind=TableKind.PERFORMANCE_PROJECT, page=1, row=9, col=5, code=None,
                     code_source=None, labels=("产出指标", "数量指标"), raw_labels=("产出指标", "数量指标"),
                     column="实施期/指标值", value="26座", value_kind="text", unit=None, raw="26座",
                     evidence=Evidence(), bbox=make_grid([["x"]]).bbox, reasons=())
    whole, cut = with_incomplete_indicator_reasons([base, replace(base, labels=("", "数量指标"))])
    assert whole.reasons == () and cut.reasons == ("table_structure_doubtful",)


def test_a_row_captioned_as_column_numbers_gives_no_facts_even_misread() -> None:
    # 1 2 3 with the 2 read as Z: no longer a run of numbers, still the 栏次 row.
    rows = [["栏次", "", "1", "Z", "3"], ["20101", "人大事务", "100.00", "80.00", "20.00"]]
    pages = [page(1, (["2025年一般公共预算支出预算表"], make_grid(GBE_HEADER + rows)))]
    _, drafts = draft_document(pages, Settings(), load_default())
    assert drafts and all(d.labels != ("栏次",) for d in drafts)
