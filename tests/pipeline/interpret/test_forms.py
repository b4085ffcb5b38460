"""Performance forms to facts: hand-built grids of a project form and an overall form."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from models import BBox, Evidence, Grid, GridCell, Orientation, PageRef, PageResult, PageTable, TableKind
from pipeline.interpret.facts import DraftFact
from pipeline.interpret.forms import Role, form_facts_for_document, match_key, subject_name
from pipeline.check.validate import validate
from pipeline.interpret.resolve import ResolvedTable

_COL_W, _ROW_H = 100.0, 40.0
_PAGE_W, _PAGE_H = 1000, 2000


@dataclass(frozen=True)
class C:
    """A printed cell in a row spec: text, spans and OCR confidence."""

    text: str
    rs: int = 1
    cs: int = 1
    conf: float = 0.95


def make_grid(n_cols: int, rows: list[list[C | str]]) -> Grid:
    """Place cells left to right, skipping slots covered by merges from rows above."""
    covered: set[tuple[int, int]] = set()
    cells: list[GridCell] = []
    for r, row in enumerate(rows):
        col = 0
        for item in row:
            spec = item if isinstance(item, C) else C(item)
            while (r, col) in covered:
                col += 1
            for dr in range(spec.rs):
                for dc in range(spec.cs):
                    covered.add((r + dr, col + dc))
            box = BBox(col * _COL_W, r * _ROW_H, (col + spec.cs) * _COL_W, (r + spec.rs) * _ROW_H)
            cells.append(GridCell(r, col, spec.rs, spec.cs, box, text=spec.text, evidence=Evidence(ocr_confidence=spec.conf)))
            col += spec.cs
        for c in range(n_cols):  # an empty slot the OCR left unprinted is still a cell
            if (r, c) not in covered:
                covered.add((r, c))
                box = BBox(c * _COL_W, r * _ROW_H, (c + 1) * _COL_W, (r + 1) * _ROW_H)
                cells.append(GridCell(r, c, 1, 1, box))
    n_rows = len(rows)
    return Grid(
        bbox=BBox(0, 0, n_cols * _COL_W, n_rows * _ROW_H),
        row_edges=tuple(r * _ROW_H for r in range(n_rows + 1)),
        col_edges=tuple(c * _COL_W for c in range(n_cols + 1)),
        cells=tuple(cells),
    )


def make_table(grid: Grid, kind: TableKind, page_index: int, continued: bool = False,
               unit: str | None = None) -> ResolvedTable:
    ref = PageRef(path=Path("x.pdf"), source="x.pdf", sha256="0" * 64, media_type="pdf", index=page_index)
    page = PageResult(ref=ref, width=_PAGE_W, height=_PAGE_H, orientation=Orientation(0, 0.0),
                      char_height=20.0, tables=())
    return ResolvedTable(page=page, table=PageTable(grid=grid, context=(), footer=()), kind=kind,
                         kind_score=90.0, title="", unit=unit, continued=continued, layout=None)


def facts_by(facts: list[DraftFact]) -> dict[tuple[tuple[str, ...], str], list[DraftFact]]:
    out: dict[tuple[tuple[str, ...], str], list[DraftFact]] = {}
    for fact in facts:
        out.setdefault((fact.labels, fact.column), []).append(fact)
    return out


def values(facts: list[DraftFact], labels: tuple[str, ...], column: str = "") -> list[str]:
    return [f.value for f in facts_by(facts).get((labels, column), [])]


# --- a project form over two pages ------------------------------------------

PROJECT = "消费券资金"

PROJECT_PAGE_1 = [
    [C("项目名称", cs=2), C(PROJECT, cs=6)],
    [C("主管部门及代码", cs=2), C("029-某县商务局（部门）", cs=3), "实施单位", C("某县商务局", cs=2)],
    [C("项目资金（元）", rs=3, cs=2), C("实施期安全总额：", cs=2), C("1,950,000", conf=0.6), C("年度资金总额：", cs=2),
     "1,560,000"],
    [C("其中：中央财政资金", cs=2), "0", C("其中：中央财政资金", cs=2), "0"],
    [C("市县（区）财政资", cs=2), "1,950,000", C("市县（区）财政资金", cs=2), "1,56O,000"],
    [C("项目概况", cs=2), C("发放 消费券，促进 消费。", cs=6)],
    [C("总体目标", rs=2, cs=2), C("实施期目标", cs=3), C("年度目标", cs=3)],
    [C("激发市场活力", cs=3), C("促进消费", cs=3)],
    [C("绩效指标", rs=3), "一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"],
    [C("产出指标", rs=2), C("数量指标", rs=2), "券种数量", ">3种", C("数量指标", rs=2), "券种数量", ">3种"],
    ["发放批次", "≥2批", "发放批次", "≥1批"],
]

# The page break cut the merged 一级 cell: its slot on this page is empty and unmerged.
PROJECT_PAGE_2 = [
    ["", "", "质量指标", "核销率", "≥90%", "质量指标", "核销率", "≥95%"],
    ["", C("效益指标", rs=2), "生态效益", "", "", "生态效益", "", ""],
    ["", "社会效益", "带动消费", "促进", "社会效益", "带动消费", "促进"],
    [C("负责人：", cs=2), C("经办人：", cs=2), C("联系电话：", cs=2), "填报日期：", "20250221170333"],
]


@pytest.fixture(scope="module")
def project_facts() -> list[DraftFact]:
    tables = [
        make_table(make_grid(8, PROJECT_PAGE_1), TableKind.PERFORMANCE_PROJECT, 19, unit="元"),
        make_table(make_grid(8, PROJECT_PAGE_2), TableKind.PERFORMANCE_PROJECT, 20, continued=True, unit="元"),
    ]
    return form_facts_for_document(tables)


def test_project_key_values_take_the_canonical_key(project_facts: list[DraftFact]) -> None:
    assert values(project_facts, ("项目名称",)) == [PROJECT]
    assert values(project_facts, ("主管部门及代码",)) == ["029-某县商务局（部门）"]
    assert values(project_facts, ("实施单位",)) == ["某县商务局"]
    assert values(project_facts, ("项目概况",)) == ["发放消费券，促进消费。"]


def test_damaged_money_key_is_matched_and_money_is_a_number_in_yuan(project_facts: list[DraftFact]) -> None:
    (total,) = facts_by(project_facts)[(("实施期资金总额",), "")]
    assert (total.value, total.value_kind, total.unit, total.reasons) == ("1950000", "number", "元", ())
    assert total.raw_labels == ("实施期安全总额：",)
    assert total.raw == "1,950,000"
    assert total.evidence.ocr_confidence == pytest.approx(0.6)  # the weakest of key and value cell
    assert values(project_facts, ("年度资金总额",)) == ["1560000"]


def test_a_key_printed_on_both_sides_gives_two_facts(project_facts: list[DraftFact]) -> None:
    assert values(project_facts, ("中央财政资金",)) == ["0", "0"]
    county = facts_by(project_facts)[(("市县（区）财政资金",), "")]
    assert [f.value for f in county] == ["1950000", "1,56O,000"]
    assert county[1].reasons == ("unparseable_number",)
    assert county[1].value_kind == "text"


def test_goal_columns(project_facts: list[DraftFact]) -> None:
    assert values(project_facts, ("总体目标",), "实施期目标") == ["激发市场活力"]
    assert values(project_facts, ("总体目标",), "年度目标") == ["促进消费"]


def test_indicator_rows_read_merged_cells_on_both_periods(project_facts: list[DraftFact]) -> None:
    assert values(project_facts, ("产出指标", "数量指标", "券种数量"), "实施期/指标值") == [">3种"]
    assert values(project_facts, ("产出指标", "数量指标", "发放批次"), "实施期/指标值") == ["≥2批"]
    assert values(project_facts, ("产出指标", "数量指标", "发放批次"), "年度/指标值") == ["≥1批"]


def test_indicator_block_continues_on_the_next_page(project_facts: list[DraftFact]) -> None:
    # 一级 carried over the page break, 二级 from the new page.
    assert values(project_facts, ("产出指标", "质量指标", "核销率"), "年度/指标值") == ["≥95%"]
    assert values(project_facts, ("效益指标", "社会效益", "带动消费"), "实施期/指标值") == ["促进"]
    # A row whose 三级 and 指标值 are empty gives nothing.
    assert not [f for f in project_facts if "生态效益" in f.labels]


def test_date_is_text_and_signature_keys_without_value_give_nothing(project_facts: list[DraftFact]) -> None:
    (date,) = facts_by(project_facts)[(("填报日期",), "")]
    assert (date.value, date.value_kind, date.unit, date.page) == ("20250221170333", "text", None, 21)
    assert not facts_by(project_facts).get((("负责人",), ""))


def test_every_project_fact_carries_the_subject_and_its_page_box(project_facts: list[DraftFact]) -> None:
    assert {f.form for f in project_facts} == {PROJECT}
    assert {f.table_index for f in project_facts} == {0, 1}
    (name,) = facts_by(project_facts)[(("项目名称",), "")]
    assert name.bbox == BBox(0.2, 0.0, 0.8, 0.02)
    assert len(project_facts) == 21


# --- an overall form over two pages ------------------------------------------

OVERALL_PAGE_1 = [
    [C("部门基本信息", rs=3), "部门名称", C("029-某县教育局（部门）", cs=3)],
    [C("在职人员编制数", rs=2), C("42人", rs=2), "实际在职人员总数", "39人"],
    ["其中：在职人员数", "37人"],
    ["部门职责", C("负责全县教育工作。", cs=4)],
    [C("年度预算情况", rs=4), "按资金来源划分", "资金总额（万元）", "按资金使用划分", "资金总额（万元）"],
    ["合计", "1,284.82", "合计", "1284.82"],
    ["其中：一般公共预算资金", "1284.82", "其中：基本支出", "342.32"],
    ["政府性基金预算资金", "0.00", "项目支出", "1042.50"],
]

OVERALL_PAGE_2 = [
    [C("年度重点工作", rs=3), "核心职能", C("重点工作", cs=3)],
    ["统筹教育经费", C("保障学校运转", cs=3)],
    ["加强教师队伍", C("组织教师培训", cs=3)],
    ["年度绩效目标", C("巩固率保持99%", cs=4)],
    [C("年度绩效指标", rs=4), "一级指标", "二级指标", "三级指标", "指标值"],
    [C("产出指标", rs=2), "数量指标", "学校数量", "≥46所"],
    ["质量指标", "巩固率", "≥99%"],
    ["满意度指标", "服务对象满意度指标", "家长满意度", "≥90%"],
]


@pytest.fixture(scope="module")
def overall_facts() -> list[DraftFact]:
    tables = [
        make_table(make_grid(5, OVERALL_PAGE_1), TableKind.PERFORMANCE_OVERALL, 17),
        make_table(make_grid(5, OVERALL_PAGE_2), TableKind.PERFORMANCE_OVERALL, 18, continued=True),
    ]
    return form_facts_for_document(tables)


def test_overall_subject_drops_the_code_and_holds_on_the_continued_page(
        overall_facts: list[DraftFact]) -> None:
    assert {f.form for f in overall_facts} == {"某县教育局（部门）"}
    assert values(overall_facts, ("部门名称",)) == ["029-某县教育局（部门）"]
    assert {f.page for f in overall_facts} == {18, 19}


def test_overall_counts_under_merged_keys(overall_facts: list[DraftFact]) -> None:
    assert values(overall_facts, ("在职人员编制数",)) == ["42人"]
    assert values(overall_facts, ("实际在职人员总数",)) == ["39人"]
    assert values(overall_facts, ("在职人员数",)) == ["37人"]


def test_overall_money_is_in_the_unit_the_form_states(overall_facts: list[DraftFact]) -> None:
    totals = facts_by(overall_facts)[(("合计",), "")]
    assert [(f.value, f.unit, f.value_kind) for f in totals] == [("1284.82", "万元", "number")] * 2
    assert values(overall_facts, ("项目支出",)) == ["1042.50"]
    assert values(overall_facts, ("政府性基金预算资金",)) == ["0.00"]
    assert not facts_by(overall_facts).get((("按资金来源划分",), ""))


def test_overall_key_work_columns_and_indicators(overall_facts: list[DraftFact]) -> None:
    assert values(overall_facts, ("年度重点工作",), "核心职能") == ["统筹教育经费", "加强教师队伍"]
    assert values(overall_facts, ("年度重点工作",), "重点工作") == ["保障学校运转", "组织教师培训"]
    assert values(overall_facts, ("年度绩效目标",)) == ["巩固率保持99%"]
    assert values(overall_facts, ("产出指标", "质量指标", "巩固率"), "指标值") == ["≥99%"]
    assert values(overall_facts, ("满意度指标", "服务对象满意度指标", "家长满意度"), "指标值") == ["≥90%"]
    assert len(overall_facts) == 19


def checked(facts: list[DraftFact]) -> list[DraftFact]:
    """The facts after the document's arithmetic (forms hand their sums to the one validator)."""
    return validate(facts, {0: 0, 1: 0}).drafts


