"""Figures the prose of 第三部分 states, and their check against the tables' cells.

Sentences are the seed disclosure's own (/work/shared/seed/000_6c1c086a26e80980.txt, copied
into fixtures/seed_narrative.txt); the variants wrap them over lines and damage them the way
OCR does.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from models import BBox, Evidence, TableKind
from pipeline.interpret.facts import DraftFact
from pipeline.check.narrative import (
    NARRATIVE_TARGETS,
    NarrativeFigure,
    NarrativeMeasure,
    NarrativeVerdict,
    check_narrative,
    read_narrative_figures,
)
from pipeline.text import parse_decimal

M = NarrativeMeasure
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "seed_narrative.txt"
# The same disclosure's tables as the sample generator printed them (one fact a line).
TRUTH = (Path(__file__).resolve().parents[3]
         / "samples" / "shanyin_commerce" / "truth" / "shanyin_commerce_mild.records.jsonl")

# The seed's sentences, verbatim.
SUMMARY = ("2025年度山阴县商务局（部门）预算收入总计2,272.82万元，其中：本年收入1,272.82万元，上年结转1,000.00万元，"
           "比上年增长251.76万元，增长12.46%，主要原因是增加了消费券资金项目；本年部门预算支出总计2,272.82万元，其中："
           "本年预算安排1,272.82万元，上年结转1,000.00万元，比上年增长251.76万元，增长12.46%，主要原因是增加了消费券资金项目。")
EXPENDITURE = "2025年度山阴县商务局（部门）支出预算2272.82万元，其中：基本支出242.32万元，占10.66%；项目支出2030.5万元，占89.34%。"
GENERAL_BUDGET = "2025年度山阴县商务局（部门）一般公共预算当年支出1,272.82万元，比上年减少328.24万元，下降20.5%。"
GENERAL_BASIC = "2025年度山阴县商务局（部门）一般公共预算安排基本支出242.32万元，其中："
THREE_PUBLIC = ("2025年山阴县商务局（部门）财政拨款安排的“三公”经费预算1.50万元与2024年预算数相同。其中：因公出国（境）费0万元，"
                "与上年预算数相同；公务接待费0万元，与上年预算数相同；公务用车购置及运行费1.50万元，与上年预算数相同。"
                "公务用车运行维护费1.50万元，与上年预算数相同；公务用车购置费0万元，与上年预算数相同。")
OPERATING = ("本部门2025年所属山阴县商务局1家行政单位机关运行经费财政拨款预算9.09万元，比2024年减少4.41万元，减少48.51%，"
             "原因是2022年度较上年减少1人，公用经费减少。")
PERFORMANCE = "2025年编报部门整体支出绩效目标，涉及部门预算资金1272.82万元，其中基本支出242.32万元，项目支出1030.50万元。"


def _read(*lines: str, page: int = 18) -> list[tuple[NarrativeMeasure, Decimal]]:
    return [(f.measure, f.amount) for f in read_narrative_figures(lines, page)]


# --- reading: the seed's own sentences ------------------------------------------------------


def _seed_lines() -> list[str]:
    text = FIXTURE.read_text(encoding="utf-8")
    return [line for line in text.splitlines() if not line.startswith(";;")]


def test_the_seed_section_states_these_figures_and_no_others() -> None:
    figures = read_narrative_figures(_seed_lines(), page=18)
    assert [(f.measure, f.amount) for f in figures] == [
        (M.INCOME_TOTAL, Decimal("2272.82")),
        (M.CURRENT_INCOME, Decimal("1272.82")),
        (M.CARRY_OVER, Decimal("1000.00")),
        (M.EXPENDITURE_TOTAL, Decimal("2272.82")),
        (M.CARRY_OVER, Decimal("1000.00")),  # the expenditure side's 上年结转
        (M.INCOME_TOTAL, Decimal("2272.82")),  # 二、 预算收入2,272.82万元
        (M.CARRY_OVER, Decimal("1000.00")),
        (M.EXPENDITURE_TOTAL, Decimal("2272.82")),
        (M.BASIC_EXPENDITURE, Decimal("242.32")),
        (M.PROJECT_EXPENDITURE, Decimal("2030.5")),
        (M.GENERAL_BUDGET_CURRENT_EXPENDITURE, Decimal("1272.82")),
        (M.GENERAL_BUDGET_CURRENT_EXPENDITURE, Decimal("1272.82")),
        (M.GENERAL_BUDGET_BASIC_EXPENDITURE, Decimal("242.32")),
        (M.PERSONNEL_EXPENSES, Decimal("220.45")),
        (M.PUBLIC_EXPENSES, Decimal("21.87")),
        (M.THREE_PUBLIC_TOTAL, Decimal("1.50")),
        (M.OVERSEAS_TRAVEL, Decimal(0)),
        (M.OFFICIAL_RECEPTION, Decimal(0)),
        (M.OFFICIAL_VEHICLES, Decimal("1.50")),
        (M.VEHICLE_OPERATION, Decimal("1.50")),
        (M.VEHICLE_PURCHASE, Decimal(0)),
        (M.OPERATING_EXPENSES, Decimal("9.09")),
        (M.PROCUREMENT_TOTAL, Decimal("464.32")),
    ]
    assert {f.unit for f in figures} == {"万元"} and {f.page for f in figures} == {18}


def test_amounts_keep_their_printed_decimals() -> None:
    amounts = [str(a) for _, a in _read(EXPENDITURE)]
    assert amounts == ["2272.82", "242.32", "2030.5"]
    assert str(_read(SUMMARY)[2][1]) == "1000.00"


def test_the_summary_sentence_gives_income_and_expenditure_but_no_change_over_last_year() -> None:
    figures = _read(SUMMARY)
    assert figures == [(M.INCOME_TOTAL, Decimal("2272.82")), (M.CURRENT_INCOME, Decimal("1272.82")),
                       (M.CARRY_OVER, Decimal("1000.00")), (M.EXPENDITURE_TOTAL, Decimal("2272.82")),
                       (M.CARRY_OVER, Decimal("1000.00"))]
    assert Decimal("251.76") not in {a for _, a in figures}


def test_a_figure_keeps_the_sentence_it_came_from() -> None:
    figure = read_narrative_figures([OPERATING], page=19)[0]
    assert figure == NarrativeFigure(measure=M.OPERATING_EXPENSES, amount=Decimal("9.09"), unit="万元",
                                     page=19, text=OPERATING)


def test_three_public_sentence_gives_every_item() -> None:
    assert _read(THREE_PUBLIC) == [
        (M.THREE_PUBLIC_TOTAL, Decimal("1.50")), (M.OVERSEAS_TRAVEL, Decimal(0)),
        (M.OFFICIAL_RECEPTION, Decimal(0)), (M.OFFICIAL_VEHICLES, Decimal("1.50")),
        (M.VEHICLE_OPERATION, Decimal("1.50")), (M.VEHICLE_PURCHASE, Decimal(0))]


@pytest.mark.parametrize(("sentence", "expected"), [
    # Wordings of other counties than the seed's (the 阳高 sample's prose is written in them).
    ("2025年“三公”经费财政拨款预算数为4.45万元，其中：因公出国（境）费0万元；",
     [(M.THREE_PUBLIC_TOTAL, Decimal("4.45")), (M.OVERSEAS_TRAVEL, Decimal(0))]),
    ("2025年本部门机关运行经费财政拨款预算为29.20万元，主要用于保障机关日常办公。",
     [(M.OPERATING_EXPENSES, Decimal("29.20"))]),
    ("2025年一般公共预算基本支出预算安排591.85万元，其中：人员经费预算数546.13万元；公用经费45.72万元。",
     [(M.GENERAL_BUDGET_BASIC_EXPENDITURE, Decimal("591.85")), (M.PERSONNEL_EXPENSES, Decimal("546.13")),
      (M.PUBLIC_EXPENSES, Decimal("45.72"))]),
    ("按照全口径预算的原则，阳高县教育局2025年收入预算总额3,936.14万元，其中：本年收入3,157.77万元，上年结转778.37万元。",
     [(M.INCOME_TOTAL, Decimal("3936.14")), (M.CURRENT_INCOME, Decimal("3157.77")), (M.CARRY_OVER, Decimal("778.37"))]),
])
def test_budget_wordings_of_other_counties_read_the_same(sentence: str, expected: list) -> None:
    assert _read(sentence) == expected


# --- reading: wrapped lines ---------------------------------------------------------------


def test_a_sentence_wrapped_over_lines_even_inside_a_number_reads_whole() -> None:
    lines = ["三、支出预算情况说明",
             "2025年度山阴县商务局（部门）支出预算2272.",
             "82万元，其中：基本支出242.32万元，占10.66%；项目支",
             "出2030.5万元，占89.34%。",
             "四、财政拨款收支预算总体情况说明"]
    figures = read_narrative_figures(lines, page=18)
    assert [(f.measure, f.amount) for f in figures] == [
        (M.EXPENDITURE_TOTAL, Decimal("2272.82")), (M.BASIC_EXPENDITURE, Decimal("242.32")),
        (M.PROJECT_EXPENDITURE, Decimal("2030.5"))]
    assert figures[0].text == EXPENDITURE


def test_sub_items_on_lines_after_their_head_with_no_blank_lines_between() -> None:
    lines = ["六、一般公共预算基本支出情况说明",
             "2025年度山阴县商务局（部门）一般公共预算安排基本支出242.32万元，其中：",
             "人员经费220.45万元，主要包括：其他社会保障缴费、绩效工资、基本工资、医疗费补助、",
             "机关事业单位基本养老保险缴费、奖金、住房公积金、退休费、职业年金缴费；",
             "公用经费21.",
             "87万元，主要包括：邮电费、办公费、印刷费、公务用车运行维护费、办公设备购置等。",
             "七、“三公”经费增减变动原因说明"]
    assert _read(*lines) == [(M.GENERAL_BUDGET_BASIC_EXPENDITURE, Decimal("242.32")),
                             (M.PERSONNEL_EXPENSES, Decimal("220.45")), (M.PUBLIC_EXPENSES, Decimal("21.87"))]


def test_a_number_split_by_a_blank_line_is_not_joined() -> None:
    # A blank line ends the paragraph: "1,2" and "72.82万元" are not one number.
    assert _read("2025年度山阴县商务局（部门）支出预算2,2", "", "72.82万元。") == []


# --- reading: OCR damage ----------------------------------------------------------------------


@pytest.mark.parametrize("sentence", [
    "2025年度山阴县商务局（部门）支出预算2 272.82万元，其中：基本支出2 4 2.3 2 万元，占10.66%；项目支出2030.5 万 元。",
    "2025年度山阴县商务局（部门）支出预算２２７２．８２万元，其中：基本支出２４２．３２万元；项目支出２０３０．５万元。",
    "2025年度山阴县商务局（部门）支出预算为：２，２７２．８２万元，其中：基本支出是242.32万元；项目支出约2030.5万兀。",
    "2025年度山陰縣商務局（部門）支出預算2,272.82萬元，其中：基本支出242.32萬元；項目支出2030.5萬元。",
])
def test_ocr_spaces_full_width_digits_and_odd_units_read_the_same(sentence: str) -> None:
    assert _read(sentence) == [(M.EXPENDITURE_TOTAL, Decimal("2272.82")),
                               (M.BASIC_EXPENDITURE, Decimal("242.32")),
                               (M.PROJECT_EXPENDITURE, Decimal("2030.5"))]


def test_an_amount_in_yuan_keeps_its_unit() -> None:
    figure = read_narrative_figures(["2025年财政拨款安排的“三公”经费预算15,000.00元。"], page=3)[0]
    assert (figure.measure, figure.amount, figure.unit) == (M.THREE_PUBLIC_TOTAL, Decimal("15000.00"), "元")


def test_quotes_lost_around_san_gong_still_read() -> None:
    assert _read("财政拨款安排的三公经费预算1.50万元。") == [(M.THREE_PUBLIC_TOTAL, Decimal("1.50"))]
    assert _read('财政拨款安排的"三公"经费预算1.50万元。') == [(M.THREE_PUBLIC_TOTAL, Decimal("1.50"))]


@pytest.mark.parametrize("damaged", [
    # A truncated line: the figure is lost, not guessed.
    "2025年度山阴县商务局（部门）预算收入总计2,272.8\ufffd",
    "2025年度山阴县商务局（部门）支出预算2272,82万元。",  # a decimal point read as a comma: 2272 or 2272.82?
    "2025年度山阴县商务局（部门）支出预算2272.82。",  # no unit: not a money figure we can scale
])
def test_a_damaged_amount_is_not_taken(damaged: str) -> None:
    assert _read(damaged) == []


# --- reading: what is not a figure of this year's tables ----------------------------------------


def test_changes_over_last_year_and_percentages_are_not_taken() -> None:
    assert _read(GENERAL_BUDGET) == [(M.GENERAL_BUDGET_CURRENT_EXPENDITURE, Decimal("1272.82"))]
    assert _read(OPERATING) == [(M.OPERATING_EXPENSES, Decimal("9.09"))]
    assert _read("比上年增长251.76万元，增长12.46%。") == []


def test_a_prior_year_amount_in_a_comparing_clause_is_not_taken() -> None:
    sentence = "2025年“三公”经费预算1.50万元，比2024年“三公”经费预算1.60万元减少0.10万元。"
    assert _read(sentence) == [(M.THREE_PUBLIC_TOTAL, Decimal("1.50"))]
    assert _read("公务接待费较上年公务接待费0.50万元减少。") == []


def test_basic_and_project_with_no_expenditure_head_are_not_taken() -> None:
    # 绩效管理: 1030.50 is the general budget's 项目支出, not the 支出总表's 2030.50.
    assert _read(PERFORMANCE) == []


def test_basic_and_project_under_the_general_budget_belong_to_it() -> None:
    sentence = "一般公共预算当年支出1,272.82万元，其中：基本支出242.32万元，项目支出1,030.50万元。"
    assert _read(sentence) == [(M.GENERAL_BUDGET_CURRENT_EXPENDITURE, Decimal("1272.82")),
                               (M.GENERAL_BUDGET_BASIC_EXPENDITURE, Decimal("242.32")),
                               (M.GENERAL_BUDGET_PROJECT_EXPENDITURE, Decimal("1030.50"))]


@pytest.mark.parametrize("sentence", [
    # class amounts, a fund's income, the appropriation's carry-over, procurement parts
    "一般公共预算当年支出结构：一般公共服务支出489.39万元，占38.45%；商业服务业等支出701.29万元。",
    "主要包括一般公共预算拨款收入1,272.82万元，占56.00%；政府性基金预算拨款收入0万元，占0%。",
    "其中：当年拨款收入1,272.82万元，上年结转收入1,000.00万元。",
    "其中：政府采购货物预算1.95万元、政府采购工程预算0万元、政府采购服务预算462.37万元。",
    "纳入绩效目标管理的二级项目8个，共计金额1,030.50万元。",
    # a fund's or a part's total, not the department's
    "政府性基金预算收入85.00万元，政府性基金预算支出85.00万元，一般公共预算收入3,072.77万元。",
    "项目支出预算1,030.50万元，财政拨款支出预算2,272.82万元。",
])
def test_amounts_of_no_supported_measure_are_not_taken(sentence: str) -> None:
    assert _read(sentence) == []


# --- targets --------------------------------------------------------------------------------


def test_every_measure_has_a_target_entry() -> None:
    assert set(NARRATIVE_TARGETS) == set(NarrativeMeasure)
    assert NARRATIVE_TARGETS[M.PROCUREMENT_TOTAL] == ()


# --- checking -------------------------------------------------------------------------------


def _draft(kind: TableKind, label: str, column: str, value: str, unit: str | None = "万元", row: int = 0,
           col: int = 0, table: int = 0) -> DraftFact:
    number = parse_decimal(value) is not None
    return DraftFact(table_index=table, kind=kind, page=1, row=row, col=col, code=None, code_source=None,
                     labels=(label,), raw_labels=(label,), column=column, value=value,
                     value_kind="number" if number else "text", unit=unit, raw=value, evidence=Evidence(ocr_confidence=0.99),
                     bbox=BBox(0, 0, 1, 1), reasons=())


def _figure(measure: NarrativeMeasure, amount: str, unit: str = "万元") -> NarrativeFigure:
    return NarrativeFigure(measure=measure, amount=Decimal(amount), unit=unit, page=18, text="")


def _truth_drafts() -> list[DraftFact]:
    drafts = []
    for index, line in enumerate(TRUTH.read_text(encoding="utf-8").splitlines()):
        record = json.loads(line)
        drafts.append(_draft(TableKind(record["table"]), record["labels"][0], record["column"],
                             record["value"], record["unit"], row=index))
    return drafts


def test_every_seed_figure_agrees_with_the_tables_of_the_same_disclosure() -> None:
    checks = check_narrative(read_narrative_figures(_seed_lines(), page=18), _truth_drafts())
    verdicts = {(c.figure.measure, c.verdict) for c in checks}
    assert NarrativeVerdict.DISAGREE not in {v for _, v in verdicts}
    assert NarrativeVerdict.MIXED not in {v for _, v in verdicts}
    # Zero amounts are printed as blank cells (no fact), and no table prints the procurement total.
    unmatched = {m for m, v in verdicts if v == NarrativeVerdict.UNMATCHED}
    assert unmatched == {M.OVERSEAS_TRAVEL, M.OFFICIAL_RECEPTION, M.VEHICLE_PURCHASE, M.PROCUREMENT_TOTAL}
    by_measure = {c.figure.measure: c for c in checks}
    assert len(by_measure[M.EXPENDITURE_TOTAL].agreeing) == 2  # 收支总表 支出总计 and 支出总表 合计
    # 一般公共预算支出表 and 基本支出分经济科目表
    assert len(by_measure[M.GENERAL_BUDGET_BASIC_EXPENDITURE].agreeing) == 2


def test_a_stated_amount_the_table_does_not_print_disagrees() -> None:
    drafts = [_draft(TableKind.EXPENDITURE_SUMMARY, "合计", "2025年预算数/合计", "2272.82", col=0),
              _draft(TableKind.EXPENDITURE_SUMMARY, "合计", "2025年预算数/基本支出", "24.32", col=1)]
    [check] = check_narrative([_figure(M.BASIC_EXPENDITURE, "242.32")], drafts)
    assert check.verdict == NarrativeVerdict.DISAGREE and check.disagreeing == (1,) and check.agreeing == ()


def test_tables_differing_among_themselves_give_a_mixed_verdict() -> None:
    drafts = [_draft(TableKind.GENERAL_BUDGET_EXPENDITURE, "合计", "2025年预算数/基本支出", "242.32"),
              _draft(TableKind.BASIC_EXPENDITURE_ECONOMIC, "合计", "2025年预算数/合计", "243.32")]
    [check] = check_narrative([_figure(M.GENERAL_BUDGET_BASIC_EXPENDITURE, "242.32")], drafts)
    assert (check.verdict, check.agreeing, check.disagreeing) == (NarrativeVerdict.MIXED, (0,), (1,))


def _three_public_verdict(prose: str, prose_unit: str, cell: str, cell_unit: str) -> NarrativeVerdict:
    drafts = [_draft(TableKind.THREE_PUBLIC, "合计", "2025年预算数/合计", cell, unit=cell_unit)]
    return check_narrative([_figure(M.THREE_PUBLIC_TOTAL, prose, prose_unit)], drafts)[0].verdict


def test_a_table_in_yuan_is_scaled_exactly() -> None:
    assert _three_public_verdict("1.50", "万元", "15000.00", "元") == NarrativeVerdict.AGREE
    assert _three_public_verdict("1.50", "万元", "15100.00", "元") == NarrativeVerdict.DISAGREE
    assert _three_public_verdict("1500", "元", "0.15", "万元") == NarrativeVerdict.AGREE


@pytest.mark.parametrize(("prose", "cell", "unit", "verdict"), [
    ("2030.5", "2030.50", "万元", NarrativeVerdict.AGREE),  # the same amount, fewer zeros
    ("1272.8", "1272.82", "万元", NarrativeVerdict.AGREE),  # rounded to one decimal
    ("1272.8", "1272.85", "万元", NarrativeVerdict.AGREE),  # exactly half a unit of the last place
    ("1272.8", "1272.86", "万元", NarrativeVerdict.DISAGREE),  # more than half
    ("1272.80", "1272.82", "万元", NarrativeVerdict.DISAGREE),  # as many decimals: must be equal
    ("1273", "1272.82", "万元", NarrativeVerdict.AGREE),  # rounded to whole 万元
    ("2272.82", "22728249", "元", NarrativeVerdict.AGREE),  # 元 rounded to 万元 with two decimals
    ("2272.82", "22728251", "元", NarrativeVerdict.DISAGREE),
    ("2272.8249", "2272.82", "万元", NarrativeVerdict.DISAGREE),  # the prose more precise than the cell
])
def test_rounding_is_allowed_only_when_the_prose_has_fewer_decimals(prose: str, cell: str, unit: str,
                                                                     verdict: NarrativeVerdict) -> None:
    drafts = [_draft(TableKind.EXPENDITURE_SUMMARY, "合计", "2025年预算数/合计", cell, unit=unit)]
    assert check_narrative([_figure(M.EXPENDITURE_TOTAL, prose)], drafts)[0].verdict == verdict


def test_a_figure_whose_target_is_not_found_is_unmatched() -> None:
    drafts = [_draft(TableKind.EXPENDITURE_SUMMARY, "合计", "2025年预算数/合计", "2272.82"),
              _draft(TableKind.EXPENDITURE_SUMMARY, "一般公共服务支出", "2025年预算数/基本支出", "242.32"),
              _draft(TableKind.THREE_PUBLIC, "合计", "2025年预算数/合计", "—")]
    checks = check_narrative([_figure(M.BASIC_EXPENDITURE, "242.32"), _figure(M.PROCUREMENT_TOTAL, "464.32"),
                              _figure(M.THREE_PUBLIC_TOTAL, "1.50")], drafts)
    unmatched = (NarrativeVerdict.UNMATCHED, (), ())
    assert [(c.verdict, c.agreeing, c.disagreeing) for c in checks] == [unmatched] * 3


def test_enumerated_labels_and_year_less_columns_are_found() -> None:
    drafts = [_draft(TableKind.THREE_PUBLIC, "②公务用车运行维护费", "2025预算数/合计", "1.50"),
              _draft(TableKind.OPERATING_EXPENSES, "一、部门合计", "预算数/合计", "9.09"),
              _draft(TableKind.THREE_PUBLIC, "1、因公出国（境）费", "2025年预算数/合计", "0.00"),
              _draft(TableKind.THREE_PUBLIC, "因公出国(境)费", "2025年预算数/一般公共预算", "0.00")]
    checks = check_narrative([_figure(M.VEHICLE_OPERATION, "1.50"), _figure(M.OPERATING_EXPENSES, "9.09"),
                              _figure(M.OVERSEAS_TRAVEL, "0")], drafts)
    assert [(c.verdict, c.agreeing) for c in checks] == [
        (NarrativeVerdict.AGREE, (0,)), (NarrativeVerdict.AGREE, (1,)), (NarrativeVerdict.AGREE, (2,))]


def test_only_the_latest_years_column_is_compared() -> None:
    drafts = [_draft(TableKind.THREE_PUBLIC, "合计", "2024年预算数/合计", "1.60"),
              _draft(TableKind.THREE_PUBLIC, "合计", "2025年预算数/合计", "1.50")]
    [check] = check_narrative([_figure(M.THREE_PUBLIC_TOTAL, "1.50")], drafts)
    assert (check.verdict, check.agreeing, check.disagreeing) == (NarrativeVerdict.AGREE, (1,), ())


def test_a_fact_with_no_unit_is_read_in_the_figures_unit() -> None:
    drafts = [_draft(TableKind.OPERATING_EXPENSES, "部门合计", "2025预算数/合计", "9.09", unit=None)]
    [check] = check_narrative([_figure(M.OPERATING_EXPENSES, "9.09")], drafts)
    assert check.verdict == NarrativeVerdict.AGREE


def test_applying_the_checks_adds_evidence_and_the_mismatch_reason() -> None:
    from pipeline.check.narrative import NarrativeCheck, NarrativeFigure, NarrativeMeasure, NarrativeVerdict, apply_narrative_checks

    drafts = [_draft(TableKind.THREE_PUBLIC, "合计", "合计", "1.50"), _draft(TableKind.THREE_PUBLIC, "合计", "合计", "1.60"),
              _draft(TableKind.THREE_PUBLIC, "公务接待费", "合计", "0.30")]
    figure = NarrativeFigure(measure=NarrativeMeasure.THREE_PUBLIC_TOTAL, amount=Decimal("1.50"), unit="万元", page=20,
                             text="“三公”经费预算1.50万元")
    checks = [NarrativeCheck(figure=figure, verdict=NarrativeVerdict.MIXED, agreeing=(0,), disagreeing=(1,))]
    out = apply_narrative_checks(drafts, checks)
    assert (out[0].checks_passed, out[0].checks_failed, out[0].reasons) == (drafts[0].checks_passed + 1, 0, drafts[0].reasons)
    assert out[1].checks_failed == drafts[1].checks_failed + 1 and "narrative_mismatch" in out[1].reasons
    assert out[2] == drafts[2]
