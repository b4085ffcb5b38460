from __future__ import annotations

from pathlib import Path

import pytest

from samplegen.layout import place
from samplegen.spec import SpecTable
from samplegen.spec_builders import (
    BudgetRow,
    FormGrid,
    OverallForm,
    ProjectForm,
    cell,
    overall_form_table,
    procurement_catalog_table,
    project_form_table,
    state_capital_table,
)


def _facts_point_at_their_values(table: dict, slips: tuple[tuple[str, ...], ...] = ()) -> None:
    """Every form fact names the slot (row, col) where the renderer places its value
    (but for the ``slips``: facts whose labels say the print differs on purpose)."""
    spec = SpecTable.model_validate(table)
    grid = place(spec)
    for f in spec.form_facts:
        if tuple(f.labels) in slips:
            continue
        placed = grid.at(f.row, f.col)
        assert placed is not None, f
        printed = placed.text.replace(",", "") if f.kind == "number" else placed.text
        assert printed == f.value, f


def test_cell_stays_a_string_unless_it_spans_or_aligns() -> None:
    assert cell("a") == "a"
    assert cell("a", cs=2) == {"text": "a", "colspan": 2}
    assert cell("a", rs=3, align="center") == {"text": "a", "rowspan": 3, "align": "center"}


def test_grid_skips_slots_covered_by_rowspans_and_drops_blank_facts() -> None:
    g = FormGrid(3)
    g.row(cell("k", rs=2), "x", "y")
    g.row("z", "w")  # slot (1, 0) is under k
    g.fact(["z"], "w", 2)
    g.fact(["blank"], "", 1)
    assert g.facts == [{"labels": ["z"], "column": "", "value": "w", "row": 1, "col": 2}]


def test_grid_refuses_a_row_wider_than_the_form() -> None:
    g = FormGrid(2)
    g.row(cell("k", rs=2), "x")
    with pytest.raises(AssertionError):
        g.row("y", "z")


def test_project_form_places_each_fact_on_its_value() -> None:
    form = ProjectForm(
        name="项目甲", unit="某单位", attr="一次性项目（1年结束）", period="1年",
        money=("1,000", "0", "0", "1,000", "0", "", "500", "0", "0", "500", "0", ""),
        overview="概况", basis="依据", need="必要性", measures="措施", plan="计划",
        goal=("实施期目标文字", "年度目标文字"),
        indicators=[
            ("产出指标", [
                ("数量指标", [("甲", "1个"), ("乙", "2个", "乙年度", "1个")]),
                (("质量指标", "质量指标（年度）"), [("丙", "100%")]),
            ]),
            ("满意度指标", [("服务对象满意度", [("满意度", "≥90%")])]),
        ],
        date="20250101120000",
    )
    table = project_form_table("001-某部门", form)
    _facts_point_at_their_values(table)
    facts = {(tuple(f["labels"]), f["column"]): f for f in table["form_facts"]}
    assert facts[(("实施期资金总额",), "")]["value"] == "1000"
    assert facts[(("年度资金总额",), "")]["value"] == "500"
    assert facts[(("产出指标", "数量指标", "乙年度"), "年度/指标值")]["value"] == "1个"
    assert facts[(("产出指标", "质量指标（年度）", "丙"), "年度/指标值")]["value"] == "100%"
    assert (("其他资金",), "") not in facts  # printed blank


def test_overall_form_records_the_use_fact_where_the_print_slips() -> None:
    form = OverallForm(
        dept_coded="001-某部门", subject="某部门", n_offices="2个", n_units="1个",
        n_posts="5人", n_staff="4人", n_staff_on_post="4人", n_staff_other="0人",
        duties="职责", dept_goal="目标",
        budget=[
            BudgetRow("合计", "10.00", "合计", "10.00"),
            BudgetRow("其中：一般公共预算资金", "10.00", "其中：基本支出", "7.00", use_fact="6.00"),
            BudgetRow("政府性基金预算资金", "0.00", "项目支出", "4.00"),
            BudgetRow("单位资金", "0.00", "", ""),
        ],
        key_work=[("职能", "工作")],
        year_goal="年度目标",
        indicators=[("产出指标", [("数量指标", "学校数", "3所"), ("质量指标", "", "")])],
    )
    table = overall_form_table(form)
    _facts_point_at_their_values(table, slips=(("基本支出",),))
    facts = {tuple(f["labels"]): f["value"] for f in table["form_facts"]}
    assert facts[("基本支出",)] == "6.00"  # the fact, not the 7.00 printed beside it
    assert facts[("一般公共预算资金",)] == "10.00"
    assert ("产出指标", "质量指标", "") not in facts  # printed blank


def test_state_capital_table_is_the_empty_table_9() -> None:
    table = SpecTable.model_validate(state_capital_table("部门名称：某部门"))
    assert (table.caption, table.note, table.department) == ("预算公开表9", "注：本表无数据", "部门名称：某部门")
    assert place(table).n_cols == 8


def test_catalog_puts_each_name_in_its_level_column(tmp_path: Path) -> None:
    csv_path = tmp_path / "catalog.csv"
    rows = ["code,level,name", "A,1,一级"] + [f"A{i:02d},2,二级{i}" for i in range(1, 8)]
    csv_path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    table = procurement_catalog_table(csv_path)
    assert table["rows"][1] == ["A", "一级", "", ""]
    assert table["rows"][2] == ["A01", "", "二级1", ""]
    assert table["max_body_rows_per_page"] == 2  # 8 body rows over about four pages
    assert procurement_catalog_table(csv_path, rows_per_page=50)["max_body_rows_per_page"] == 50
    SpecTable.model_validate(table)


def test_state_capital_table_takes_the_year_and_may_print_no_blank_row() -> None:
    table = SpecTable.model_validate(state_capital_table("部门名称：某部门", year=2026, empty_rows=False))
    assert table.title.startswith("2026年") and len(table.rows) == table.header_rows == 3
    assert table.note == "注：本表无数据"
