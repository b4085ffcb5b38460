"""Rebuild ``functional_subjects.csv`` and ``economic_subjects.csv`` (maintenance script, not run time).

    .venv/bin/python -m pipeline.data._build_subjects [SEED] [CATALOG_DIR]

Layers, newest first; one row per code, the newest edition wins:

* functional: (a) codes printed in the seed's tables with their 2025 names, (b) the 30 class (类) rows
  of the seed's 预算收支总表, (c) the old-edition Yonyou list, vendor suffixes stripped.
* economic: the partial 2018+ lists, names and gov pairs printed by the seed, then legacy rows.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from pipeline.text import normalize, strip_enumeration

SEED_ID = "000_6c1c086a26e80980"
DEFAULT_SEED = Path("/work/shared/seed") / f"{SEED_ID}.txt"
DEFAULT_CATALOGS = Path("/work/shared/catalogs")
OUT_DIR = Path(__file__).parent

FUNCTIONAL_FIELDS = ["code", "name", "level", "edition", "source", "note"]
ECONOMIC_FIELDS = ["code", "name", "level", "scheme", "edition", "source", "note"]

SEED_TABLES_SOURCE = f"seed {SEED_ID} (预算支出总表 etc.)"
CLASS_SOURCE = "seed 预算收支总表 class rows; codes by the 2025 政府收支分类科目 class numbering"
OLD_EDITION = "pre-2013 (Yonyou seed, stored as set_year 2017)"
OLD_SOURCE = (
    "shared/catalogs/functional_subjects.csv <- GitHub "
    "Jackjet/supervise@c52b8076d686d23284e36992e7b66eca336cf46a "
    "gov.df.fap/gov.df.fap.script/src/main/resources/script/df/V1_0_0_0/business/0{3,4}_insertTables.sql "
    "(ELE_BUDGET_SUBJECT)"
)

# The 2025 class numbering, in the order the 预算收支总表 prints its 30 class rows (一、 … 三十、).
CLASS_CODES: tuple[tuple[str, str], ...] = (
    ("201", "一般公共服务支出"), ("202", "外交支出"), ("203", "国防支出"), ("204", "公共安全支出"),
    ("205", "教育支出"), ("206", "科学技术支出"), ("207", "文化旅游体育与传媒支出"),
    ("208", "社会保障和就业支出"), ("209", "社会保险基金支出"), ("210", "卫生健康支出"),
    ("211", "节能环保支出"), ("212", "城乡社区支出"), ("213", "农林水支出"), ("214", "交通运输支出"),
    ("215", "资源勘探工业信息等支出"), ("216", "商业服务业等支出"), ("217", "金融支出"),
    ("219", "援助其他地区支出"), ("220", "自然资源海洋气象等支出"), ("221", "住房保障支出"),
    ("222", "粮油物资储备支出"), ("223", "国有资本经营预算支出"), ("224", "灾害防治及应急管理支出"),
    ("227", "预备费"), ("229", "其他支出"), ("230", "转移性支出"), ("231", "债务还本支出"),
    ("232", "债务付息支出"), ("233", "债务发行费用支出"), ("234", "抗疫特别国债安排的支出"),
)

_SUFFIX = re.compile(r"\s*（([^（）]+)）$")
_CODE_ROW = re.compile(r"^(\d{3}|\d{5}|\d{7})\t([^\t]+)\t")


def _level(code: str) -> str:
    return {3: "1", 5: "2", 7: "3"}[len(code)]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _write_csv(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


# ---------------------------------------------------------------- functional


def seed_table_codes(lines: list[str]) -> dict[str, str]:
    """(code, name) pairs printed in the seed's 科目编码 tables; every printing must agree."""
    readings: dict[str, Counter[str]] = defaultdict(Counter)
    for line in lines:
        match = _CODE_ROW.match(line)
        if match:
            readings[match.group(1)][re.sub(r"\s+", "", match.group(2))] += 1
    pairs: dict[str, str] = {}
    for code, names in readings.items():
        if len(names) != 1:
            raise ValueError(f"seed prints {code} with different names: {dict(names)}")
        pairs[code] = next(iter(names))
    return pairs


def seed_class_rows(lines: list[str]) -> list[str]:
    """The 支出 class names of the first 预算收支总表, enumeration and wrapped-cell spaces removed."""
    start = lines.index("## 2025年预算收支总表")
    names: list[str] = []
    for line in lines[start:]:
        if line.startswith("本年收入合计"):
            break
        cells = line.split("\t")
        if len(cells) > 2 and re.match(r"^[一二三四五六七八九十]+、", cells[2]):
            names.append(re.sub(r"\s+", "", strip_enumeration(cells[2])))
    return names