def project_money(central: str, provincial: str) -> list[DraftFact]:
    """A project form's money block (实施期 total 1000, 年度 total 100 = 100 + 0), checked."""
    grid = make_grid(5, [
        [C("项目资金（元）", rs=3), "实施期资金总额", "1000", "年度资金总额", "100"],
        ["中央财政资金", central, "中央财政资金", "100"],
        ["省级财政资金", provincial, "省级财政资金", "0"],
    ])
    return checked(form_facts_for_document([make_table(grid, TableKind.PERFORMANCE_PROJECT, 0)]))


def test_a_form_whose_sums_hold_gets_its_money_checks_passed() -> None:
    facts = project_money("400", "600")
    money = [f for f in facts if f.value_kind == "number"]
    assert len(money) == 6 and all(f.checks_passed == 1 and not f.checks_failed and not f.reasons for f in money)


def test_a_single_misread_digit_against_a_confirmed_total_is_corrected(
        overall_facts: list[DraftFact]) -> None:
    # 合计 is printed on both sides with the same amount, so the part is the one misread:
    # 1284.82 - 1042.50 = 242.32, one digit away from the printed 342.32 (the seed's own misprint).
    facts = checked(overall_facts)
    (basic,) = facts_by(facts)[(("基本支出",), "")]
    assert (basic.value, basic.raw, basic.reasons) == ("242.32", "342.32", ("corrected_by_arithmetic",))
    assert all(not f.reasons for f in facts if f.labels != ("基本支出",))
    totals = facts_by(facts)[(("合计",), "")]
    # The income side's 合计: its parts and its other printing.  The spending side's: its other
    # printing only; the sum of its parts was spent on correcting 基本支出.
    assert sorted(t.checks_passed for t in totals) == [1, 2]


