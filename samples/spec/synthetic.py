"""The 13 tables of a SYNTHETIC department, computed from its leaf amounts with exact arithmetic.

build_yanggao.py wrote the first synthetic department out by hand; this module is the same
construction with the department as data (``Department``), so the later ones
(build_yingxian.py, build_tianzhen.py) differ only in what they are: other counties, other
科目 classes, other years, other units and projects.  Only leaves are written by hand: the
basic expenditure as economic rows per unit, each charged to a functional 项, and the projects,
each with its unit, 项 and fund.  Every total, subtotal, class and 款 row is computed here, and
``synthetic_check.self_check`` re-reads the finished tables (the printed strings) and asserts
the identities before a spec is written.  Functional names come from the catalog CSV.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from samplegen.spec_builders import EXPENDITURE_CLASSES, NO_DATA, state_capital_table
from samplegen.spec_builders import cell as C

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONAL_CSV = ROOT / "pipeline" / "data" / "functional_subjects.csv"
ECONOMIC_CSV = ROOT / "pipeline" / "data" / "economic_subjects.csv"

D = Decimal
ZERO = D("0.00")
ECON_CLASSES = {"301": "工资福利支出", "302": "商品和服务支出", "303": "对个人和家庭的补助", "310": "资本性支出"}


def fmt(x: Decimal) -> str:
    """万元 as the tables print them: two decimals, no separators, empty for zero."""
    return "" if x == 0 else f"{x.quantize(D('0.01'))}"


def fmt0(x: Decimal) -> str:
    """万元 in the 整体 form: zero printed as 0.00."""
    return f"{x.quantize(D('0.01'))}"


def yuan(x: Decimal) -> str:
    """元 in the project forms, with thousands separators like the seed (1,950,000)."""
    v = x * 10000
    assert v == v.to_integral_value(), x
    return f"{int(v):,}"


def num(s: str) -> Decimal:
    s = s.replace(",", "")
    return D(s) if s else ZERO


def _names(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8") as fh:
        return {r["code"]: r["name"] for r in csv.DictReader(fh)}


FUNCTIONAL = _names(FUNCTIONAL_CSV)
ECONOMIC = _names(ECONOMIC_CSV)


def fname(code: str) -> str:
    if code not in FUNCTIONAL:
        raise SystemExit(f"functional code {code} not in {FUNCTIONAL_CSV}")
    return FUNCTIONAL[code]


@dataclass(frozen=True)
class Basic:
    """One economic row of a unit's basic expenditure (一般公共预算, 不含上年结转)."""

    unit: str
    dept: str  # 部门预算支出经济科目名称
    gov: str  # 政府预算支出经济科目名称
    code: str  # economic code
    kind: str  # staff (人员经费) or office (公用经费)
    func: str  # the functional 项 it is charged to
    amount: Decimal


@dataclass(frozen=True)
class Project:
    unit: str
    name: str
    func: str
    amount: Decimal
    fund: str = "general"  # general (一般公共预算) or govfund (政府性基金预算)


@dataclass(frozen=True)
class Department:
    dept_name: str  # 应县农业农村局（部门）
    dept_code: str  # as the forms print it before the name: 412
    year: int
    units: list[str]  # the first is the 行政 unit (the 机关 whose 公用经费 is the 机关运行经费)
    basic: list[Basic]
    current: list[Project]
    carry: list[Project] = field(default_factory=list)
    # pages: body rows per page of tables forced to continue (kind -> rows)
    rows_per_page: dict[str, int] = field(default_factory=dict)
    # an empty table printed as its header and a note only (True), or with a blank 合计 row (False)
    empty_header_only: bool = False

    @property
    def dept_line(self) -> str:
        return f"部门名称：{self.dept_name}"

    @property
    def dept_coded(self) -> str:
        return f"{self.dept_code}-{self.dept_name}"

    @property
    def short(self) -> str:
        return self.dept_name.removesuffix("（部门）")


