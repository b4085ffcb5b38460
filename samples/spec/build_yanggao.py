"""Build samples/spec/yanggao_education.json: a SYNTHETIC 2025 budget disclosure of
the fictional 阳高县教育局（部门）, the second sample department next to the
hand-transcribed seed (build_shanyin.py).

Run from the repository root:

    .venv/bin/python samples/spec/build_yanggao.py

Nothing here is copied from a real document.  The layout conventions (titles,
captions 预算公开表N, department line, unit, header structures, groups,
implied codes, form layouts and form_facts) follow build_shanyin.py -- the forms,
the empty 表9 and the catalog are built by samplegen/spec_builders.py for both; the
rows and numbers are new:

* two units: 阳高县教育局 (行政, the 机关 whose 公用经费 is the 机关运行经费)
  and 阳高县教育事业发展中心 (事业);
* 科目 mainly 205 教育支出 (several 款 and 项), plus 208/210/221 personnel rows
  and a 政府性基金 line 229 其他支出 / 22904 其他政府性基金支出 (the catalog
  pipeline/data/functional_subjects.csv has no 22960/2296002), so that the
  政府性基金预算收入表/支出表 are not empty;
* 11 projects of the year (one paid from 政府性基金) and 2 projects carried
  over from 2024.

Only leaf amounts are written by hand (万元, Decimal, two decimals): the basic
expenditure as economic rows per unit, each tagged with the functional 项 it
is charged to, and the projects, each tagged with its unit and 项.  Every
total, subtotal, class and 款 row is computed from them, and ``self_check``
re-reads the finished tables (the printed strings) and asserts the identities
before the JSON is written.  Functional names come from the catalog CSV.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from samplegen.spec import DocumentSpec  # noqa: E402
from samplegen.spec_builders import (  # noqa: E402
    EXPENDITURE_CLASSES,
    BudgetRow,
    OverallForm,
    ProjectForm,
    key_label,
    overall_form_table,
    procurement_catalog_table,
    project_form_table,
    state_capital_table,
)
from samplegen.spec_builders import cell as C  # noqa: E402  (short: nearly every row below uses it)

OUT = ROOT / "samples" / "spec" / "yanggao_education.json"
CATALOG_CSV = ROOT / "pipeline" / "data" / "procurement_catalog.csv"
# 第三部分 prose written for this sample (other counties' wording), its figures from the tables below.
NARRATIVE = Path(__file__).with_name("yanggao_narrative.txt")
FUNCTIONAL_CSV = ROOT / "pipeline" / "data" / "functional_subjects.csv"

DEPT_NAME = "阳高县教育局（部门）"
DEPT = f"部门名称：{DEPT_NAME}"
DEPT_CODED = "207-阳高县教育局（部门）"
UNIT_A = "阳高县教育局"  # 行政单位 (机关)
UNIT_B = "阳高县教育事业发展中心"  # 事业单位
UNITS = [UNIT_A, UNIT_B]
ADMIN_UNIT = UNIT_A

D = Decimal
ZERO = D("0.00")


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


# ---------------------------------------------------------------- catalog names

def functional_names() -> dict[str, str]:
    with open(FUNCTIONAL_CSV, encoding="utf-8") as fh:
        return {r["code"]: r["name"] for r in csv.DictReader(fh)}


NAMES = functional_names()


def fname(code: str) -> str:
    if code not in NAMES:
        raise SystemExit(f"functional code {code} not in {FUNCTIONAL_CSV}")
    return NAMES[code]


# ======================================================================= leaves
# Basic expenditure (一般公共预算, 不含上年结转): one row per unit and economic
# subject.  unit | 部门经济科目 | 政府经济科目 | code | 人员/公用 | functional 项 | 万元
# The 机关 (行政) unit uses the 机关 government names (工资奖金津补贴, 社会保障缴费,
# 办公经费 ...); the 事业 unit the 事业 ones (工资福利支出, 商品和服务支出), as the seed does.
A, B = UNIT_A, UNIT_B
BASIC = """
A|基本工资|工资奖金津补贴|30101|staff|2050101|86.42
A|津贴补贴|工资奖金津补贴|30102|staff|2050101|112.35
A|奖金|工资奖金津补贴|30103|staff|2050101|7.20
A|机关事业单位基本养老保险缴费|社会保障缴费|30108|staff|2080505|26.18
A|职业年金缴费|社会保障缴费|30109|staff|2080506|13.09
A|职工基本医疗保险缴费|社会保障缴费|30110|staff|2101101|10.47
A|其他社会保障缴费|社会保障缴费|30112|staff|2101199|1.35
A|住房公积金|住房公积金|30113|staff|2210201|19.64
A|办公费|办公经费|30201|office|2050101|4.80
A|印刷费|办公经费|30202|office|2050101|0.35
A|邮电费|办公经费|30207|office|2050101|0.92
A|差旅费|办公经费|30211|office|2050101|2.60
A|公务接待费|公务接待费|30217|office|2050101|0.85
A|工会经费|办公经费|30228|office|2050101|3.12
A|福利费|办公经费|30229|office|2050101|3.12
A|公务用车运行维护费|公务用车运行维护费|30231|office|2050101|3.60
A|其他交通费用|办公经费|30239|office|2050101|9.84
A|退休费|离退休费|30302|staff|2080501|28.76
A|医疗费补助|社会福利和救助|30307|staff|2101199|0.48
B|基本工资|工资福利支出|30101|staff|2050199|64.38
B|津贴补贴|工资福利支出|30102|staff|2050199|18.90
B|绩效工资|工资福利支出|30107|staff|2050199|52.46
B|机关事业单位基本养老保险缴费|工资福利支出|30108|staff|2080505|21.67
B|职业年金缴费|工资福利支出|30109|staff|2080506|10.84
B|职工基本医疗保险缴费|工资福利支出|30110|staff|2101102|8.67
B|其他社会保障缴费|工资福利支出|30112|staff|2101199|1.08
B|住房公积金|工资福利支出|30113|staff|2210201|16.26
B|办公费|商品和服务支出|30201|office|2050199|3.20
B|电费|商品和服务支出|30206|office|2050199|2.45
B|维修（护）费|商品和服务支出|30213|office|2050199|1.50
B|培训费|商品和服务支出|30216|office|2050199|2.00
B|工会经费|商品和服务支出|30228|office|2050199|2.41
B|福利费|商品和服务支出|30229|office|2050199|2.41
B|其他商品和服务支出|商品和服务支出|30299|office|2050199|0.75
B|退休费|离退休费|30302|staff|2080502|45.93
B|办公设备购置|资本性支出|31002|office|2050199|1.80
"""

ECON_CLASSES = {"301": "工资福利支出", "302": "商品和服务支出", "303": "对个人和家庭的补助", "310": "资本性支出"}

# Projects of the year (本年预算).  fund: general (一般公共预算) or govfund (政府性基金预算).
PROJECT_GENERAL_TITLE = "义务教育阶段学校公用经费保障资金"
PROJECT_LOTTERY = "彩票公益金资助农村学校体育设施改善项目"
PROJECT_TRAINING = "中小学教师全员培训及继续教育经费"
PROJECTS_CURRENT = [
    # unit, name, functional 项, fund, 万元
    (A, PROJECT_GENERAL_TITLE, "2050202", "general", "1234.56"),
    (A, "农村初中学校冬季取暖费补助资金", "2050203", "general", "312.75"),
    (A, "学前教育生均公用经费县级配套资金", "2050201", "general", "186.40"),
    (A, "教育系统校园安保服务及安全稳定经费", "2050102", "general", "96.00"),
    (A, PROJECT_LOTTERY, "22904", "govfund", "85.00"),
    (A, "普通高中国家助学金县级配套资金", "2050204", "general", "48.60"),
    (A, "中等职业学校免学费补助县级配套资金", "2050304", "general", "27.35"),
    (A, "特殊教育学校送教上门补助经费", "2050701", "general", "12.60"),
    (A, "教职工死亡抚恤金", "2080801", "general", "9.66"),
    (B, "教育费附加安排的中小学校舍维修改造资金", "2050999", "general", "450.00"),
    (B, "教育信息化运维及智慧校园平台服务费", "2050199", "general", "64.80"),
    (B, PROJECT_TRAINING, "2050801", "general", "38.20"),
]

# Projects carried over from 2024 (上年结转, all 一般公共预算).
PROJECTS_CARRYOVER = [
    (A, "2024年义务教育薄弱环节改善与能力提升补助资金（阳财教〔2024〕58号）", "2050202", "620.00"),
    (B, "2024年农村学校教师周转宿舍建设县级资金", "2050299", "158.37"),
]

BASIC_ROWS = [
    dict(unit={"A": A, "B": B}[u], dept=d, gov=g, code=c, kind=k, func=f, amount=D(v))
    for u, d, g, c, k, f, v in (line.split("|") for line in BASIC.strip().splitlines())
]
CURRENT = [dict(unit=u, name=n, func=f, fund=fd, amount=D(v)) for u, n, f, fd, v in PROJECTS_CURRENT]
CARRY = [dict(unit=u, name=n, func=f, amount=D(v)) for u, n, f, v in PROJECTS_CARRYOVER]


# ================================================================== aggregates

class Line:
    """The amounts of one functional code."""

    def __init__(self) -> None:
        self.basic = ZERO  # 一般公共预算, basic
        self.proj_gen = ZERO  # 一般公共预算, project, this year
        self.proj_fund = ZERO  # 政府性基金预算, project, this year
        self.carry = ZERO  # 上年结转 (一般公共预算), project

    @property
    def general(self) -> Decimal:  # 一般公共预算 this year
        return self.basic + self.proj_gen

    @property
    def current(self) -> Decimal:  # 本年 (当年预算安排)
        return self.general + self.proj_fund

    @property
    def total(self) -> Decimal:  # incl. 上年结转
        return self.current + self.carry

    @property
    def project(self) -> Decimal:  # 项目支出 incl. 上年结转
        return self.proj_gen + self.proj_fund + self.carry

    def add(self, other: "Line") -> None:
        self.basic += other.basic
        self.proj_gen += other.proj_gen
        self.proj_fund += other.proj_fund
        self.carry += other.carry


def functional_lines() -> dict[str, Line]:
    """Every code (类 3, 款 5, 项 7 digits, or a 款 that is itself a leaf) -> its Line."""
    leaves: dict[str, Line] = defaultdict(Line)
    for r in BASIC_ROWS:
        leaves[r["func"]].basic += r["amount"]
    for p in CURRENT:
        if p["fund"] == "general":
            leaves[p["func"]].proj_gen += p["amount"]
        else:
            leaves[p["func"]].proj_fund += p["amount"]
    for p in CARRY:
        leaves[p["func"]].carry += p["amount"]
    lines: dict[str, Line] = defaultdict(Line)
    for code, leaf in leaves.items():
        prefixes = {code[:3], code[:5], code}
        for pre in prefixes:
            lines[pre].add(leaf)
    return dict(sorted(lines.items()))


LINES = functional_lines()
LEAF_CODES = {r["func"] for r in BASIC_ROWS} | {p["func"] for p in CURRENT + CARRY}


def grand(lines: dict[str, Line]) -> Line:
    g = Line()
    for code, line in lines.items():
        if len(code) == 3:
            g.add(line)
    return g


TOTAL = grand(LINES)


def table(**kw) -> dict:
    d = {"department": DEPT, "unit": "万元"}
    d.update(kw)
    return d


# ------------------------------------------------------- 1 预算收支总表

def t_income_expenditure() -> dict:
    header = [
        [C("收入", cs=2), C("支出", cs=4)],
        ["项目", "2025年", "项目", "2025年合计", "当年预算安排", "上年结转安排"],
    ]
    gen_income = TOTAL.general
    fund_income = TOTAL.proj_fund
    income = [
        ("一、一般公共预算", fmt(gen_income)),
        ("二、政府性基金预算", fmt(fund_income)),
        ("三、国有资本经营预算", ""),
        ("四、财政专户管理资金", ""),
        ("五、单位资金", ""),
    ]
    body, implied = [], []
    for i, (label, code) in enumerate(EXPENDITURE_CLASSES):
        inc = income[i] if i < len(income) else ("", "")
        ln = LINES.get(code, Line())
        body.append([inc[0], inc[1], label, fmt(ln.total), fmt(ln.current), fmt(ln.carry)])
        implied.append({"row": len(header) + i, "group": 1, "code": code})
    year_income = gen_income + fund_income
    body += [
        ["本年收入合计", fmt(year_income), "本年支出合计", fmt(TOTAL.total), fmt(TOTAL.current), fmt(TOTAL.carry)],
        ["上年结转", fmt(TOTAL.carry), "年终结转", "", "", ""],
        ["收入总计", fmt(year_income + TOTAL.carry), "支出总计", fmt(TOTAL.total), fmt(TOTAL.current),
         fmt(TOTAL.carry)],
    ]
    return table(
        kind="income_expenditure_summary",
        caption="预算公开表1",
        title="2025年预算收支总表",
        orientation="landscape",
        header_rows=len(header),
        col_widths=[2.6, 1.2, 3.4, 1.2, 1.2, 1.2],
        rows=header + body,
        layout="ledger",
        groups=[
            {"label_cols": [0], "value_cols": [1]},
            {"label_cols": [2], "value_cols": [3, 4, 5]},
        ],
        implied_codes=implied,
        max_body_rows_per_page=21,  # as the seed: breaks after 二十一、粮油物资储备支出
    )


# ------------------------------------------------------- 2 预算收入总表

def t_income() -> dict:
    header = [
        [C("项目", cs=2), C("本年收入", cs=6), C("上年结转", rs=2)],
        ["科目编码", "科目名称", "合计", "一般公共预算", "政府性基金", "国有资本经营预算",
         "财政专户管理资金", "单位资金"],
    ]

    def vals(ln: Line) -> list[str]:
        return [fmt(ln.current), fmt(ln.general), fmt(ln.proj_fund), "", "", "", fmt(ln.carry)]

    body = [[C("合计", cs=2), *vals(TOTAL)]]
    for code, ln in LINES.items():
        body.append([code, fname(code), *vals(ln)])
    return table(
        kind="income_summary",
        caption="预算公开表2",
        title="2025年预算收入总表",
        orientation="landscape",
        header_rows=2,
        col_widths=[1.1, 3.4, 1.1, 1.2, 1.1, 1.3, 1.3, 1.1, 1.1],
        rows=header + body,
        layout="ledger",
        groups=[{"label_cols": [1], "code_col": 0, "value_cols": [2, 3, 4, 5, 6, 7, 8]}],
    )


# ------------------------------------------- 3 预算支出总表 / 5 一般公共预算支出

def functional_table(kind: str, n: int, title: str, view, max_rows: int | None = None) -> dict:
    """view(Line) -> (合计, 基本支出, 项目支出) for this table."""
    header = [
        [C("项目", cs=2), C("2025年预算数", cs=3)],
        ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
    ]
    body = [[C("合计", cs=2), *map(fmt, view(TOTAL))]]
    for code, ln in LINES.items():
        v = view(ln)
        if any(v):
            body.append([code, fname(code), *map(fmt, v)])
    d = table(
        kind=kind,
        caption=f"预算公开表{n}",
        title=title,
        orientation="portrait",
        header_rows=2,
        col_widths=[1.2, 4.0, 1.2, 1.2, 1.2],
        rows=header + body,
        layout="ledger",
        groups=[{"label_cols": [1], "code_col": 0, "value_cols": [2, 3, 4]}],
    )
    if max_rows is not None:
        d["max_body_rows_per_page"] = max_rows
    return d


def view_all(ln: Line) -> tuple:
    return (ln.total, ln.basic, ln.project)


def view_general(ln: Line) -> tuple:
    return (ln.general, ln.basic, ln.proj_gen)


def view_fund(ln: Line) -> tuple:
    return (ln.proj_fund, ZERO, ln.proj_fund)


# ------------------------------------------------------- 4 财政拨款收支总表

def t_appropriation() -> dict:
    header = [
        [C("收入", cs=2), C("支出", cs=5)],
        [C("项目", rs=2), C("金额", rs=2), C("项目", rs=2), C("金额", cs=4)],
        ["小计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
    ]
    income = [("一、一般公共预算", fmt(TOTAL.general)), ("二、政府性基金预算", fmt(TOTAL.proj_fund)),
              ("三、国有资本经营预算", "")]
    body, implied = [], []
    for i, (label, code) in enumerate(EXPENDITURE_CLASSES):
        inc = income[i] if i < len(income) else ("", "")
        ln = LINES.get(code, Line())
        body.append([inc[0], inc[1], label, fmt(ln.total), fmt(ln.general + ln.carry), fmt(ln.proj_fund), ""])
        implied.append({"row": len(header) + i, "group": 1, "code": code})
    year_income = TOTAL.general + TOTAL.proj_fund
    exp = [fmt(TOTAL.total), fmt(TOTAL.general + TOTAL.carry), fmt(TOTAL.proj_fund), ""]
    body += [
        ["本年收入合计", fmt(year_income), "本年支出合计", *exp],
        ["上年财政拨款结转", fmt(TOTAL.carry), "年终结转", "", "", "", ""],
        ["一、一般公共预算", fmt(TOTAL.carry), "", "", "", "", ""],
        ["二、政府性基金预算", "", "", "", "", "", ""],
        ["三、国有资本经营预算", "", "", "", "", "", ""],
        ["收入总计", fmt(year_income + TOTAL.carry), "支出总计", *exp],
    ]
    return table(
        kind="appropriation_summary",
        caption="预算公开表4",
        title="2025年财政拨款收支总表",
        orientation="landscape",
        header_rows=len(header),
        col_widths=[2.4, 1.1, 3.4, 1.1, 1.3, 1.3, 1.4],
        rows=header + body,
        layout="ledger",
        groups=[
            {"label_cols": [0], "value_cols": [1]},
            {"label_cols": [2], "value_cols": [3, 4, 5, 6]},
        ],
        implied_codes=implied,
        max_body_rows_per_page=31,  # as the seed: continues after 本年收入合计
    )


# ----------------------------------------- 6 基本支出分经济科目表

def economic_rows() -> list[tuple[str, str, Decimal, Decimal, Decimal, str]]:
    """(部门名称, 政府名称, 合计, 人员经费, 公用经费, code): class rows then their items by code, 机关 first."""
    unit_order = {u: i for i, u in enumerate(UNITS)}
    out = []
    for cls, cname in ECON_CLASSES.items():
        items = sorted((r for r in BASIC_ROWS if r["code"].startswith(cls)),
                       key=lambda r: (r["code"], unit_order[r["unit"]]))
        staff = sum((r["amount"] for r in items if r["kind"] == "staff"), ZERO)
        office = sum((r["amount"] for r in items if r["kind"] == "office"), ZERO)
        out.append((cname, "", staff + office, staff, office, cls))
        # one printed row per (部门, 政府) pair: units sharing a pair (退休费|离退休费) are summed
        pairs: dict[tuple[str, str, str], list[Decimal]] = {}
        for r in items:
            v = pairs.setdefault((r["code"], r["dept"], r["gov"]), [ZERO, ZERO])
            v[0 if r["kind"] == "staff" else 1] += r["amount"]
        for (code, dept, gov), (s, o) in pairs.items():
            out.append((dept, gov, s + o, s, o, code))
    return out


def t_economic() -> dict:
    header = [
        [C("部门预算支出经济科目名称", rs=2), C("政府预算支出经济科目名称", rs=2), C("2025年预算数", cs=3)],
        ["合计", "人员经费", "公用经费"],
    ]
    rows = economic_rows()
    staff = sum((r[3] for r in rows if len(r[5]) == 3), ZERO)
    office = sum((r[4] for r in rows if len(r[5]) == 3), ZERO)
    body = [[C("合计", cs=2), fmt(staff + office), fmt(staff), fmt(office)]]
    implied = []
    for dept, gov, total, s, o, code in rows:
        implied.append({"row": len(header) + len(body), "group": 0, "code": code})
        body.append([dept, gov, fmt(total), fmt(s), fmt(o)])
    return table(
        kind="basic_expenditure_economic",
        caption="预算公开表6",
        title="2025年一般公共预算安排基本支出分经济科目表（不含上年结转）",
        orientation="portrait",
        header_rows=2,
        col_widths=[3.0, 2.4, 1.1, 1.1, 1.1],
        rows=header + body,
        layout="ledger",
        groups=[{"label_cols": [0, 1], "value_cols": [2, 3, 4]}],
        implied_codes=implied,
    )


# ----------------------------------------------- 7, 8 政府性基金 (9 国有资本 is empty: spec_builders)

FUND_LINES = {code: ln for code, ln in LINES.items() if ln.proj_fund}


def t_gov_fund_income() -> dict:
    body = [[C("合计", cs=2), fmt(TOTAL.proj_fund)]]
    for code, ln in FUND_LINES.items():
        body.append([code, fname(code), fmt(ln.proj_fund)])
    return table(
        kind="gov_fund_income",
        caption="预算公开表7",
        title="2025年政府性基金预算收入表（不含上年结转）",
        orientation="portrait",
        header_rows=2,
        col_widths=[1.4, 3.6, 2.0],
        rows=[
            [C("项目", cs=2), C("政府性基金收入预算", rs=2)],
            ["收入科目编码", "科目名称"],
            *body,
        ],
        layout="ledger",
        groups=[{"label_cols": [1], "code_col": 0, "value_cols": [2]}],
    )


def t_gov_fund_expenditure() -> dict:
    body = [[C("合计", cs=2), *map(fmt, view_fund(TOTAL))]]
    for code, ln in FUND_LINES.items():
        body.append([code, fname(code), *map(fmt, view_fund(ln))])
    return table(
        kind="gov_fund_expenditure",
        caption="预算公开表8",
        title="2025年政府性基金预算支出表（不含上年结转）",
        orientation="portrait",
        header_rows=1,  # a single header row, as the seed prints it
        col_widths=[1.2, 3.6, 1.2, 1.2, 1.2],
        rows=[
            ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
            *body,
        ],
        layout="ledger",
        groups=[{"label_cols": [1], "code_col": 0, "value_cols": [2, 3, 4]}],
    )


# ------------------------------------------------------ 10 三公, 11 机关运行经费

def econ_sum(code: str, unit: str | None = None, kind: str | None = None) -> Decimal:
    return sum((r["amount"] for r in BASIC_ROWS
                if r["code"].startswith(code) and (unit is None or r["unit"] == unit)
                and (kind is None or r["kind"] == kind)), ZERO)


def t_three_public() -> dict:
    abroad = econ_sum("30212")  # 出国费: none here
    reception = econ_sum("30217")
    car_buy = ZERO  # no 公务用车购置 this year
    car_run = econ_sum("30231")
    car = car_buy + car_run
    total = abroad + reception + car

    def row(label: str, x: Decimal) -> list[str]:
        return [label, fmt(x), fmt(x), "", ""]

    return table(
        kind="three_public",
        caption="预算公开表10",
        title="2025年财政拨款安排“三公”经费支出预算表",
        orientation="portrait",
        header_rows=2,
        col_widths=[3.0, 1.2, 1.4, 1.4, 1.6],
        rows=[
            [C("项目", rs=2), C("2025年预算数", cs=4)],
            ["合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
            row("因公出国（境）费", abroad),
            row("公务接待费", reception),
            row("公务用车购置及运行费", car),
            row("①公务用车购置费", car_buy),
            row("②公务用车运行维护费", car_run),
            row("合计", total),
        ],
        layout="ledger",
        groups=[{"label_cols": [0], "value_cols": [1, 2, 3, 4]}],
    )


def t_operating() -> dict:
    admin = econ_sum("3", unit=ADMIN_UNIT, kind="office")  # 公用经费 of the 行政 unit
    return table(
        kind="operating_expenses",
        caption="预算公开表11",
        title="2025年财政拨款安排机关运行经费预算表",
        orientation="portrait",
        header_rows=2,
        col_widths=[3.0, 1.2, 1.4, 1.4, 1.6],
        rows=[
            [C("单位名称", rs=2), C("2025预算数", cs=4)],  # the seed prints 2025预算数 (no 年) here
            ["合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
            ["部门合计", fmt(admin), fmt(admin), "", ""],
            [ADMIN_UNIT, fmt(admin), fmt(admin), "", ""],
        ],
        layout="ledger",
        groups=[{"label_cols": [0], "value_cols": [1, 2, 3, 4]}],
    )


# --------------------------------------------------- 12, 13 项目支出预算表

def t_project_current() -> dict:
    header = [
        [C("项目名称", rs=2), C("合计", rs=2), C("2025年财政拨款", cs=3), C("财政专户管理资金", rs=2),
         C("单位资金", rs=2)],
        ["一般公共预算", "政府性基金预算", "国有资本经营预算"],
        [C(str(i), align="center") for i in range(1, 8)],
    ]

    def vals(ps: list[dict]) -> list[str]:
        gen = sum((p["amount"] for p in ps if p["fund"] == "general"), ZERO)
        fund = sum((p["amount"] for p in ps if p["fund"] == "govfund"), ZERO)
        return [fmt(gen + fund), fmt(gen), fmt(fund), "", "", ""]

    body = [[DEPT_NAME, *vals(CURRENT)]]
    for unit in UNITS:
        ps = sorted((p for p in CURRENT if p["unit"] == unit), key=lambda p: -p["amount"])
        body.append([unit, *vals(ps)])
        body += [[p["name"], *vals([p])] for p in ps]
    return table(
        kind="project_current",
        caption="预算公开表12",
        title="2025年项目支出预算表（本年预算）",
        orientation="landscape",
        header_rows=3,
        number_rows=[2],
        col_widths=[6.0, 1.1, 1.3, 1.3, 1.4, 1.3, 1.1],
        rows=header + body,
        layout="ledger",
        groups=[{"label_cols": [0], "value_cols": [1, 2, 3, 4, 5, 6]}],
    )


def t_project_carryover() -> dict:
    header = [
        [C("项目名称", rs=2), C("合计", rs=2), C("2025年财政拨款", cs=3)],
        ["一般公共预算", "政府性基金预算", "国有资本经营预算"],
        [C(str(i), align="center") for i in range(1, 6)],
    ]

    def vals(ps: list[dict]) -> list[str]:
        x = sum((p["amount"] for p in ps), ZERO)
        return [fmt(x), fmt(x), "", ""]

    body = [[DEPT_NAME, *vals(CARRY)]]
    for unit in UNITS:
        ps = sorted((p for p in CARRY if p["unit"] == unit), key=lambda p: -p["amount"])
        if ps:
            body.append([unit, *vals(ps)])
            body += [[p["name"], *vals([p])] for p in ps]
    return table(
        kind="project_carryover",
        caption="预算公开表13",
        title="2025年项目支出预算表（上年结转）",
        orientation="portrait",
        header_rows=3,
        number_rows=[2],
        col_widths=[5.0, 1.1, 1.3, 1.3, 1.4],
        rows=header + body,
        layout="ledger",
        groups=[{"label_cols": [0], "value_cols": [1, 2, 3, 4]}],
    )


# ------------------------------------------------ 部门整体支出绩效目标申报表

DUTIES = (
    "（一）贯彻执行国家、省、市教育工作的方针、政策和法律法规，拟订全县教育事业发展规划和年度计划并组织实施。"
    "（二）负责全县各级各类教育的统筹规划和协调管理，指导学前教育、义务教育、普通高中教育、职业教育和特殊教育工作。"
    "（三）负责统筹管理本部门教育经费，参与拟订教育经费筹措、教育拨款和教育基建投资的政策，"
    "监督管理学校国有资产和教育经费的使用。"
    "（四）负责全县教师队伍建设，指导教师培训和继续教育工作。"
    "（五）负责全县学校安全稳定、校园周边环境治理和学生资助工作。"
    "（六）完成县委、县政府交办的其他任务。"
)
DEPT_GOAL = "保障全县各级各类学校正常运转，巩固义务教育均衡发展成果，推进学前教育普及普惠和高中阶段教育特色发展，提升教师队伍整体素质。"
KEY_WORK = [
    ("统筹管理教育经费，保障学校正常运转",
     "足额落实义务教育阶段学校公用经费和学前教育生均公用经费，按时拨付农村初中学校冬季取暖费，保障学校正常运转。"),
    ("指导各级各类教育发展",
     "落实普通高中国家助学金和中等职业学校免学费政策，开展特殊教育送教上门，推进校舍维修改造和农村学校体育设施改善。"),
    ("加强教师队伍建设",
     "组织中小学教师全员培训和继续教育，完成教师继续教育学分登记，提升教师专业能力。"),
]
YEAR_GOAL = "全县义务教育巩固率保持在99%以上，学前三年毛入园率达到92%以上，校园安全事故零发生，群众对教育的满意度持续提升。"
OVERALL_INDICATORS = [  # 一级, [(二级, 三级, 指标值)]
    ("产出指标", [
        ("数量指标", "保障中小学校及幼儿园数量", "≥46所"),
        ("质量指标", "义务教育巩固率", "≥99%"),
        ("时效指标", "资金拨付及时率", "100%"),
        ("成本指标", "成本控制率", "≤100%"),
    ]),
    ("效益指标", [
        ("经济效益指标", "", ""),
        ("社会效益指标", "学前三年毛入园率", "≥92%"),
        ("生态效益指标", "", ""),
        ("可持续影响指标", "教育事业持续健康发展", "持续推进"),
    ]),
    ("满意度指标", [
        ("服务对象满意度指标", "学生及家长满意度", "≥90%"),
    ]),
]


def t_overall() -> dict:
    year_total = TOTAL.current  # 本年, 不含上年结转
    year_project = TOTAL.proj_gen + TOTAL.proj_fund
    budget = [
        BudgetRow("合计", fmt0(year_total), "合计", fmt0(year_total)),
        BudgetRow("其中：一般公共预算资金", fmt0(TOTAL.general), "其中：基本支出", fmt0(TOTAL.basic)),
        BudgetRow("政府性基金预算资金", fmt0(TOTAL.proj_fund), "项目支出", fmt0(year_project)),
        BudgetRow("国有资本经营预算资金", "0.00", "", ""),
        BudgetRow("社会保险基金预算资金", "0.00", "", ""),
        BudgetRow("专户管理资金", "0.00", "", ""),
        BudgetRow("单位资金", "0.00", "", ""),
    ]
    form = OverallForm(
        dept_coded=DEPT_CODED,
        subject=DEPT_NAME,
        n_offices="7个", n_units="1个",
        n_posts="42人", n_staff="39人", n_staff_on_post="37人", n_staff_other="2人",
        duties=DUTIES,
        dept_goal=DEPT_GOAL,
        budget=budget,
        key_work=KEY_WORK,
        year_goal=YEAR_GOAL,
        indicators=OVERALL_INDICATORS,
    )
    return {**overall_form_table(form), "_budget": budget}  # _budget for self_check; removed before writing


# ------------------------------------------------------- 项目支出绩效目标表

def project(name: str) -> dict:
    (p,) = [p for p in CURRENT if p["name"] == name]
    return p


def money_split(total: Decimal, source: str, years: int) -> tuple[str, ...]:
    """(实施期 total, 中央, 省级, 市县, 自筹, 其他, 年度 total, 中央, 省级, 市县, 自筹, 其他) in 元."""
    order = ["central", "province", "county"]
    imp = [ZERO] * 3
    yr = [ZERO] * 3
    imp[order.index(source)] = total * years
    yr[order.index(source)] = total
    return (yuan(total * years), *(yuan(x) for x in imp), "0", "",
            yuan(total), *(yuan(x) for x in yr), "0", "")


PERF_PROJECTS = [
    {
        "name": PROJECT_GENERAL_TITLE,
        "attr": "延续性项目（阶段开展）", "period": "3年", "years": 3, "source": "county",
        "overview": "按照城乡统一的义务教育阶段学校生均公用经费基准定额，保障全县义务教育阶段中小学校正常运转所需的办公、水电、取暖、维修及教学业务等公用经费。",
        "basis": "《国务院关于进一步完善城乡义务教育经费保障机制的通知》（国发〔2015〕67号）",
        "need": "保障义务教育阶段学校正常运转，落实城乡义务教育经费保障机制，促进义务教育优质均衡发展。",
        "measures": "严格执行义务教育经费保障机制相关管理办法，专款专用，按学期核定学生人数拨付资金。",
        "plan": "春季学期和秋季学期开学后一个月内，按核定的在校生人数和生均定额拨付各学校。",
        "goal": ("保障全县义务教育阶段学校正常运转，生均公用经费足额拨付到位。",
                 "2025年按时足额拨付义务教育阶段学校公用经费，保障学校正常运转。"),
        "indicators": [
            ("产出指标", [
                ("数量指标", [("保障义务教育阶段学生人数", "≥14000人"), ("保障学校数量", "38所")]),
                ("质量指标", [("资金足额拨付率", "100%")]),
                ("时效指标", [("资金拨付时间", "开学后一个月内")]),
                ("成本指标", [("小学生均公用经费标准", "≥720元/生·年",
                              "小学生均公用经费标准", "720元/生·年")]),
            ]),
            ("效益指标", [
                ("经济效益", [("", "")]),
                ("社会效益", [("义务教育巩固率", "≥99%")]),
                ("生态效益", [("", "")]),
                ("可持续影响", [("学校正常运转保障水平", "持续保障")]),
            ]),
            ("满意度指标", [
                ("服务对象满意度", [("学校满意度", "≥95%")]),
            ]),
        ],
        "date": "20250226103015",
    },
    {
        "name": PROJECT_LOTTERY,
        "attr": "一次性项目（1年结束）", "period": "1年", "years": 1, "source": "province",
        "overview": "使用省级下达的彩票公益金，为农村中小学校购置体育器材、改造运动场地，改善农村学校体育教学条件。",
        "basis": "《彩票公益金管理办法》（财综〔2021〕18号）",
        "need": "农村学校体育设施老化、器材短缺，不能满足体育课程和课外体育活动需要。",
        "measures": "严格执行彩票公益金使用管理规定，设备采购按政府采购程序实施，项目完成后组织验收并公告资助情况。",
        "plan": "上半年完成采购，下半年完成安装和场地改造并组织验收。",
        "goal": ("改善农村学校体育设施条件，满足体育教学和学生课外锻炼需要。",
                 "改善农村学校体育设施条件，满足体育教学和学生课外锻炼需要。"),
        "indicators": [
            ("产出指标", [
                ("数量指标", [("受益农村学校数量", "12所")]),
                ("质量指标", [("设备验收合格率", "100%")]),
                ("时效指标", [("项目完成时间", "2025年10月底前")]),
                ("成本指标", [("成本控制率", "≤100%")]),
            ]),
            ("效益指标", [
                ("经济效益", [("", "")]),
                ("社会效益", [("学生体质健康测试达标率", "≥92%")]),
                ("生态效益", [("", "")]),
                ("可持续影响", [("体育设施使用年限", "≥5年")]),
            ]),
            ("满意度指标", [
                ("服务对象满意度", [("师生满意度", "≥90%")]),
            ]),
        ],
        "date": "20250305091422",
    },
    {
        "name": PROJECT_TRAINING,
        "attr": "经常性项目（长期开展）", "period": "99年", "years": 1, "source": "county",
        "overview": "组织全县中小学、幼儿园教师参加全员培训、骨干教师研修和继续教育，提升教师专业素养和教育教学能力。",
        "basis": "《中小学教师继续教育规定》",
        "need": "提升教师队伍整体素质，满足新课程改革对教师专业能力的要求。",
        "measures": "制定年度培训计划，培训经费按实际参训人数和培训标准核拨，专款专用。",
        "plan": "寒暑假集中培训，学期中开展校本研修和送教下乡。",
        "goal": ("完成全县中小学教师全员培训，教师继续教育学分达标。",
                 "完成全县中小学教师全员培训，教师继续教育学分达标。"),
        "indicators": [
            ("产出指标", [
                ("数量指标", [("参训教师人次", "≥1500人次"), ("培训班次", "≥20期")]),
                ("质量指标", [("培训合格率", "≥95%")]),
                ("时效指标", [("培训完成时间", "2025年12月底前")]),
                ("成本指标", [("人均培训成本", "≤250元/人次")]),
            ]),
            ("效益指标", [
                ("经济效益", [("", "")]),
                ("社会效益", [("教师教育教学能力", "有效提升")]),
                ("生态效益", [("", "")]),
                ("可持续影响", [("教师专业发展长效机制", "逐步健全")]),
            ]),
            ("满意度指标", [
                ("服务对象满意度", [("参训教师满意度", "≥90%")]),
            ]),
        ],
        "date": "20250311160548",
    },
]


def t_project_form(spec: dict) -> dict:
    fields = dict(spec)
    # how the amount splits over sources and years: used for the money block, not printed as text
    years, source = fields.pop("years"), fields.pop("source")
    p = project(spec["name"])
    m = money_split(p["amount"], source, years)
    form = project_form_table(DEPT_CODED, ProjectForm(**fields, unit=p["unit"], money=m))
    return {**form, "_money": m}  # _money for self_check; removed before writing


# ================================================================== self-check

def text(cell) -> str:
    return cell["text"] if isinstance(cell, dict) else cell


def body(t: dict) -> list[list[str]]:
    return [[text(c) for c in row] for row in t["rows"][t["header_rows"]:]]


def coded(t: dict, cols: slice) -> dict[str, list[Decimal]]:
    """Ledger with code in column 0: code -> values; '合计' -> the total row."""
    out = {}
    for row in body(t):
        key = row[0]
        vals = row[1:] if key == "合计" else row[2:]  # 合计 spans the code and name columns
        out[key] = [num(v) for v in vals][cols]
    return out


def labelled(t: dict, label_col: int, first_val: int) -> list[tuple[str, list[Decimal]]]:
    return [(row[label_col], [num(v) for v in row[first_val:]]) for row in body(t)]


def check_hierarchy(name: str, rows: dict[str, list[Decimal]]) -> None:
    """合计 = Σ 类; 类 = Σ 款; 款 = Σ 项 (a 款 without 项 is a leaf), column by column."""
    codes = [c for c in rows if c != "合计"]
    n = len(rows["合计"])
    for parent, plen, clen in [("合计", 0, 3), *[(c, len(c), len(c) + 2) for c in codes if len(c) in (3, 5)]]:
        kids = [c for c in codes if len(c) == clen and c.startswith(parent if plen else "")]
        if not kids:
            assert len(parent) == 5, (name, parent)  # a 款 leaf
            continue
        for i in range(n):
            s = sum((rows[k][i] for k in kids), ZERO)
            assert s == rows[parent][i], (name, parent, i, s, rows[parent][i])


def self_check(tables: dict[str, dict], overall: dict, forms: list[dict]) -> list[str]:
    done: list[str] = []

    def ok(msg: str) -> None:
        done.append(msg)

    # every value has exactly two decimals
    for kind, t in tables.items():
        if t["layout"] == "ledger":
            for row in body(t):
                for v in row:
                    if v and v[0].isdigit() and "." in v:
                        assert len(v.split(".")[1]) == 2 and "," not in v, (kind, v)
    ok("every amount of every ledger prints two decimals, no separators")

    exp = coded(tables["expenditure_summary"], slice(0, 3))
    gen = coded(tables["general_budget_expenditure"], slice(0, 3))
    fund = coded(tables["gov_fund_expenditure"], slice(0, 3))
    inc = coded(tables["income_summary"], slice(0, 7))
    fund_inc = coded(tables["gov_fund_income"], slice(0, 1))

    # row identities
    for name, rows in [("支出总表", exp), ("一般公共预算支出表", gen), ("政府性基金支出表", fund)]:
        for code, (tot, basic, proj) in rows.items():
            assert tot == basic + proj, (name, code)
    ok("预算支出总表, 一般公共预算支出表, 政府性基金预算支出表: every row 合计 = 基本支出 + 项目支出")
    for code, v in inc.items():
        assert v[0] == sum(v[1:6], ZERO), ("收入总表", code)
    ok("预算收入总表: every row 本年收入合计 = 一般公共预算 + 政府性基金 + 国有资本 + 专户 + 单位资金")

    # hierarchy
    for name, rows in [("支出总表", exp), ("一般公共预算支出表", gen), ("政府性基金支出表", fund),
                       ("收入总表", inc), ("政府性基金收入表", fund_inc)]:
        check_hierarchy(name, rows)
    ok("functional ledgers (表2, 3, 5, 7, 8): 合计 = Σ 类, 类 = Σ 款, 款 = Σ 项 by code prefix, every column")

    # codes and names from the catalog
    for t in (tables["income_summary"], tables["expenditure_summary"], tables["general_budget_expenditure"],
              tables["gov_fund_income"], tables["gov_fund_expenditure"]):
        for row in body(t):
            if row[0] != "合计":
                assert NAMES.get(row[0]) == row[1], (row[0], row[1])
    ok("every printed 科目编码 is in functional_subjects.csv with the printed name")

    # cross-table: 支出总表 = 一般公共预算 + 政府性基金 + 上年结转; 收入总表 agrees
    for code, (tot, basic, proj) in exp.items():
        g = gen.get(code, [ZERO] * 3)
        f = fund.get(code, [ZERO] * 3)
        carry = inc[code][6]
        assert basic == g[1] + f[1], code
        assert proj == g[2] + f[2] + carry, code
        assert tot == g[0] + f[0] + carry, code
        assert inc[code][0] == g[0] + f[0], code  # 收入 本年 = 支出 本年
        assert inc[code][1] == g[0] and inc[code][2] == f[0], code
    assert set(gen) <= set(exp) and set(fund) <= set(exp) and set(inc) == set(exp)
    ok("per code: 支出总表 = 一般公共预算支出表 + 政府性基金预算支出表 + 上年结转 (合计, 基本, 项目); "
       "收入总表 一般公共预算/政府性基金 = 表5/表8 合计; 收入总表 rows = 支出总表 rows")
    for code, v in fund_inc.items():
        assert v[0] == fund[code][0], code
    assert set(fund_inc) == set(fund)
    ok("政府性基金预算收入表 = 政府性基金预算支出表 合计, per code")

    # 预算收支总表
    ie = body(tables["income_expenditure_summary"])
    n_cls = len(EXPENDITURE_CLASSES)
    for i, (label, code) in enumerate(EXPENDITURE_CLASSES):
        row = ie[i]
        assert row[2] == label
        tot, cur, carry = (num(x) for x in row[3:6])
        assert tot == cur + carry, code
        e = exp.get(code)
        if e is None:
            assert tot == 0, code
        else:
            assert tot == e[0] and carry == inc[code][6] and cur == inc[code][0], code
    year_in, carry_in, total_in = (num(ie[n_cls + k][1]) for k in range(3))
    assert num(ie[0][1]) + num(ie[1][1]) == year_in  # 一般公共预算 + 政府性基金
    assert num(ie[0][1]) == inc["合计"][1] and num(ie[1][1]) == inc["合计"][2]
    assert year_in == inc["合计"][0] and carry_in == inc["合计"][6]
    assert total_in == year_in + carry_in
    for k in (0, 2):  # 本年支出合计, 支出总计
        tot, cur, carry = (num(x) for x in ie[n_cls + k][3:6])
        assert tot == exp["合计"][0] == total_in and tot == cur + carry and carry == carry_in
        assert tot == sum((num(r[3]) for r in ie[:n_cls]), ZERO)
    ok("预算收支总表: class rows = 支出总表 类 rows (合计, 当年 = 收入总表 本年, 上年结转); "
       "本年收入合计 = Σ sources = 收入总表 合计; 收入总计 = 本年收入 + 上年结转 = 支出总计 = 支出总表 合计 = Σ classes")

    # 财政拨款收支总表
    ap = body(tables["appropriation_summary"])
    for i, (label, code) in enumerate(EXPENDITURE_CLASSES):
        row = ap[i]
        sub, g, f, s = (num(x) for x in row[3:7])
        assert sub == g + f + s
        assert sub == (exp[code][0] if code in exp else 0), code
        assert f == (fund[code][0] if code in fund else 0), code
    assert num(ap[0][1]) == gen["合计"][0] and num(ap[1][1]) == fund["合计"][0]
    year_in = num(ap[n_cls][1])
    assert year_in == num(ap[0][1]) + num(ap[1][1]) + num(ap[2][1])
    assert num(ap[n_cls + 1][1]) == num(ap[n_cls + 2][1]) + num(ap[n_cls + 3][1]) + num(ap[n_cls + 4][1])
    total_in = num(ap[n_cls + 5][1])
    assert total_in == year_in + num(ap[n_cls + 1][1])
    for k in (0, 5):
        sub, g, f, s = (num(x) for x in ap[n_cls + k][3:7])
        assert sub == g + f + s == total_in == exp["合计"][0]
        assert sub == sum((num(r[3]) for r in ap[:n_cls]), ZERO)
        assert g == sum((num(r[4]) for r in ap[:n_cls]), ZERO) and f == sum((num(r[5]) for r in ap[:n_cls]), ZERO)
    ok("财政拨款收支总表: 小计 = 一般公共预算 + 政府性基金 per class; class rows = 支出总表; "
       "收入 = 表5 + 表8 合计; 上年结转 = Σ its sources; 收入总计 = 支出总计 = 本年支出合计 = Σ classes")

    # 基本支出分经济科目表
    ec = body(tables["basic_expenditure_economic"])
    total = [num(v) for v in ec[0][1:4]]  # 合计 spans both name columns
    cls_rows = [(i, r) for i, r in enumerate(ec[1:]) if r[1] == ""]
    assert total[0] == total[1] + total[2]
    for i, r in enumerate(ec[1:]):
        assert num(r[2]) == num(r[3]) + num(r[4]), r
    for j, (i, r) in enumerate(cls_rows):
        end = cls_rows[j + 1][0] if j + 1 < len(cls_rows) else len(ec) - 1
        items = ec[1 + i + 1: 1 + end]
        for c in (2, 3, 4):
            assert num(r[c]) == sum((num(x[c]) for x in items), ZERO), (r, c)
    for c in (0, 1, 2):
        assert total[c] == sum((num(r[c + 2]) for _, r in cls_rows), ZERO)
    assert total[0] == exp["合计"][1] == gen["合计"][1]
    pairs = [(r[0], r[1]) for r in ec[1:]]
    assert len(pairs) == len(set(pairs)), "a (部门, 政府) pair printed twice"
    ok("分经济科目表: row 合计 = 人员经费 + 公用经费; 类 = Σ its items; 合计 = Σ 类; no pair printed twice; "
       "合计 = 基本支出 of 支出总表 and of 一般公共预算支出表")
    for u in UNITS:
        e = sum((r["amount"] for r in BASIC_ROWS if r["unit"] == u), ZERO)
        assert e > 0
    by_func: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in BASIC_ROWS:
        by_func[r["func"]] += r["amount"]
    for code, amt in by_func.items():
        assert exp[code][1] == amt, code
    ok("基本支出 per functional 项 of 支出总表 = Σ the economic rows charged to it")

    # 三公
    tp = {r[0]: [num(v) for v in r[1:]] for r in body(tables["three_public"])}
    for v in tp.values():
        assert v[0] == v[1] + v[2] + v[3]
    for c in range(4):
        assert tp["公务用车购置及运行费"][c] == tp["①公务用车购置费"][c] + tp["②公务用车运行维护费"][c]
        assert tp["合计"][c] == tp["因公出国（境）费"][c] + tp["公务接待费"][c] + tp["公务用车购置及运行费"][c]
    def econ(dept_name: str) -> Decimal:
        return sum((num(r[2]) for r in ec[1:] if r[0] == dept_name and r[1]), ZERO)

    assert tp["公务接待费"][0] == econ("公务接待费") > 0
    assert tp["②公务用车运行维护费"][0] == econ("公务用车运行维护费") > 0
    assert tp["因公出国（境）费"][0] == econ("出国费")
    ok("三公: 合计 = 一般公共预算 + …; 公务用车购置及运行费 = 购置费 + 运行维护费; 合计 = 出国 + 接待 + 公务用车; "
       "公务接待费 = economic 公务接待费 (30217); 运行维护费 = economic 公务用车运行维护费 (30231)")

    # 机关运行经费
    op = body(tables["operating_expenses"])
    admin_office = sum((r["amount"] for r in BASIC_ROWS if r["unit"] == ADMIN_UNIT and r["kind"] == "office"), ZERO)
    assert num(op[0][1]) == num(op[1][1]) == admin_office == num(op[0][2])
    office_b = sum((r["amount"] for r in BASIC_ROWS if r["unit"] != ADMIN_UNIT and r["kind"] == "office"), ZERO)
    assert admin_office + office_b == total[2]
    ok("机关运行经费 (部门合计 = 阳高县教育局) = 公用经费 of the 行政 unit; with the 事业 unit's = 分经济科目表 公用经费")

    # 项目支出预算表
    pc = labelled(tables["project_current"], 0, 1)
    names_by_unit = {u: {p["name"] for p in CURRENT if p["unit"] == u} for u in UNITS}
    dept = pc[0][1]
    units_seen = 0
    for label, v in pc:
        assert v[0] == sum(v[1:], ZERO), label
    i = 1
    unit_sum = [ZERO] * 6
    while i < len(pc):
        label, v = pc[i]
        assert label in UNITS
        units_seen += 1
        j = i + 1
        s = [ZERO] * 6
        while j < len(pc) and pc[j][0] not in UNITS:
            assert pc[j][0] in names_by_unit[label]
            s = [a + b for a, b in zip(s, pc[j][1])]
            j += 1
        assert s == v, label
        unit_sum = [a + b for a, b in zip(unit_sum, v)]
        i = j
    assert units_seen == 2 and unit_sum == dept
    assert dept[0] == gen["合计"][2] + fund["合计"][2]
    assert dept[1] == gen["合计"][2] and dept[2] == fund["合计"][2]
    ok("项目支出预算表（本年）: 合计 = Σ fund columns; unit subtotal = Σ its projects; 部门 = Σ units; "
       "一般公共预算 = 项目支出 of 表5; 政府性基金预算 = 项目支出 of 表8")
    co = labelled(tables["project_carryover"], 0, 1)
    for label, v in co:
        assert v[0] == sum(v[1:], ZERO)
    assert co[0][1][0] == sum((v[0] for lab, v in co if lab in UNITS), ZERO)
    assert co[0][1][0] == sum((v[0] for lab, v in co[1:] if lab not in UNITS), ZERO)
    assert co[0][1][0] == inc["合计"][6] == exp["合计"][2] - gen["合计"][2] - fund["合计"][2]
    ok("项目支出预算表（上年结转）: 部门 = Σ units = Σ projects = 上年结转 of 收入总表 = 支出总表 项目支出 − 本年项目")
    per_code: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for p in CURRENT + CARRY:
        per_code[p["func"]] += p["amount"]
    for code, amt in per_code.items():
        assert exp[code][2] == amt, code
    ok("项目支出 per functional 项 of 支出总表 = Σ the projects charged to it")
    assert 8 <= len(CURRENT) <= 12 and 1 <= len(CARRY) <= 2
    ok(f"{len(CURRENT)} projects this year, {len(CARRY)} carried over")

    # 整体 form
    b = {key_label(r.source): num(r.source_amount) for r in overall["_budget"]}
    u = {key_label(r.use): num(r.use_amount) for r in overall["_budget"] if r.use}
    assert b["合计"] == sum((v for k, v in b.items() if k != "合计"), ZERO) == u["合计"]
    assert u["合计"] == u["基本支出"] + u["项目支出"]
    assert b["一般公共预算资金"] == gen["合计"][0] and b["政府性基金预算资金"] == fund["合计"][0]
    assert u["基本支出"] == exp["合计"][1] and u["项目支出"] == dept[0]
    ok("整体绩效表: 合计 = Σ sources = 基本支出 + 项目支出; 一般公共预算资金 = 表5 合计; 政府性基金 = 表8 合计; "
       "基本 = 表3 基本; 项目 = 项目支出预算表（本年）合计")

    # project forms
    for f in forms:
        m = [num(x) for x in f["_money"]]
        amt = project(f["form_subject"])["amount"]
        assert m[6] == amt * 10000, f["form_subject"]
        assert m[0] == sum(m[1:6], ZERO) and m[6] == sum(m[7:12], ZERO)
        assert m[0] >= m[6]
        facts = {(tuple(x["labels"]), x["column"]): x["value"] for x in f["form_facts"]}
        assert num(facts[(("年度资金总额",), "")]) == m[6]
    ok("项目绩效表 (3): 年度资金总额 = project amount × 10000 元; 实施期/年度 总额 = Σ sources")
    return done


# ------------------------------------------------------------------ main

def build() -> tuple[dict, list[str]]:
    t = {
        "income_expenditure_summary": t_income_expenditure(),
        "income_summary": t_income(),
        "expenditure_summary": functional_table(
            "expenditure_summary", 3, "2025年预算支出总表", view_all, max_rows=30),
        "appropriation_summary": t_appropriation(),
        "general_budget_expenditure": functional_table(
            "general_budget_expenditure", 5, "2025年一般公共预算支出预算表（不含上年结转）", view_general),
        "basic_expenditure_economic": t_economic(),
        "gov_fund_income": t_gov_fund_income(),
        "gov_fund_expenditure": t_gov_fund_expenditure(),
        "state_capital": state_capital_table(DEPT),
        "three_public": t_three_public(),
        "operating_expenses": t_operating(),
        "project_current": t_project_current(),
        "project_carryover": t_project_carryover(),
    }
    overall = t_overall()
    forms = [t_project_form(p) for p in PERF_PROJECTS]
    checks = self_check(t, overall, forms)
    n_body = len(t["expenditure_summary"]["rows"]) - t["expenditure_summary"]["header_rows"]
    assert n_body >= 35, n_body
    checks.append(f"预算支出总表 has {n_body} body rows (≥ 35), forced onto a second page")
    for x in (overall, *forms):
        x.pop("_budget", None)
        x.pop("_money", None)
    tables = [*t.values(), overall, *forms, procurement_catalog_table(CATALOG_CSV, rows_per_page=50)]
    doc = {
        "name": "yanggao_education",
        "department": DEPT_NAME,
        "year": 2025,
        "source": "synthetic (samples/spec/build_yanggao.py): fictional department, seed conventions, "
                  "totals computed from leaf amounts",
        "tables": tables,
        "narrative": [line for line in NARRATIVE.read_text(encoding="utf-8").splitlines()
                      if line.strip() and not line.startswith("#")],
    }
    return doc, checks


def main() -> None:
    doc, checks = build()
    DocumentSpec.model_validate(doc)  # fail loudly before writing
    OUT.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for c in checks:
        print("ok:", c)
    print(f"wrote {OUT} ({len(doc['tables'])} tables)")


if __name__ == "__main__":
    main()