def test_a_value_cut_from_its_key_s_cell_begins_with_no_speck_mark() -> None:
    # The rules between keys and values lost: a speck between the two read as 。 or ：.
    grid = make_grid(4, [["部门名称", C("029-某县教育局（部门）", cs=3)],
                         [C("所属预算单位数。1个", cs=2), C("实际在职人员总数：。63人", cs=2)]])
    facts = form_facts_for_document([make_table(grid, TableKind.PERFORMANCE_OVERALL, 0)])
    assert values(facts, ("所属预算单位数",)) == ["1个"]
    assert values(facts, ("实际在职人员总数",)) == ["63人"]


def test_a_lone_stroke_after_a_worded_key_is_a_rule_s_trace_not_its_value() -> None:
    # A dropout left pieces of the rules: one read after 项目属性 in its own cell, one as the whole
    # of the blank 联系电话 cell.
    grid = make_grid(4, [["项目名称", C("某项目", cs=3)], ["项目属性1", C("经常性项目", cs=3)],
                         ["联系电话", "1", "填报日期", "2025-03-05"]])
    facts = form_facts_for_document([make_table(grid, TableKind.PERFORMANCE_PROJECT, 0)])
    assert values(facts, ("项目属性",)) == ["经常性项目"]
    assert values(facts, ("联系电话",)) == [] and values(facts, ("填报日期",)) == ["2025-03-05"]


