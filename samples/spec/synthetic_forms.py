"""The forms, the 第三部分 prose and the whole spec of a synthetic department (see synthetic.py).

The 整体 form's 年度预算情况 and each project form's money come from the same leaves as the
tables; the prose states figures computed from the tables, so the pipeline's narrative check
can hold them against the cells that print them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from samplegen.spec_builders import (
    EXPENDITURE_CLASSES,
    BudgetRow,
    OverallForm,
    OverallIndicators,
    ProjectForm,
    overall_form_table,
    procurement_catalog_table,
    project_form_table,
)
from synthetic import ROOT, ZERO, Department, Tables, fmt0, yuan
from synthetic_check import self_check

CATALOG_CSV = ROOT / "pipeline" / "data" / "procurement_catalog.csv"


@dataclass(frozen=True)
class Overall:
    """What the department writes into its 部门整体支出绩效目标申报表 besides the money."""

    n_offices: str
    n_units: str
    n_posts: str
    n_staff: str
    n_staff_on_post: str
    n_staff_other: str
    duties: str
    dept_goal: str
    key_work: list[tuple[str, str]]
    year_goal: str
    indicators: OverallIndicators


def budget_rows(t: Tables) -> list[BudgetRow]:
    """年度预算情况 (万元, 本年, 不含上年结转): sources beside uses."""
    tot = t.total
    year_project = tot.proj_gen + tot.proj_fund
    return [
        BudgetRow("合计", fmt0(tot.current), "合计", fmt0(tot.current)),
        BudgetRow("其中：一般公共预算资金", fmt0(tot.general), "其中：基本支出", fmt0(tot.basic)),
        BudgetRow("政府性基金预算资金", fmt0(tot.proj_fund), "项目支出", fmt0(year_project)),
        BudgetRow("国有资本经营预算资金", "0.00", "", ""),
        BudgetRow("社会保险基金预算资金", "0.00", "", ""),
        BudgetRow("专户管理资金", "0.00", "", ""),
        BudgetRow("单位资金", "0.00", "", ""),
    ]


def money_split(total: Decimal, source: str, years: int) -> tuple[str, ...]:
    """(实施期 total, 中央, 省级, 市县, 自筹, 其他, 年度 the same six) in 元: one source pays it all."""
    order = ["central", "province", "county"]
    imp, yr = [ZERO] * 3, [ZERO] * 3
    imp[order.index(source)] = total * years
    yr[order.index(source)] = total
    return (yuan(total * years), *(yuan(x) for x in imp), "0", "", yuan(total), *(yuan(x) for x in yr), "0", "")


def project_form(dept: Department, spec: dict) -> dict:
    fields = dict(spec)
    years, source = fields.pop("years"), fields.pop("source")
    (p,) = [p for p in dept.current if p.name == spec["name"]]
    money = money_split(p.amount, source, years)
    form = project_form_table(dept.dept_coded, ProjectForm(**fields, unit=p.unit, money=money))
    return {**form, "_money": money}


def wan(x: Decimal) -> str:
    """万元 in prose: thousands separators, two decimals, 0 for nothing (as the counties write it)."""
    return "0" if x == 0 else f"{x.quantize(Decimal('0.01')):,}"


def narrative(dept: Department, t: Tables, wording: int) -> list[str]:
    """A short 第三部分 in one of two counties' wordings; every figure from the tables."""
    tot, y, name = t.total, dept.year, dept.short
    staff = sum((b.amount for b in dept.basic if b.kind == "staff"), ZERO)
    office = sum((b.amount for b in dept.basic if b.kind == "office"), ZERO)
    reception, car = t.econ_sum("30217"), t.econ_sum("30231")
    admin = t.econ_sum("3", unit=dept.units[0], kind="office")
    classes = "，".join(f"{label.split('、')[1]}{wan(t.lines[code].general)}万元"
                       for label, code in EXPENDITURE_CLASSES if code in t.lines and t.lines[code].general)
    if wording == 0:
        return [
            f"第三部分 {name}{y}年部门预算情况说明",
            "一、收支预算总体情况",
            f"{y}年部门收入预算{wan(tot.total)}万元，其中：本年收入{wan(tot.current)}万元，"
            f"上年结转{wan(tot.carry)}万元。支出预算{wan(tot.total)}万元，其中：基本支出{wan(tot.basic)}万元，"
            f"项目支出{wan(tot.project)}万元。",
            "二、财政拨款收支预算情况",
            f"{y}年财政拨款收入预算{wan(tot.current)}万元，其中：一般公共预算拨款{wan(tot.general)}万元，"
            f"政府性基金预算拨款{wan(tot.proj_fund)}万元。",
            "三、一般公共预算支出情况",
            f"{y}年一般公共预算支出{wan(tot.general)}万元，按功能分类：{classes}。",
            "四、一般公共预算基本支出情况",
            f"{y}年一般公共预算基本支出{wan(tot.basic)}万元，其中：人员经费{wan(staff)}万元，公用经费{wan(office)}万元。",
            "五、“三公”经费预算情况",
            f"{y}年“三公”经费财政拨款预算{wan(reception + car)}万元，其中：因公出国（境）费0万元，"
            f"公务接待费{wan(reception)}万元，公务用车购置及运行费{wan(car)}万元。",
            "六、机关运行经费情况",
            f"{y}年机关运行经费财政拨款预算{wan(admin)}万元。",
        ]
    sources = (f"其中：一般公共预算拨款收入{wan(tot.general)}万元，政府性基金预算拨款收入{wan(tot.proj_fund)}万元"
               if tot.proj_fund else "全部为一般公共预算拨款收入")
    carried = f"，上年结转{wan(tot.carry)}万元" if tot.carry else ""
    return [
        f"第三部分 {y}年度部门预算情况说明",
        "一、部门收支总体情况",
        f"按照全口径预算的原则，{name}{y}年度收入总计{wan(tot.total)}万元，支出总计{wan(tot.total)}万元，"
        f"收支平衡。本年收入{wan(tot.current)}万元，{sources}{carried}。",
        "二、一般公共预算支出情况说明",
        f"{y}年度一般公共预算支出{wan(tot.general)}万元，其中：{classes}。",
        "三、一般公共预算基本支出情况说明",
        f"{y}年度一般公共预算基本支出{wan(tot.basic)}万元。其中：人员经费{wan(staff)}万元，"
        f"主要包括基本工资、津贴补贴、绩效工资、社会保障缴费、住房公积金等；公用经费{wan(office)}万元，"
        "主要包括办公费、印刷费、水电费、差旅费、维修（护）费、培训费、公务接待费等。",
        "四、“三公”经费增减变动原因说明",
        f"{y}年度“三公”经费预算{wan(reception + car)}万元，其中：公务接待费{wan(reception)}万元，"
        f"公务用车运行维护费{wan(car)}万元，公务用车购置费0万元，因公出国（境）费0万元。",
        "五、机关运行经费增减变动原因说明",
        f"{y}年度本部门机关运行经费预算{wan(admin)}万元，主要用于办公、水电、差旅等日常运转支出。",
    ]