def parse_basic(text: str, units: dict[str, str]) -> list[Basic]:
    """``unit-letter|部门名称|政府名称|code|staff/office|func|万元`` lines; codes checked against the catalog."""
    rows = []
    for line in text.strip().splitlines():
        u, d, g, c, k, f, v = line.split("|")
        assert ECONOMIC.get(c) == d, (c, d, ECONOMIC.get(c))
        fname(f)
        rows.append(Basic(units[u], d, g, c, k, f, D(v)))
    return rows


class Line:
    """The amounts of one functional code."""

    def __init__(self) -> None:
        self.basic = ZERO  # 一般公共预算, basic
        self.proj_gen = ZERO  # 一般公共预算, project, this year
        self.proj_fund = ZERO  # 政府性基金预算, project, this year
        self.carry = ZERO  # 上年结转 (一般公共预算), project

    @property
    def general(self) -> Decimal:
        return self.basic + self.proj_gen

    @property
    def current(self) -> Decimal:
        return self.general + self.proj_fund

    @property
    def total(self) -> Decimal:
        return self.current + self.carry

    @property
    def project(self) -> Decimal:
        return self.proj_gen + self.proj_fund + self.carry

    def add(self, other: Line) -> None:
        self.basic += other.basic
        self.proj_gen += other.proj_gen
        self.proj_fund += other.proj_fund
        self.carry += other.carry