def test_a_key_cut_in_two_by_a_line_takes_the_value_after_its_tail() -> None:
    grid = make_grid(4, [["项目名称", C("某项目", cs=3)], ["主管部门", "及代码", C("303-应县农业农村局（部门）", cs=2)]])
    facts = form_facts_for_document([make_table(grid, TableKind.PERFORMANCE_PROJECT, 0)])
    assert values(facts, ("主管部门及代码",)) == ["303-应县农业农村局（部门）"]


def test_an_amount_read_out_of_a_cell_merged_with_its_key_is_checked_in_its_value_column() -> None:
    # The rule between 省级财政资金 and its amount was lost: one cell, its trace read as a 1 (600 -> 1600).
    grid = make_grid(5, [
        [C("项目资金（元）", rs=3), "实施期资金总额", "9000", "年度资金总额", "100"],
        ["中央财政资金", "8400", "中央财政资金", "100"],
        [C("省级财政资金1600", cs=2), "省级财政资金", "0"],
    ])
    facts = checked(form_facts_for_document([make_table(grid, TableKind.PERFORMANCE_PROJECT, 0)]))
    (merged,) = [f for f in facts if f.value == "1600"]
    assert merged.labels == ("省级财政资金",) and "row_sum_mismatch" in merged.reasons and not merged.checks_passed