def strip_vendor_suffix(code: str, name: str, old: dict[str, str], suffixes: dict[str, set[str]]) -> str:
    """Drop a Yonyou disambiguating （…） when it is not part of the canonical name.

    Stripped when the same base name carries several different suffixes (行政运行（人大）, 行政运行（商贸）…)
    or the suffix repeats the name of the row's own 款/类 (其他支出（边界勘界联检） under 20207).
    Kept otherwise (驻外使领馆（团、处）), and never touched inside a name (政府办公厅（室）及相关机构事务).
    """
    match = _SUFFIX.search(name)
    if not match:
        return name.strip()
    base, suffix = name[: match.start()].strip(), match.group(1)
    ancestors = [old.get(code[:n], "") for n in (5, 3) if len(code) > n]
    if len(suffixes[base]) > 1 or any(suffix in ancestor for ancestor in ancestors if ancestor):
        return base
    return name.strip()


def functional_rows(lines: list[str], catalogs: Path) -> list[dict[str, str]]:
    printed = seed_table_codes(lines)
    class_names = seed_class_rows(lines)
    expected = [name for _, name in CLASS_CODES]
    if class_names != expected:
        raise ValueError(f"预算收支总表 class rows differ from the 2025 numbering: {class_names}")
    old_rows = _read_csv(catalogs / "functional_subjects.csv")
    old = {r["code"]: r["name"] for r in old_rows}
    suffixes: dict[str, set[str]] = defaultdict(set)
    for name in old.values():
        match = _SUFFIX.search(name)
        if match:
            suffixes[name[: match.start()].strip()].add(match.group(1))

    def superseded(code: str, name: str) -> str:
        if code not in old:
            return "not in the old edition"
        stripped = strip_vendor_suffix(code, old[code], old, suffixes)
        if stripped == name and old[code] == name:
            return ""
        if stripped == name:
            return f"old edition printed {old[code]} (vendor suffix)"
        return f"supersedes old-edition name {old[code]}"

    rows: dict[str, dict[str, str]] = {}
    class_codes = dict(CLASS_CODES)
    for code, name in printed.items():
        notes = [n for n in (superseded(code, name),) if n]
        if code in class_codes:
            notes.append("also printed as a class row of 预算收支总表")
        rows[code] = _row(code, name, "2025", SEED_TABLES_SOURCE, notes)
    for code, name in CLASS_CODES:
        if code not in rows:
            rows[code] = _row(code, name, "2025", CLASS_SOURCE, [n for n in (superseded(code, name),) if n])
    for record in old_rows:
        code = record["code"]
        if code in rows:
            continue
        name = strip_vendor_suffix(code, record["name"], old, suffixes)
        note = [f"printed {record['name']} (vendor suffix stripped)"] if name != record["name"] else []
        if _level(code) != record["level"]:
            raise ValueError(f"{code}: level {record['level']} does not match the code length")
        rows[code] = _row(code, name, OLD_EDITION, OLD_SOURCE, note)
    return [rows[code] for code in sorted(rows)]


def _row(code: str, name: str, edition: str, source: str, notes: list[str]) -> dict[str, str]:
    return {"code": code, "name": name, "level": _level(code), "edition": edition, "source": source,
            "note": "; ".join(notes)}


# ---------------------------------------------------------------- economic

DEPT_EDITION = "2018+ (after 财预〔2017〕98号)"
CROSSWALK = "政府预算和部门预算支出经济分类科目对照表 (SOURCES.md (a))"
HDU_LIST = "部门预算支出经济分类科目, hd-u.com 2020-07-24 (SOURCES.md (b))"
HDU_CODES = {"301", "30101", "30102", "30103", "30106", "30107", "30108", "30109", "30110", "30111", "30112"}
LEGACY_SOURCE = (
    "shared/catalogs/economic_subjects_dept_legacy.csv <- GitHub Jackjet/supervise@c52b8076 "
    "04_insertTables.sql (ELE_BUDGET_SUBJECT_ITEM)"
)
LEGACY_NOTE = "code unchanged in the 2018 edition is assumed; verify"
# SOURCES.md names these as belonging to the old classification only.
LEGACY_ONLY = {"30104", "30105", "30212", "30217", "30311", "304", "308"}
# 2025 names the seed prints for department codes whose current-edition row is missing.
SEED_DEPT_NAMES = {"303": "对个人和家庭的补助", "30307": "医疗费补助", "310": "资本性支出"}
SEED_TABLE = f"seed {SEED_ID} (一般公共预算安排基本支出分经济科目表)"
# Government-side names printed by the seed with codes only a fixture supports.
FIXTURE = (
    "public code fixture cited in shared/catalogs/SOURCES.md (find_string id 60284080812: a salary-matching "
    "simulation page 'taken from a real page'), pairs 30101/30107/30113->50501, 30228->50502, 30302->50905"
)
FIXTURE_GOV = {"50501": "工资福利支出", "50502": "商品和服务支出", "50905": "离退休费"}


