"""Pieces for writing a spec by hand: cells, the form grid, and the layouts every
disclosure of the 山西 county template prints the same way.

The spec generators under ``samples/spec/`` (one a hand transcription, one a
synthetic department) fill these with their own text and numbers; what lives
here is only what the template fixes: the 30 expenditure classes of the
summary tables, the empty 国有资本经营预算 table, the 部门整体支出绩效目标申报表
and 项目支出绩效目标表 forms (with the form_facts a person would write down),
and the 政府购买服务指导性目录.  The output is plain dicts in the JSON shape of
:class:`samplegen.spec.DocumentSpec`, key order included, because the
generators write them out as they are.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

# A spec cell as written to JSON: a bare string, or a dict when it spans or aligns.
Cell = str | dict

# 项目支出绩效目标表 indicators: [(一级, [(二级, [row, ...]), ...]), ...].  A row is
# (三级, 指标值) when the 实施期 and 年度 sides agree, else (实施期三级, 实施期值,
# 年度三级, 年度值); an 二级 may be a pair (实施期二级, 年度二级) when the sides differ.
IndicatorRow = tuple[str, str] | tuple[str, str, str, str]
Indicators = list[tuple[str, list[tuple[str | tuple[str, str], list[IndicatorRow]]]]]

# 部门整体支出绩效目标申报表 indicators: [(一级, [(二级, 三级, 指标值), ...]), ...]
OverallIndicators = list[tuple[str, list[tuple[str, str, str]]]]

NO_DATA = "注：本表无数据"

# The 类 of the functional classification, as the 收支总表 print them (label, implied code).
EXPENDITURE_CLASSES: list[tuple[str, str]] = [
    ("一、一般公共服务支出", "201"),
    ("二、外交支出", "202"),
    ("三、国防支出", "203"),
    ("四、公共安全支出", "204"),
    ("五、教育支出", "205"),
    ("六、科学技术支出", "206"),
    ("七、文化旅游体育与传媒支出", "207"),
    ("八、社会保障和就业支出", "208"),
    ("九、社会保险基金支出", "209"),
    ("十、卫生健康支出", "210"),
    ("十一、节能环保支出", "211"),
    ("十二、城乡社区支出", "212"),
    ("十三、农林水支出", "213"),
    ("十四、交通运输支出", "214"),
    ("十五、资源勘探工业信息等支出", "215"),
    ("十六、商业服务业等支出", "216"),
    ("十七、金融支出", "217"),
    ("十八、援助其他地区支出", "219"),
    ("十九、自然资源海洋气象等支出", "220"),
    ("二十、住房保障支出", "221"),
    ("二十一、粮油物资储备支出", "222"),
    ("二十二、国有资本经营预算支出", "223"),
    ("二十三、灾害防治及应急管理支出", "224"),
    ("二十四、预备费", "227"),
    ("二十五、其他支出", "229"),
    ("二十六、转移性支出", "230"),
    ("二十七、债务还本支出", "231"),
    ("二十八、债务付息支出", "232"),
    ("二十九、债务发行费用支出", "233"),
    ("三十、抗疫特别国债安排的支出", "234"),
]


def cell(text: str = "", cs: int = 1, rs: int = 1, align: str | None = None) -> Cell:
    """A cell; plain strings stay plain when they span nothing (keeps the JSON readable)."""
    if cs == 1 and rs == 1 and align is None:
        return text
    d: dict = {"text": text}
    if cs != 1:
        d["colspan"] = cs
    if rs != 1:
        d["rowspan"] = rs
    if align is not None:
        d["align"] = align
    return d


def key_label(text: str) -> str:
    """The canonical key of a form label cell: no trailing colon, no 其中： prefix."""
    return text.rstrip("：:").removeprefix("其中：")


class FormGrid:
    """Collects a form's rows and places each cell like an HTML table, so that a
    fact can name the grid slot (row, col) of its value cell (the truth needs it
    to find the value's box on the page)."""

    def __init__(self, n_cols: int) -> None:
        self.n_cols = n_cols
        self.rows: list[list[Cell]] = []
        self.facts: list[dict] = []
        self._covered: set[tuple[int, int]] = set()  # slots taken by cells placed so far

    def row(self, *cells: Cell) -> None:
        """Append a row; its cells fill the slots that earlier rowspans left free."""
        r = len(self.rows)
        col = 0
        for item in cells:
            while (r, col) in self._covered:
                col += 1
            cs = item.get("colspan", 1) if isinstance(item, dict) else 1
            rs = item.get("rowspan", 1) if isinstance(item, dict) else 1
            for dr in range(rs):
                for dc in range(cs):
                    self._covered.add((r + dr, col + dc))
            col += cs
        # a row wider than the form is a slip in the spans above it
        assert col <= self.n_cols, (r, col, self.n_cols)
        self.rows.append(list(cells))

    def fact(self, labels: list[str], value: str, col: int, column: str = "",
             number: bool = False, unit: str | None = None) -> None:
        """Record a fact whose value cell is at grid column ``col`` of the last row.

        An empty value is no fact: the form prints a blank there.
        """
        if value == "":
            return
        f = {"labels": labels, "column": column, "value": value, "row": len(self.rows) - 1, "col": col}
        if number:
            f["kind"] = "number"
            f["unit"] = unit
        self.facts.append(f)


# ------------------------------------------------------------ 表9 国有资本经营预算

def state_capital_table(department: str, year: int = 2025, empty_rows: bool = True) -> dict:
    """预算公开表9: a county department has no 国有资本经营预算, so the table is printed empty:
    a blank 合计 row and the note, or (``empty_rows`` False) the header and the note alone."""
    return {
        "department": department,
        "unit": "万元",
        "kind": "state_capital",
        "caption": "预算公开表9",
        "title": f"{year}年国有资本经营预算收支预算表（不含上年结转）",
        "orientation": "landscape",
        "header_rows": 3,
        "col_widths": [1.2, 2.4, 1.5, 1.0, 2.4, 1.0, 1.0, 1.0],
        "rows": [
            [cell("国有资本经营预算收入", cs=3), cell("国有资本经营预算支出", cs=5)],
            [cell("项目", cs=2), cell("国有资本经营收入预算", rs=2), cell("科目编码", rs=2),
             cell("科目名称", rs=2), cell("合计", rs=2), cell("基本支出", rs=2), cell("项目支出", rs=2)],
            ["收入科目编码", "科目名称"],
            *([[cell("合计", cs=2), "", "", "", "", "", ""]] if empty_rows else []),
        ],
        "layout": "ledger",
        "groups": [
            {"label_cols": [1], "code_col": 0, "value_cols": [2]},
            {"label_cols": [4], "code_col": 3, "value_cols": [5, 6, 7]},
        ],
        "note": NO_DATA,
    }


# ------------------------------------------------ 部门整体支出绩效目标申报表

class BudgetRow(NamedTuple):
    """One line of the form's 年度预算情况: a source of funds beside a use (万元)."""

    source: str
    source_amount: str
    use: str  # "" on the lines below the last use
    use_amount: str
    # what the fact records for the use when the print has a slip (the seed has one)
    use_fact: str | None = None


@dataclass(frozen=True)
class OverallForm:
    """What a department fills into its 部门整体支出绩效目标申报表."""

    dept_coded: str  # 部门名称 as printed: code-name, e.g. 029-山阴县商务局（部门）
    subject: str  # the department the form is about (form_subject)
    n_offices: str  # 内设职能部门数, e.g. 3个
    n_units: str  # 所属预算单位数
    n_posts: str  # 在职人员编制数
    n_staff: str  # 实际在职人员总数
    n_staff_on_post: str  # 其中：在职人员数
    n_staff_other: str  # 其他人员数
    duties: str
    dept_goal: str
    budget: list[BudgetRow]
    key_work: list[tuple[str, str]]  # (核心职能, 重点工作)
    year_goal: str
    indicators: OverallIndicators


def overall_form_table(form: OverallForm, year: int = 2025) -> dict:
    """The 部门整体支出绩效目标申报表: a five-column form, 万元."""
    g = FormGrid(5)
    g.row(cell("部门基本信息", rs=5), "部门名称", cell(form.dept_coded, cs=3))
    g.fact(["部门名称"], form.dept_coded, 2)
    g.row("内设职能部门数", form.n_offices, "所属预算单位数", form.n_units)
    g.fact(["内设职能部门数"], form.n_offices, 2)
    g.fact(["所属预算单位数"], form.n_units, 4)
    g.row(cell("在职人员编制数", rs=3), cell(form.n_posts, rs=3), "实际在职人员总数", form.n_staff)
    g.fact(["在职人员编制数"], form.n_posts, 2)
    g.fact(["实际在职人员总数"], form.n_staff, 4)
    g.row("其中：在职人员数", form.n_staff_on_post)
    g.fact(["在职人员数"], form.n_staff_on_post, 4)
    g.row("其他人员数", form.n_staff_other)
    g.fact(["其他人员数"], form.n_staff_other, 4)
    g.row("部门职责", cell(form.duties, cs=4))
    g.fact(["部门职责"], form.duties, 1)
    g.row("部门绩效目标", cell(form.dept_goal, cs=4))
    g.fact(["部门绩效目标"], form.dept_goal, 1)
    _budget_rows(g, form.budget)
    g.row(cell("年度重点工作", rs=1 + len(form.key_work)), "核心职能", cell("重点工作", cs=3))
    for duty, work in form.key_work:
        g.row(duty, cell(work, cs=3))
        g.fact(["年度重点工作"], duty, 1, column="核心职能")
        g.fact(["年度重点工作"], work, 2, column="重点工作")
    g.row("年度绩效目标", cell(form.year_goal, cs=4))
    g.fact(["年度绩效目标"], form.year_goal, 1)
    _overall_indicator_rows(g, form.indicators)
    return {
        "kind": "performance_overall",
        "title": "县（区）级预算部门（单位）整体支出绩效目标申报表",
        # printed under the title; the spec has no subtitle field, so it rides here
        "department": f"（{year}）年度",
        "unit": "万元",
        "orientation": "portrait",
        "header_rows": 0,
        "col_widths": [1.3, 2.6, 1.6, 2.0, 1.6],
        "rows": g.rows,
        "layout": "form",
        "form_subject": form.subject,
        "form_facts": g.facts,
    }


def _budget_rows(g: FormGrid, budget: list[BudgetRow]) -> None:
    g.row(cell("年度预算情况", rs=1 + len(budget)), "按资金来源划分", "资金总额（万元）", "按资金使用划分",
          "资金总额（万元）")
    for b in budget:
        g.row(b.source, b.source_amount, b.use, b.use_amount)
        g.fact([key_label(b.source)], b.source_amount, 2, number=True, unit="万元")
        if b.use:
            use_fact = b.use_amount if b.use_fact is None else b.use_fact
            g.fact([key_label(b.use)], use_fact, 4, number=True, unit="万元")


def _overall_indicator_rows(g: FormGrid, indicators: OverallIndicators) -> None:
    n_rows = sum(len(items) for _, items in indicators)
    g.row(cell("年度绩效指标", rs=1 + n_rows), "一级指标", "二级指标", "三级指标", "指标值")
    for first, items in indicators:
        for i, (second, third, val) in enumerate(items):
            cells = ([cell(first, rs=len(items))] if i == 0 else []) + [second, third, val]
            g.row(*cells)
            g.fact([first, second, third], val, 4, column="指标值")


# ------------------------------------------------------- 项目支出绩效目标表

# the 项目资金 block: 实施期 labels on the left; the 年度 side repeats them but for its first line
MONEY_LABELS = ["实施期资金总额：", "其中：中央财政资金", "省级财政资金", "市县（区）财政资金", "单位自筹", "其他资金"]
# the full-width text lines of the form: (printed label, ProjectForm field)
TEXT_KEYS = [("项目概况", "overview"), ("立项依据", "basis"), ("项目设立必要性", "need"),
             ("保证项目实施的制度、措施", "measures"), ("项目实施计划", "plan")]


@dataclass(frozen=True)
class ProjectForm:
    """What a project fills into its 项目支出绩效目标表."""

    name: str
    unit: str  # 实施单位
    attr: str  # 项目属性
    period: str  # 项目期
    # 元 as printed (1,950,000): 实施期 总额, 中央, 省级, 市县, 自筹, 其他, then 年度 the same six
    money: Sequence[str]
    overview: str
    basis: str
    need: str
    measures: str
    plan: str
    goal: tuple[str, str]  # (实施期目标, 年度目标)
    indicators: Indicators
    date: str  # 填报日期, as printed (20250221171144)


def project_form_table(dept_coded: str, form: ProjectForm) -> dict:
    """The 项目支出绩效目标表 of one project under department ``dept_coded``: eight columns, 元."""
    g = FormGrid(8)
    g.row(cell("项目名称", cs=2), cell(form.name, cs=6))
    g.fact(["项目名称"], form.name, 2)
    g.row(cell("主管部门及代码", cs=2), cell(dept_coded, cs=3), "实施单位", cell(form.unit, cs=2))
    g.fact(["主管部门及代码"], dept_coded, 2)
    g.fact(["实施单位"], form.unit, 6)
    g.row(cell("项目属性", cs=2), cell(form.attr, cs=3), "项目期", cell(form.period, cs=2))
    g.fact(["项目属性"], form.attr, 2)
    g.fact(["项目期"], form.period, 6)
    _money_rows(g, form.money)
    for key, field in TEXT_KEYS:
        text = getattr(form, field)
        g.row(cell(key, cs=2), cell(text, cs=6))
        g.fact([key], text, 2)
    g.row(cell("总体目标", cs=2, rs=2), cell("实施期目标", cs=3), cell("年度目标", cs=3))
    g.row(cell(form.goal[0], cs=3), cell(form.goal[1], cs=3))
    g.fact(["总体目标"], form.goal[0], 2, column="实施期目标")
    g.fact(["总体目标"], form.goal[1], 5, column="年度目标")
    _project_indicator_rows(g, form.indicators)
    g.row(cell("负责人：", cs=2), cell("经办人：", cs=2), cell("联系电话：", cs=2), "填报日期：", form.date)
    g.fact(["填报日期"], form.date, 7)
    return {
        "kind": "performance_project",
        "title": "项目支出绩效目标表",
        "unit": "元",
        "orientation": "portrait",
        "header_rows": 0,
        "col_widths": [0.9, 1.2, 1.5, 2.2, 1.5, 1.5, 2.2, 1.5],
        "rows": g.rows,
        "layout": "form",
        "form_subject": form.name,
        "form_facts": g.facts,
    }


def _money_rows(g: FormGrid, money: Sequence[str]) -> None:
    """实施期 and 年度 amounts side by side; the facts carry them without separators."""
    for i, label in enumerate(MONEY_LABELS):
        year_label = "年度资金总额：" if i == 0 else label
        lead = [cell("项目资金（元）", cs=2, rs=len(MONEY_LABELS))] if i == 0 else []
        g.row(*lead, cell(label, cs=2), money[i], cell(year_label, cs=2), money[6 + i])
        g.fact([key_label(label)], money[i].replace(",", ""), 4, number=True, unit="元")
        g.fact([key_label(year_label)], money[6 + i].replace(",", ""), 7, number=True, unit="元")


def _project_indicator_rows(g: FormGrid, indicators: Indicators) -> None:
    """一级 | 实施期 二级 三级 值 | 年度 二级 三级 值; 一级 and 二级 span their rows."""
    n_rows = sum(len(rows) for _, seconds in indicators for _, rows in seconds)
    g.row(cell("绩效指标", rs=1 + n_rows), "一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标",
          "指标值")
    for first, seconds in indicators:
        n_first = sum(len(rows) for _, rows in seconds)
        for j, (second, rows) in enumerate(seconds):
            s_imp, s_year = second if isinstance(second, tuple) else (second, second)
            for k, row in enumerate(rows):
                t_imp, v_imp, t_year, v_year = row if len(row) == 4 else (*row, *row)
                cells: list[Cell] = []
                if j == 0 and k == 0:
                    cells.append(cell(first, rs=n_first))
                if k == 0:
                    cells.append(cell(s_imp, rs=len(rows)))
                cells += [t_imp, v_imp]
                if k == 0:
                    cells.append(cell(s_year, rs=len(rows)))
                cells += [t_year, v_year]
                g.row(*cells)
                g.fact([first, s_imp, t_imp], v_imp, 4, column="实施期/指标值")
                g.fact([first, s_year, t_year], v_year, 7, column="年度/指标值")


# ------------------------------------------------- 政府购买服务指导性目录

def procurement_catalog_table(csv_path: Path, rows_per_page: int | None = None) -> dict:
    """The 政府购买服务指导性目录 from a CSV of (code, level, name): each name in the
    column of its level.  ``rows_per_page`` None splits it into about four pages."""
    rows = [["代码", "一级目录", "二级目录", "三级目录"]]
    with open(csv_path, encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            row = [rec["code"], "", "", ""]
            row[int(rec["level"])] = rec["name"]
            rows.append(row)
    if rows_per_page is None:
        rows_per_page = -(-(len(rows) - 1) // 4)
    return {
        "kind": "procurement_catalog",
        "title": "山西省政府购买服务指导性目录",
        "orientation": "portrait",
        "header_rows": 1,
        "col_widths": [1.0, 2.0, 3.0, 4.5],
        "rows": rows,
        "layout": "catalog",
        "max_body_rows_per_page": rows_per_page,
    }