def test_an_amount_beginning_with_a_stroke_in_a_cell_merged_with_its_key_is_doubted_however_it_adds_up() -> None:
    # Both the 年度 total and its one part lost the rule before them and read 12,345,600 as
    # 112,345,600: the sum holds, misread alike on both sides.
    grid = make_grid(5, [
        [C("项目资金（元）", rs=3), "实施期资金总额", "300", C("年度资金总额112,345,600", cs=2)],
        ["中央财政资金", "0", "中央财政资金", "0"],
        ["省级财政资金", "300", C("省级财政资金112,345,600", cs=2)],
    ])
    facts = checked(form_facts_for_document([make_table(grid, TableKind.PERFORMANCE_PROJECT, 0)]))
    merged = [f for f in facts if f.value == "112345600"]
    assert len(merged) == 2 and all("table_structure_doubtful" in f.reasons for f in merged)
    assert all("table_structure_doubtful" not in f.reasons for f in facts if f.value in ("300", "0"))


def test_a_sum_that_no_single_digit_explains_goes_to_review() -> None:
    facts = project_money("123", "456")
    by_column = {(f.labels[0], f.col): f for f in facts}
    assert by_column[("实施期资金总额", 2)].reasons == ("row_sum_mismatch",)
    assert by_column[("省级财政资金", 2)].reasons == ("row_sum_mismatch",)
    assert by_column[("年度资金总额", 4)].reasons == () and by_column[("年度资金总额", 4)].checks_passed == 1


# --- pieces --------------------------------------------------------------------


@pytest.mark.parametrize(("text", "key", "role"), [
    ("实施期安全总额：", "实施期资金总额", Role.MONEY_TOTAL),
    ("市县（区）财政资", "市县（区）财政资金", Role.MONEY),
    ("其中：中央财政资金", "中央财政资金", Role.MONEY),
    ("结效指标", "绩效指标", Role.SECTION),
    ("项目资金 (元)", "项目资金（元）", Role.MONEY_SECTION),
    ("指 标 值", "指标值", Role.INDICATOR_VALUE),
])
def test_damaged_keys_match(text: str, key: str, role: Role) -> None:
    found = match_key(text)
    assert found is not None and (found.key, found.role) == (key, role)


@pytest.mark.parametrize("text", ["某县商务局", "6人", "1,950,000", "≥95%", "延续性项目（阶段开展）", "20250221170333"])
def test_values_are_not_keys(text: str) -> None:
    assert match_key(text) is None


def test_an_unknown_key_still_gives_its_value_for_review() -> None:
    grid = make_grid(4, [["项目名称", C("某项目", cs=3)], ["绩效负责部门", "某股室", "项目期", "1年"]])
    facts = form_facts_for_document([make_table(grid, TableKind.PERFORMANCE_PROJECT, 0)])
    unknown = facts_by(facts)[(("绩效负责部门",), "")]
    assert [(f.value, f.reasons) for f in unknown] == [("某股室", ("unmatched_label",))]
    assert values(facts, ("项目期",)) == ["1年"]


def test_a_new_form_starts_at_a_table_that_is_not_a_continuation() -> None:
    first = make_grid(2, [["项目名称", "甲项目"], ["项目期", "1年"]])
    second = make_grid(2, [["项目名称", "乙项目"], ["项目期", "2年"]])
    facts = form_facts_for_document([make_table(first, TableKind.PERFORMANCE_PROJECT, 0),
                                     make_table(second, TableKind.PERFORMANCE_PROJECT, 1)])
    assert [(f.form, f.value) for f in facts if f.labels == ("项目期",)] == [("甲项目", "1年"), ("乙项目", "2年")]


def test_subject_name_drops_the_department_code_only() -> None:
    assert subject_name("029-山阴县商务局（部门）", TableKind.PERFORMANCE_OVERALL) == "山阴县商务局（部门）"
    assert subject_name("2025年乡村e镇项目", TableKind.PERFORMANCE_OVERALL) == "2025年乡村e镇项目"
    assert subject_name("2024-2026年校舍维修", TableKind.PERFORMANCE_PROJECT) == "2024-2026年校舍维修"