def seed_economic_pairs(lines: list[str]) -> list[tuple[str, str]]:
    """(department name, government name) rows of the seed's 基本支出分经济科目表."""
    start = next(i for i, line in enumerate(lines) if "基本支出分经济科目表" in line and line.startswith("##"))
    pairs: list[tuple[str, str]] = []
    for line in lines[start + 1:]:
        if line.startswith("#"):
            break
        cells = line.split("\t")
        if len(cells) >= 3 and cells[0].strip() and cells[0] not in {"合计", "部门预算支出经济科目名称"}:
            if re.search(r"\d", cells[2]):
                pairs.append((cells[0].strip(), cells[1].strip()))
    return pairs


def economic_rows(lines: list[str], catalogs: Path) -> list[dict[str, str]]:
    pairs = seed_economic_pairs(lines)
    seed_dept = {dept for dept, _ in pairs}
    seed_gov = {gov for _, gov in pairs if gov}
    rows: list[dict[str, str]] = []
    seen: set[str] = set()

    def add(code: str, name: str, scheme: str, edition: str, source: str, notes: list[str]) -> None:
        printed = seed_dept if scheme == "dept" else seed_gov
        if name in printed:
            notes = [*notes, "name printed in the seed's 基本支出分经济科目表"]
        rows.append({"code": code, "name": name, "level": "1" if len(code) == 3 else "2", "scheme": scheme,
                     "edition": edition, "source": source, "note": "; ".join(notes)})
        seen.add(f"{scheme}:{code}")

    for record in _read_csv(catalogs / "economic_subjects_dept.csv"):
        code = record["code"]
        where = [CROSSWALK] * (code != "30107") + [HDU_LIST] * (code in HDU_CODES)
        add(code, record["name"], "dept", DEPT_EDITION,
            "shared/catalogs/economic_subjects_dept.csv <- " + " + ".join(where), [])
    for record in _read_csv(catalogs / "economic_subjects_gov.csv"):
        add(record["code"], record["name"], "gov", DEPT_EDITION,
            f"shared/catalogs/economic_subjects_gov.csv <- {CROSSWALK}, government columns", [])
    for code, name in FIXTURE_GOV.items():
        add(code, name, "gov", "2018+ (fixture, unverified)", FIXTURE,
            ["weak evidence: a fixture, not a list; the seed prints the same department/government pairs"])
    add("30231", "公务用车运行维护费", "dept", "2018+ (code from the task brief, unverified)",
        "task brief (code); no list in shared/catalogs has it (the legacy edition predates it)",
        ["not from a catalog source: verify against the official 支出经济分类科目"])
    add("30217", "公务接待费", "dept", "2018+ name (RECORDS/三公 tables), pre-2018 code, unverified",
        "name: the 公务接待费 row of 财政拨款安排“三公”经费支出预算表 (seed); code: legacy list 30217 招待费",
        ["legacy name 招待费; the 2018 edition renamed it: verify against the official 支出经济分类科目"])
    for record in _read_csv(catalogs / "economic_subjects_dept_legacy.csv"):
        code = record["code"]
        if f"dept:{code}" in seen:
            continue
        if code in SEED_DEPT_NAMES:
            add(code, SEED_DEPT_NAMES[code], "dept", "2025 name (seed), pre-2018 code",
                f"name: {SEED_TABLE}; code: {LEGACY_SOURCE}",
                [f"legacy name {record['name']}", LEGACY_NOTE])
            continue
        notes = [LEGACY_NOTE]
        if code in LEGACY_ONLY:
            notes.append("SOURCES.md lists this code as old-classification only; for pre-2018 documents")
        add(code, record["name"], "dept", "pre-2018", LEGACY_SOURCE, notes)
    return sorted(rows, key=lambda r: (r["scheme"], r["code"]))


def unmatched_seed_names(lines: list[str], rows: list[dict[str, str]]) -> tuple[set[str], set[str]]:
    """Seed economic names (department, government) that no row carries: listed as missing in README."""
    names = {(r["scheme"], normalize(r["name"])) for r in rows}
    pairs = seed_economic_pairs(lines)
    dept = {d for d, _ in pairs if ("dept", normalize(d)) not in names}
    gov = {g for _, g in pairs if g and ("gov", normalize(g)) not in names}
    return dept, gov


def main(argv: list[str]) -> None:
    seed = Path(argv[1]) if len(argv) > 1 else DEFAULT_SEED
    catalogs = Path(argv[2]) if len(argv) > 2 else DEFAULT_CATALOGS
    lines = seed.read_text(encoding="utf-8").splitlines()
    functional = functional_rows(lines, catalogs)
    _write_csv(OUT_DIR / "functional_subjects.csv", FUNCTIONAL_FIELDS, functional)
    economic = economic_rows(lines, catalogs)
    _write_csv(OUT_DIR / "economic_subjects.csv", ECONOMIC_FIELDS, economic)
    print(f"functional: {len(functional)} rows; economic: {len(economic)} rows")
    print(f"editions: {Counter(r['edition'] for r in functional)}; {Counter(r['edition'] for r in economic)}")
    dept, gov = unmatched_seed_names(lines, economic)
    print(f"seed names without a row: dept {sorted(dept)}; gov {sorted(gov)}")


if __name__ == "__main__":
    main(sys.argv)