def build_document(dept: Department, overall: Overall, perf_projects: list[dict], name: str,
                   wording: int) -> tuple[dict, list[str]]:
    """The spec (JSON shape of samplegen.spec.DocumentSpec) and the checks that held."""
    t = Tables(dept)
    tables = t.all()
    budget = budget_rows(t)
    overall_table = overall_form_table(OverallForm(
        dept_coded=dept.dept_coded, subject=dept.dept_name, n_offices=overall.n_offices,
        n_units=overall.n_units, n_posts=overall.n_posts, n_staff=overall.n_staff,
        n_staff_on_post=overall.n_staff_on_post, n_staff_other=overall.n_staff_other,
        duties=overall.duties, dept_goal=overall.dept_goal, budget=budget, key_work=overall.key_work,
        year_goal=overall.year_goal, indicators=overall.indicators,
    ), dept.year)
    forms = [project_form(dept, p) for p in perf_projects]
    checks = self_check(dept, tables, budget, forms)
    for f in forms:
        f.pop("_money")
    doc = {
        "name": name,
        "department": dept.dept_name,
        "year": dept.year,
        "source": f"synthetic (samples/spec/build_{name.split('_')[0]}.py): fictional department, "
                  "totals computed from leaf amounts by samples/spec/synthetic.py",
        "tables": [*tables.values(), overall_table, *forms, procurement_catalog_table(CATALOG_CSV, rows_per_page=50)],
        "narrative": [p for p in narrative(dept, t, wording) if p],
    }
    return doc, checks