def test_lost_ruling_lines_merge_cells_that_are_read_apart_again() -> None:
    # What a faint scan gives: key and value in one cell, a value run into the next key,
    # two headers in one cell, 一级指标 over the label column, the 一级 cell merged with
    # the cut label 绩效指, and the label's rest (标) printed further down.
    grid = make_grid(8, [
        [C("项目名称某项目监理费", cs=8)],
        [C("主管部门及代码", cs=2), C("029-某局（部门）实施单位某局", cs=6)],
        [C("项目属性", cs=2), C("经常性项目（长期开展）", cs=3), "项目期", C("：99年", cs=2)],
        [C("一级指标", cs=2), "二级指标", "三级指标", "指标值", "二级指标", C("三级指标指标值", cs=2)],
        [C("产出指标绩效指", rs=2, cs=2), "数量指标", "项目数量", "1个", "数量指标", "项目数量", "1个"],
        ["质量指标", "报告质量", "可靠", "质量指标", "报告质量", "可靠"],
        ["标", "满意度指标", "服务对象满意度", "满意度", "≥90%", "服务对象满意度", "满意度", "≥95%"],
    ])
    facts = form_facts_for_document([make_table(grid, TableKind.PERFORMANCE_PROJECT, 0)])
    assert values(facts, ("项目名称",)) == ["某项目监理费"]
    assert values(facts, ("主管部门及代码",)) == ["029-某局（部门）"]
    assert values(facts, ("实施单位",)) == ["某局"]
    assert values(facts, ("项目期",)) == ["99年"]
    assert values(facts, ("产出指标", "数量指标", "项目数量"), "年度/指标值") == ["1个"]
    assert values(facts, ("产出指标", "质量指标", "报告质量"), "实施期/指标值") == ["可靠"]
    assert values(facts, ("满意度指标", "服务对象满意度", "满意度"), "年度/指标值") == ["≥95%"]
    assert {f.form for f in facts} == {"某项目监理费"}
    assert all(not f.reasons for f in facts)
    assert len(facts) == 11


def test_prose_that_contains_a_key_word_is_not_cut() -> None:
    text = "根据项目实施计划，及时拨付合计资金并做好项目支出的绩效评价，确保项目期内完成全部建设任务。"
    grid = make_grid(4, [["项目名称", C("某项目", cs=3)], ["项目概况", C(text, cs=3)]])
    facts = form_facts_for_document([make_table(grid, TableKind.PERFORMANCE_PROJECT, 0)])
    assert values(facts, ("项目概况",)) == [text]


def test_a_value_the_grid_cut_in_two_is_one_fact_over_the_whole_printed_cell() -> None:
    """A lost ruling line inside a long value: one fact, and its box and readings cover both pieces."""
    grid = make_grid(4, [["项目名称", "山阴县电子商务进农村", "综合示范项目", ""]])
    (fact,) = form_facts_for_document([make_table(grid, TableKind.PERFORMANCE_PROJECT, 0)])
    assert fact.value == "山阴县电子商务进农村综合示范项目"
    assert (fact.col, fact.col_span) == (1, 2)
    assert fact.bbox == BBox(100 / _PAGE_W, 0.0, 300 / _PAGE_W, 40 / _PAGE_H)
    assert [r.text for r in fact.readings if r.part == "value"] == ["山阴县电子商务进农村", "综合示范项目"]


def test_a_value_cut_before_a_comma_keeps_the_comma_where_the_pieces_join() -> None:
    """The grid's line fell between a word and the comma after it: the comma is the sentence's own,
    no speck before a value (the first piece still begins with none)."""
    grid = make_grid(4, [["项目名称", "某项目", "", ""],
                         ["年度绩效目标", "。接种率≥95%", "，管理率≥90%，服务全面落实。", ""]])
    facts = form_facts_for_document([make_table(grid, TableKind.PERFORMANCE_PROJECT, 0)])
    assert values(facts, ("年度绩效目标",)) == ["接种率≥95%，管理率≥90%，服务全面落实。"]


def test_a_thousands_comma_read_as_a_point_in_form_money_is_taken_as_a_separator() -> None:
    # 1,000,000 read 1000.000 and 400,000 read 400.000: no form prints a tenth of a fen.
    grid = make_grid(5, [
        [C("项目资金（元）", rs=3), "实施期资金总额", "1000.000", "年度资金总额", "100"],
        ["中央财政资金", "400.000", "中央财政资金", "100"],
        ["省级财政资金", "600000", "省级财政资金", "0"],
    ])
    facts = checked(form_facts_for_document([make_table(grid, TableKind.PERFORMANCE_PROJECT, 0)]))
    by_column = {(f.labels[0], f.col): f for f in facts}
    total, central = by_column[("实施期资金总额", 2)], by_column[("中央财政资金", 2)]
    assert (total.value, central.value) == ("1000000", "400000")
    assert "number_format_repaired" in total.reasons and total.checks_passed == 1 and not total.checks_failed
