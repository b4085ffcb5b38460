"""Re-read a synthetic department's finished tables (the printed strings) and assert every identity.

The same checks build_yanggao.py makes, for any ``synthetic.Department``: row sums, the
functional hierarchy by code prefix, cross-table agreement, the economic table, 三公, 机关运行经费,
the project tables, the 整体 form's budget and each project form's money.  Empty tables (no
政府性基金, no 上年结转) are checked to print no amount at all.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from samplegen.spec_builders import EXPENDITURE_CLASSES, key_label
from synthetic import FUNCTIONAL, ZERO, Department, num


def text(cell) -> str:
    return cell["text"] if isinstance(cell, dict) else cell


def body(t: dict) -> list[list[str]]:
    return [[text(c) for c in row] for row in t["rows"][t["header_rows"]:]]


def coded(t: dict, cols: slice) -> dict[str, list[Decimal]]:
    """Ledger with code in column 0: code -> values; '合计' -> the total row (it spans code and name)."""
    out = {}
    for row in body(t):
        if not any(row):
            continue
        key = row[0]
        vals = row[1:] if key == "合计" else row[2:]
        out[key] = [num(v) for v in vals][cols]
    return out


def labelled(t: dict) -> list[tuple[str, list[Decimal]]]:
    return [(row[0], [num(v) for v in row[1:]]) for row in body(t)]


def check_hierarchy(name: str, rows: dict[str, list[Decimal]]) -> None:
    """合计 = Σ 类; 类 = Σ 款; 款 = Σ 项 (a 款 without 项 is a leaf), column by column."""
    codes = [c for c in rows if c != "合计"]
    n = len(rows["合计"])
    for parent, plen, clen in [("合计", 0, 3), *[(c, len(c), len(c) + 2) for c in codes if len(c) in (3, 5)]]:
        kids = [c for c in codes if len(c) == clen and c.startswith(parent if plen else "")]
        if not kids:
            assert len(parent) == 5, (name, parent)
            continue
        for i in range(n):
            assert sum((rows[k][i] for k in kids), ZERO) == rows[parent][i], (name, parent, i)


def self_check(dept: Department, tables: dict[str, dict], overall_budget: list, forms: list[dict]) -> list[str]:
    done: list[str] = []
    units = dept.units

    for kind, t in tables.items():
        for row in body(t):
            for v in row:
                if v and v[0].isdigit() and "." in v:
                    assert len(v.split(".")[1]) == 2 and "," not in v, (kind, v)
    done.append("every amount of every ledger prints two decimals, no separators")

    exp = coded(tables["expenditure_summary"], slice(0, 3))
    gen = coded(tables["general_budget_expenditure"], slice(0, 3))
    fund = coded(tables["gov_fund_expenditure"], slice(0, 3))
    inc = coded(tables["income_summary"], slice(0, 7))
    fund_inc = coded(tables["gov_fund_income"], slice(0, 1))

    for name, rows in [("支出总表", exp), ("一般公共预算支出表", gen), ("政府性基金支出表", fund)]:
        for code, (tot, basic, proj) in rows.items():
            assert tot == basic + proj, (name, code)
    for code, v in inc.items():
        assert v[0] == sum(v[1:6], ZERO), ("收入总表", code)
    done.append("every row: 合计 = 基本支出 + 项目支出 (表3, 5, 8); 本年收入合计 = Σ sources (表2)")
    for name, rows in [("支出总表", exp), ("一般公共预算支出表", gen), ("收入总表", inc)] + (
            [("政府性基金支出表", fund), ("政府性基金收入表", fund_inc)] if fund else []):
        check_hierarchy(name, rows)
    done.append("functional ledgers: 合计 = Σ 类, 类 = Σ 款, 款 = Σ 项 by code prefix, every column")
    for t in (tables["income_summary"], tables["expenditure_summary"], tables["general_budget_expenditure"],
              tables["gov_fund_income"], tables["gov_fund_expenditure"]):
        for row in body(t):
            if row[0] not in ("合计", ""):
                assert FUNCTIONAL.get(row[0]) == row[1], (row[0], row[1])
    done.append("every printed 科目编码 is in functional_subjects.csv with the printed name")

    for code, (tot, basic, proj) in exp.items():
        g, f = gen.get(code, [ZERO] * 3), fund.get(code, [ZERO] * 3)
        carry = inc[code][6]
        assert basic == g[1] + f[1] and proj == g[2] + f[2] + carry and tot == g[0] + f[0] + carry, code
        assert inc[code][0] == g[0] + f[0] and inc[code][1] == g[0] and inc[code][2] == f[0], code
    assert set(gen) <= set(exp) and set(fund) <= set(exp) and set(inc) == set(exp)
    for code, v in fund_inc.items():
        assert v[0] == fund[code][0], code
    assert set(fund_inc) == set(fund)
    done.append("per code: 支出总表 = 表5 + 表8 + 上年结转; 收入总表 agrees; 政府性基金 收入 = 支出 per code")
    if not fund:
        for kind in ("gov_fund_income", "gov_fund_expenditure", "state_capital"):
            assert not any(v for row in body(tables[kind]) for v in row[2:]), kind
            assert tables[kind]["note"]
        done.append("no 政府性基金: 表7, 表8 (and 表9) print no amount, only the note")

    ie = body(tables["income_expenditure_summary"])
    n_cls = len(EXPENDITURE_CLASSES)
    for i, (label, code) in enumerate(EXPENDITURE_CLASSES):
        row = ie[i]
        assert row[2] == label
        tot, cur, carry = (num(x) for x in row[3:6])
        assert tot == cur + carry, code
        e = exp.get(code)
        assert (tot == 0) if e is None else (tot == e[0] and carry == inc[code][6] and cur == inc[code][0]), code
    year_in, carry_in, total_in = (num(ie[n_cls + k][1]) for k in range(3))
    assert num(ie[0][1]) + num(ie[1][1]) == year_in == inc["合计"][0] and carry_in == inc["合计"][6]
    assert num(ie[0][1]) == inc["合计"][1] and num(ie[1][1]) == inc["合计"][2] and total_in == year_in + carry_in
    for k in (0, 2):
        tot, cur, carry = (num(x) for x in ie[n_cls + k][3:6])
        assert tot == exp["合计"][0] == total_in and tot == cur + carry and carry == carry_in
        assert tot == sum((num(r[3]) for r in ie[:n_cls]), ZERO)
    done.append("预算收支总表: class rows = 支出总表 类 rows; 收入总计 = 本年收入 + 上年结转 = 支出总计 = Σ classes")

    ap = body(tables["appropriation_summary"])
    for i, (label, code) in enumerate(EXPENDITURE_CLASSES):
        sub, g, f, s = (num(x) for x in ap[i][3:7])
        assert sub == g + f + s and sub == (exp[code][0] if code in exp else 0), code
        assert f == (fund[code][0] if code in fund else 0), code
    assert num(ap[0][1]) == gen["合计"][0] and num(ap[1][1]) == fund.get("合计", [ZERO])[0]
    year_in = num(ap[n_cls][1])
    assert year_in == num(ap[0][1]) + num(ap[1][1]) + num(ap[2][1])
    assert num(ap[n_cls + 1][1]) == sum((num(ap[n_cls + k][1]) for k in (2, 3, 4)), ZERO)
    total_in = num(ap[n_cls + 5][1])
    assert total_in == year_in + num(ap[n_cls + 1][1])
    for k in (0, 5):
        sub, g, f, s = (num(x) for x in ap[n_cls + k][3:7])
        assert sub == g + f + s == total_in == exp["合计"][0] == sum((num(r[3]) for r in ap[:n_cls]), ZERO)
        assert g == sum((num(r[4]) for r in ap[:n_cls]), ZERO) and f == sum((num(r[5]) for r in ap[:n_cls]), ZERO)
    done.append("财政拨款收支总表: 小计 = Σ funds; class rows = 支出总表; 收入总计 = 支出总计 = Σ classes")

    ec = body(tables["basic_expenditure_economic"])
    total = [num(v) for v in ec[0][1:4]]
    cls_rows = [(i, r) for i, r in enumerate(ec[1:]) if r[1] == ""]
    assert total[0] == total[1] + total[2]
    for r in ec[1:]:
        assert num(r[2]) == num(r[3]) + num(r[4]), r
    for j, (i, r) in enumerate(cls_rows):
        end = cls_rows[j + 1][0] if j + 1 < len(cls_rows) else len(ec) - 1
        for c in (2, 3, 4):
            assert num(r[c]) == sum((num(x[c]) for x in ec[1 + i + 1: 1 + end]), ZERO), (r, c)
    for c in (0, 1, 2):
        assert total[c] == sum((num(r[c + 2]) for _, r in cls_rows), ZERO)
    assert total[0] == exp["合计"][1] == gen["合计"][1]
    pairs = [(r[0], r[1]) for r in ec[1:]]
    assert len(pairs) == len(set(pairs)), "a (部门, 政府) pair printed twice"
    by_func: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for b in dept.basic:
        by_func[b.func] += b.amount
    for code, amt in by_func.items():
        assert exp[code][1] == amt, code
    done.append("分经济科目表: row 合计 = 人员 + 公用; 类 = Σ items; 合计 = 基本支出 of 表3 and 表5 = Σ leaves per 项")

    tp = {r[0]: [num(v) for v in r[1:]] for r in body(tables["three_public"])}
    for c in range(4):
        assert tp["公务用车购置及运行费"][c] == tp["①公务用车购置费"][c] + tp["②公务用车运行维护费"][c]
        assert tp["合计"][c] == tp["因公出国（境）费"][c] + tp["公务接待费"][c] + tp["公务用车购置及运行费"][c]

    def econ(name: str) -> Decimal:
        return sum((num(r[2]) for r in ec[1:] if r[0] == name and r[1]), ZERO)

    assert tp["公务接待费"][0] == econ("公务接待费") and tp["②公务用车运行维护费"][0] == econ("公务用车运行维护费")
    op = body(tables["operating_expenses"])
    admin = sum((b.amount for b in dept.basic if b.unit == units[0] and b.kind == "office"), ZERO)
    assert num(op[0][1]) == num(op[1][1]) == admin == num(op[0][2]) > 0
    done.append("三公 = the economic rows 30217/30231; 机关运行经费 = 公用经费 of the 行政 unit")

    pc = labelled(tables["project_current"])
    for label, v in pc:
        assert v[0] == sum(v[1:], ZERO), label
    dept_row, i, unit_sum = pc[0][1], 1, [ZERO] * 6
    while i < len(pc):
        label, v = pc[i]
        assert label in units
        j, s = i + 1, [ZERO] * 6
        while j < len(pc) and pc[j][0] not in units:
            s = [a + b for a, b in zip(s, pc[j][1])]
            j += 1
        assert s == v, label
        unit_sum = [a + b for a, b in zip(unit_sum, v)]
        i = j
    assert unit_sum == dept_row and dept_row[1] == gen["合计"][2]
    assert dept_row[2] == fund.get("合计", [ZERO] * 3)[2]
    co = labelled(tables["project_carryover"])
    carry_total = sum((p.amount for p in dept.carry), ZERO)
    if dept.carry:
        assert co[0][1][0] == sum((v[0] for lab, v in co if lab in units), ZERO) == carry_total
        assert co[0][1][0] == sum((v[0] for lab, v in co[1:] if lab not in units), ZERO)
    else:
        assert not any(any(v) for _, v in co) and tables["project_carryover"]["note"]
    assert carry_total == inc["合计"][6] == exp["合计"][2] - gen["合计"][2] - fund.get("合计", [ZERO] * 3)[2]
    per_code: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for p in dept.current + dept.carry:
        per_code[p.func] += p.amount
    for code, amt in per_code.items():
        assert exp[code][2] == amt, code
    done.append("项目支出预算表: unit = Σ projects, 部门 = Σ units = 表5/表8 项目支出; 上年结转 = 收入总表 上年结转")

    b = {key_label(r.source): num(r.source_amount) for r in overall_budget}
    u = {key_label(r.use): num(r.use_amount) for r in overall_budget if r.use}
    assert b["合计"] == sum((v for k, v in b.items() if k != "合计"), ZERO) == u["合计"] == u["基本支出"] + u["项目支出"]
    assert b["一般公共预算资金"] == gen["合计"][0] and b["政府性基金预算资金"] == fund.get("合计", [ZERO])[0]
    assert u["基本支出"] == exp["合计"][1] and u["项目支出"] == dept_row[0]
    done.append("整体绩效表: 合计 = Σ sources = 基本 + 项目; sources = 表5/表8 合计; 项目 = 表12 合计")

    names = {p.name: p for p in dept.current}
    for f in forms:
        m = [num(x) for x in f["_money"]]
        assert m[6] == names[f["form_subject"]].amount * 10000, f["form_subject"]
        assert m[0] == sum(m[1:6], ZERO) and m[6] == sum(m[7:12], ZERO) and m[0] >= m[6]
    done.append(f"项目绩效表 ({len(forms)}): 年度资金总额 = the project's amount × 10000 元; totals = Σ sources")
    return done