class Tables:
    """The department's 13 tables as spec dicts, from its leaves."""

    def __init__(self, dept: Department) -> None:
        self.d = dept
        self.y = dept.year
        leaves: dict[str, Line] = defaultdict(Line)
        for r in dept.basic:
            leaves[r.func].basic += r.amount
        for p in dept.current:
            if p.fund == "general":
                leaves[p.func].proj_gen += p.amount
            else:
                leaves[p.func].proj_fund += p.amount
        for p in dept.carry:
            leaves[p.func].carry += p.amount
        lines: dict[str, Line] = defaultdict(Line)
        for code, leaf in leaves.items():
            for pre in {code[:3], code[:5], code}:
                lines[pre].add(leaf)
        self.lines = dict(sorted(lines.items()))
        self.total = Line()
        for code, line in self.lines.items():
            if len(code) == 3:
                self.total.add(line)
        self.fund_lines = {code: ln for code, ln in self.lines.items() if ln.proj_fund}

    def table(self, **kw) -> dict:
        d = {"department": self.d.dept_line, "unit": "万元"}
        d.update(kw)
        if kw["kind"] in self.d.rows_per_page:
            d["max_body_rows_per_page"] = self.d.rows_per_page[kw["kind"]]
        return d

    def empty(self, d: dict, blank_row: list) -> dict:
        """An empty ledger: its header and the note, with a blank 合计 row unless the department prints none."""
        if not self.d.empty_header_only:
            d["rows"] = [*d["rows"], blank_row]
        d["note"] = NO_DATA
        return d

    # ------------------------------------------------------- 1 预算收支总表
    def income_expenditure(self) -> dict:
        y, t = self.y, self.total
        header = [
            [C("收入", cs=2), C("支出", cs=4)],
            ["项目", f"{y}年", "项目", f"{y}年合计", "当年预算安排", "上年结转安排"],
        ]
        income = [("一、一般公共预算", fmt(t.general)), ("二、政府性基金预算", fmt(t.proj_fund)),
                  ("三、国有资本经营预算", ""), ("四、财政专户管理资金", ""), ("五、单位资金", "")]
        body, implied = [], []
        for i, (label, code) in enumerate(EXPENDITURE_CLASSES):
            inc = income[i] if i < len(income) else ("", "")
            ln = self.lines.get(code, Line())
            body.append([inc[0], inc[1], label, fmt(ln.total), fmt(ln.current), fmt(ln.carry)])
            implied.append({"row": len(header) + i, "group": 1, "code": code})
        year_income = t.general + t.proj_fund
        body += [
            ["本年收入合计", fmt(year_income), "本年支出合计", fmt(t.total), fmt(t.current), fmt(t.carry)],
            ["上年结转", fmt(t.carry), "年终结转", "", "", ""],
            ["收入总计", fmt(year_income + t.carry), "支出总计", fmt(t.total), fmt(t.current), fmt(t.carry)],
        ]
        return self.table(
            kind="income_expenditure_summary", caption="预算公开表1", title=f"{y}年预算收支总表",
            orientation="landscape", header_rows=len(header), col_widths=[2.6, 1.2, 3.4, 1.2, 1.2, 1.2],
            rows=header + body, layout="ledger",
            groups=[{"label_cols": [0], "value_cols": [1]}, {"label_cols": [2], "value_cols": [3, 4, 5]}],
            implied_codes=implied,
        )

    # ------------------------------------------------------- 2 预算收入总表
    def income(self) -> dict:
        header = [
            [C("项目", cs=2), C("本年收入", cs=6), C("上年结转", rs=2)],
            ["科目编码", "科目名称", "合计", "一般公共预算", "政府性基金", "国有资本经营预算",
             "财政专户管理资金", "单位资金"],
        ]

        def vals(ln: Line) -> list[str]:
            return [fmt(ln.current), fmt(ln.general), fmt(ln.proj_fund), "", "", "", fmt(ln.carry)]

        body = [[C("合计", cs=2), *vals(self.total)]]
        body += [[code, fname(code), *vals(ln)] for code, ln in self.lines.items()]
        return self.table(
            kind="income_summary", caption="预算公开表2", title=f"{self.y}年预算收入总表",
            orientation="landscape", header_rows=2, col_widths=[1.1, 3.4, 1.1, 1.2, 1.1, 1.3, 1.3, 1.1, 1.1],
            rows=header + body, layout="ledger",
            groups=[{"label_cols": [1], "code_col": 0, "value_cols": [2, 3, 4, 5, 6, 7, 8]}],
        )

    # ------------------------------------------- 3 预算支出总表 / 5 一般公共预算支出
    def functional(self, kind: str, n: int, title: str, view) -> dict:
        """view(Line) -> (合计, 基本支出, 项目支出) for this table."""
        header = [[C("项目", cs=2), C(f"{self.y}年预算数", cs=3)], ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]]
        body = [[C("合计", cs=2), *map(fmt, view(self.total))]]
        body += [[code, fname(code), *map(fmt, view(ln))] for code, ln in self.lines.items() if any(view(ln))]
        return self.table(
            kind=kind, caption=f"预算公开表{n}", title=title, orientation="portrait", header_rows=2,
            col_widths=[1.2, 4.0, 1.2, 1.2, 1.2], rows=header + body, layout="ledger",
            groups=[{"label_cols": [1], "code_col": 0, "value_cols": [2, 3, 4]}],
        )

    @staticmethod
    def view_all(ln: Line) -> tuple:
        return (ln.total, ln.basic, ln.project)

    @staticmethod
    def view_general(ln: Line) -> tuple:
        return (ln.general, ln.basic, ln.proj_gen)

    @staticmethod
    def view_fund(ln: Line) -> tuple:
        return (ln.proj_fund, ZERO, ln.proj_fund)

    # ------------------------------------------------------- 4 财政拨款收支总表
    def appropriation(self) -> dict:
        t = self.total
        header = [
            [C("收入", cs=2), C("支出", cs=5)],
            [C("项目", rs=2), C("金额", rs=2), C("项目", rs=2), C("金额", cs=4)],
            ["小计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
        ]
        income = [("一、一般公共预算", fmt(t.general)), ("二、政府性基金预算", fmt(t.proj_fund)),
                  ("三、国有资本经营预算", "")]
        body, implied = [], []
        for i, (label, code) in enumerate(EXPENDITURE_CLASSES):
            inc = income[i] if i < len(income) else ("", "")
            ln = self.lines.get(code, Line())
            body.append([inc[0], inc[1], label, fmt(ln.total), fmt(ln.general + ln.carry), fmt(ln.proj_fund), ""])
            implied.append({"row": len(header) + i, "group": 1, "code": code})
        year_income = t.general + t.proj_fund
        exp = [fmt(t.total), fmt(t.general + t.carry), fmt(t.proj_fund), ""]
        body += [
            ["本年收入合计", fmt(year_income), "本年支出合计", *exp],
            ["上年财政拨款结转", fmt(t.carry), "年终结转", "", "", "", ""],
            ["一、一般公共预算", fmt(t.carry), "", "", "", "", ""],
            ["二、政府性基金预算", "", "", "", "", "", ""],
            ["三、国有资本经营预算", "", "", "", "", "", ""],
            ["收入总计", fmt(year_income + t.carry), "支出总计", *exp],
        ]
        return self.table(
            kind="appropriation_summary", caption="预算公开表4", title=f"{self.y}年财政拨款收支总表",
            orientation="landscape", header_rows=len(header), col_widths=[2.4, 1.1, 3.4, 1.1, 1.3, 1.3, 1.4],
            rows=header + body, layout="ledger",
            groups=[{"label_cols": [0], "value_cols": [1]}, {"label_cols": [2], "value_cols": [3, 4, 5, 6]}],
            implied_codes=implied,
        )

    # ----------------------------------------- 6 基本支出分经济科目表
    def economic_rows(self) -> list[tuple[str, str, Decimal, Decimal, Decimal, str]]:
        """(部门名称, 政府名称, 合计, 人员经费, 公用经费, code): class rows then their items by code."""
        order = {u: i for i, u in enumerate(self.d.units)}
        out = []
        for cls, cname in ECON_CLASSES.items():
            items = sorted((r for r in self.d.basic if r.code.startswith(cls)), key=lambda r: (r.code, order[r.unit]))
            if not items:
                continue
            staff = sum((r.amount for r in items if r.kind == "staff"), ZERO)
            office = sum((r.amount for r in items if r.kind == "office"), ZERO)
            out.append((cname, "", staff + office, staff, office, cls))
            pairs: dict[tuple[str, str, str], list[Decimal]] = {}
            for r in items:  # one printed row per (部门, 政府) pair: units sharing one are summed
                v = pairs.setdefault((r.code, r.dept, r.gov), [ZERO, ZERO])
                v[0 if r.kind == "staff" else 1] += r.amount
            out += [(dept, gov, s + o, s, o, code) for (code, dept, gov), (s, o) in pairs.items()]
        return out

    def economic(self) -> dict:
        header = [
            [C("部门预算支出经济科目名称", rs=2), C("政府预算支出经济科目名称", rs=2), C(f"{self.y}年预算数", cs=3)],
            ["合计", "人员经费", "公用经费"],
        ]
        rows = self.economic_rows()
        staff = sum((r[3] for r in rows if len(r[5]) == 3), ZERO)
        office = sum((r[4] for r in rows if len(r[5]) == 3), ZERO)
        body = [[C("合计", cs=2), fmt(staff + office), fmt(staff), fmt(office)]]
        implied = []
        for dept, gov, total, s, o, code in rows:
            implied.append({"row": len(header) + len(body), "group": 0, "code": code})
            body.append([dept, gov, fmt(total), fmt(s), fmt(o)])
        return self.table(
            kind="basic_expenditure_economic", caption="预算公开表6",
            title=f"{self.y}年一般公共预算安排基本支出分经济科目表（不含上年结转）", orientation="portrait",
            header_rows=2, col_widths=[3.0, 2.4, 1.1, 1.1, 1.1], rows=header + body, layout="ledger",
            groups=[{"label_cols": [0, 1], "value_cols": [2, 3, 4]}], implied_codes=implied,
        )

    # ----------------------------------------------- 7, 8 政府性基金, 9 国有资本
    def gov_fund_income(self) -> dict:
        d = self.table(
            kind="gov_fund_income", caption="预算公开表7", title=f"{self.y}年政府性基金预算收入表（不含上年结转）",
            orientation="portrait", header_rows=2, col_widths=[1.4, 3.6, 2.0],
            rows=[[C("项目", cs=2), C("政府性基金收入预算", rs=2)], ["收入科目编码", "科目名称"]],
            layout="ledger", groups=[{"label_cols": [1], "code_col": 0, "value_cols": [2]}],
        )
        if not self.fund_lines:
            return self.empty(d, ["", "", ""])
        d["rows"] += [[C("合计", cs=2), fmt(self.total.proj_fund)]]
        d["rows"] += [[code, fname(code), fmt(ln.proj_fund)] for code, ln in self.fund_lines.items()]
        return d

    def gov_fund_expenditure(self) -> dict:
        d = self.table(
            kind="gov_fund_expenditure", caption="预算公开表8",
            title=f"{self.y}年政府性基金预算支出表（不含上年结转）", orientation="portrait", header_rows=1,
            col_widths=[1.2, 3.6, 1.2, 1.2, 1.2], rows=[["科目编码", "科目名称", "合计", "基本支出", "项目支出"]],
            layout="ledger", groups=[{"label_cols": [1], "code_col": 0, "value_cols": [2, 3, 4]}],
        )
        if not self.fund_lines:
            return self.empty(d, ["", "", "", "", ""])
        d["rows"] += [[C("合计", cs=2), *map(fmt, self.view_fund(self.total))]]
        d["rows"] += [[code, fname(code), *map(fmt, self.view_fund(ln))] for code, ln in self.fund_lines.items()]
        return d

    def state_capital(self) -> dict:
        return state_capital_table(self.d.dept_line, self.y, empty_rows=not self.d.empty_header_only)

    # ------------------------------------------------------ 10 三公, 11 机关运行经费
    def econ_sum(self, code: str, unit: str | None = None, kind: str | None = None) -> Decimal:
        return sum((r.amount for r in self.d.basic if r.code.startswith(code) and (unit is None or r.unit == unit)
                    and (kind is None or r.kind == kind)), ZERO)

    def three_public(self) -> dict:
        abroad, reception, car_buy = self.econ_sum("30212"), self.econ_sum("30217"), ZERO
        car_run = self.econ_sum("30231")
        car = car_buy + car_run

        def row(label: str, x: Decimal) -> list[str]:
            return [label, fmt(x), fmt(x), "", ""]

        return self.table(
            kind="three_public", caption="预算公开表10", title=f"{self.y}年财政拨款安排“三公”经费支出预算表",
            orientation="portrait", header_rows=2, col_widths=[3.0, 1.2, 1.4, 1.4, 1.6],
            rows=[
                [C("项目", rs=2), C(f"{self.y}年预算数", cs=4)],
                ["合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
                row("因公出国（境）费", abroad), row("公务接待费", reception), row("公务用车购置及运行费", car),
                row("①公务用车购置费", car_buy), row("②公务用车运行维护费", car_run),
                row("合计", abroad + reception + car),
            ],
            layout="ledger", groups=[{"label_cols": [0], "value_cols": [1, 2, 3, 4]}],
        )

    def operating(self) -> dict:
        admin = self.econ_sum("3", unit=self.d.units[0], kind="office")
        return self.table(
            kind="operating_expenses", caption="预算公开表11", title=f"{self.y}年财政拨款安排机关运行经费预算表",
            orientation="portrait", header_rows=2, col_widths=[3.0, 1.2, 1.4, 1.4, 1.6],
            rows=[
                [C("单位名称", rs=2), C(f"{self.y}年预算数", cs=4)],
                ["合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
                ["部门合计", fmt(admin), fmt(admin), "", ""],
                [self.d.units[0], fmt(admin), fmt(admin), "", ""],
            ],
            layout="ledger", groups=[{"label_cols": [0], "value_cols": [1, 2, 3, 4]}],
        )

    # --------------------------------------------------- 12, 13 项目支出预算表
    def project_current(self) -> dict:
        header = [
            [C("项目名称", rs=2), C("合计", rs=2), C(f"{self.y}年财政拨款", cs=3), C("财政专户管理资金", rs=2),
             C("单位资金", rs=2)],
            ["一般公共预算", "政府性基金预算", "国有资本经营预算"],
            [C(str(i), align="center") for i in range(1, 8)],
        ]

        def vals(ps: list[Project]) -> list[str]:
            gen = sum((p.amount for p in ps if p.fund == "general"), ZERO)
            fund = sum((p.amount for p in ps if p.fund == "govfund"), ZERO)
            return [fmt(gen + fund), fmt(gen), fmt(fund), "", "", ""]

        body = [[self.d.dept_name, *vals(self.d.current)]]
        for unit in self.d.units:
            ps = sorted((p for p in self.d.current if p.unit == unit), key=lambda p: -p.amount)
            if ps:
                body.append([unit, *vals(ps)])
                body += [[p.name, *vals([p])] for p in ps]
        return self.table(
            kind="project_current", caption="预算公开表12", title=f"{self.y}年项目支出预算表（本年预算）",
            orientation="landscape", header_rows=3, number_rows=[2], col_widths=[6.0, 1.1, 1.3, 1.3, 1.4, 1.3, 1.1],
            rows=header + body, layout="ledger", groups=[{"label_cols": [0], "value_cols": [1, 2, 3, 4, 5, 6]}],
        )

    def project_carryover(self) -> dict:
        header = [
            [C("项目名称", rs=2), C("合计", rs=2), C(f"{self.y}年财政拨款", cs=3)],
            ["一般公共预算", "政府性基金预算", "国有资本经营预算"],
            [C(str(i), align="center") for i in range(1, 6)],
        ]
        d = self.table(
            kind="project_carryover", caption="预算公开表13", title=f"{self.y}年项目支出预算表（上年结转）",
            orientation="portrait", header_rows=3, number_rows=[2], col_widths=[5.0, 1.1, 1.3, 1.3, 1.4],
            rows=header, layout="ledger", groups=[{"label_cols": [0], "value_cols": [1, 2, 3, 4]}],
        )
        if not self.d.carry:
            return self.empty(d, [self.d.dept_name, "", "", "", ""])

        def vals(ps: list[Project]) -> list[str]:
            x = sum((p.amount for p in ps), ZERO)
            return [fmt(x), fmt(x), "", ""]

        body = [[self.d.dept_name, *vals(self.d.carry)]]
        for unit in self.d.units:
            ps = sorted((p for p in self.d.carry if p.unit == unit), key=lambda p: -p.amount)
            if ps:
                body.append([unit, *vals(ps)])
                body += [[p.name, *vals([p])] for p in ps]
        d["rows"] = header + body
        return d

    def all(self) -> dict[str, dict]:
        y = self.y
        return {
            "income_expenditure_summary": self.income_expenditure(),
            "income_summary": self.income(),
            "expenditure_summary": self.functional("expenditure_summary", 3, f"{y}年预算支出总表", self.view_all),
            "appropriation_summary": self.appropriation(),
            "general_budget_expenditure": self.functional(
                "general_budget_expenditure", 5, f"{y}年一般公共预算支出预算表（不含上年结转）", self.view_general),
            "basic_expenditure_economic": self.economic(),
            "gov_fund_income": self.gov_fund_income(),
            "gov_fund_expenditure": self.gov_fund_expenditure(),
            "state_capital": self.state_capital(),
            "three_public": self.three_public(),
            "operating_expenses": self.operating(),
            "project_current": self.project_current(),
            "project_carryover": self.project_carryover(),
        }
