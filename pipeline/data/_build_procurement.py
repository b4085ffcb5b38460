"""Rebuild ``procurement_catalog.csv`` from the seed disclosure (maintenance script, not used at run time).

    .venv/bin/python -m pipeline.data._build_procurement [SEED] [OUT]

The seed prints the 山西省政府购买服务指导性目录 several times over, each copy with
different OCR errors. Every printed row is parsed, codes are repaired by
structure, readings are voted per code on their normalised key, and the few
ties are settled by the hand decisions in ``TIE_DECISIONS`` (each with its
reason). The script fails if a tie appears that has no hand decision.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.text import collapse_doubled, normalize, to_simplified

SEED_ID = "000_6c1c086a26e80980"
DEFAULT_SEED = Path("/work/shared/seed") / f"{SEED_ID}.txt"
DEFAULT_OUT = Path(__file__).with_name("procurement_catalog.csv")
EDITION = "山西省 (seed 2025)"
HEADER = "代码\t一级目录\t二级目录\t三级目录"
VALID_CODE = re.compile(r"^[AB](?:\d\d){0,2}$")
LETTER_LOST = re.compile(r"^0((?:\d\d){1,2})$")  # 004, 00301, 01001: the letter B read as 0

# Hand decisions for codes whose copies disagree with no majority (code -> (chosen, why)).
TIE_DECISIONS: dict[str, tuple[str, str]] = {
    "A1405": (
        "灾后恢复服务",
        "tie 1:1; kept the first printing's reading: 灾后恢复 is the standard stage term after "
        "救援救助 in this group, 防疫 belongs to A05 卫生健康; low confidence",
    ),
    "A1502": (
        "公共公益宣传服务",
        "tie 1:1; the parent is 公共信息与宣传服务 and needs a 宣传 item, while 公共信息发布 repeats "
        "the words of the row above (A1501 公共信息服务), a typical copy-from-neighbour OCR error; low confidence",
    ),
    "A1503": (
        "公共公益展览服务",
        "tie 1:1; same copy and same reasoning as A1502 (the other copy repeats 公共信息 from A1501); "
        "low confidence",
    ),
    "A1602": (
        "行业调查与处置服务",
        "tie 1:1; 调查与处置 is an established collocation, 调查与设置 is not",
    ),
    "A1802": (
        "农村金融普惠服务",
        "tie 1:1; kept the first printing's reading: 普惠 is the specific term (普惠金融), 发展服务 is "
        "generic filler found in other rows; low confidence",
    ),
    "A1806": (
        "政务服务窗口受理服务（仅限集中受理事项）",
        "tie 1:1; the other reading ends in the doubled word 受理受理, an OCR repetition",
    ),
    "B02": (
        "课题研究和社会调查服务",
        "tie 1:1 (和 vs 及); no structural evidence, kept the first printing's reading; low confidence",
    ),
}

# Remarks on codes where the vote stands but a reader should know more (the name is not changed).
ADVISORIES: dict[str, str] = {
    "A14": "every other 二级目录 name ends in 服务, so the minority reading 灾害防治及应急管理服务 may be the "
    "printed original; verify against the official list",
    "A1303": "four different readings in five copies; verify against the official list",
}


@dataclass(frozen=True)
class Reading:
    code: str
    printed_code: str
    text: str
    copy: int  # index of the printed block (page) the row came from
    line: int
    placed_between: tuple[str, str] | None = None  # valid codes around a repaired code


def _blocks(lines: list[str]) -> list[list[tuple[int, str]]]:
    """Each printed catalog page: the rows after a 代码/一级目录/… header up to the first blank line."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] | None = None
    for number, line in enumerate(lines, start=1):
        if line.strip() == HEADER:
            current = []
            blocks.append(current)
        elif current is not None and not line.strip():
            current = None
        elif current is not None:
            current.append((number, line))
    return blocks


def _raw_rows(lines: list[str]) -> list[tuple[int, int, str, str]]:
    rows: list[tuple[int, int, str, str]] = []
    for copy, block in enumerate(_blocks(lines)):
        for number, line in block:
            cells = line.split("\t")
            name = next((c for c in cells[1:] if c.strip()), "")
            rows.append((copy, number, cells[0].strip(), name))
    return rows


def _repair_codes(rows: list[tuple[int, int, str, str]]) -> list[Reading]:
    """Give back the letter to codes printed as 004 / 00301 / 01001, from the valid codes around them."""
    readings: list[Reading] = []
    for index, (copy, number, printed, name) in enumerate(rows):
        if VALID_CODE.match(printed):
            readings.append(Reading(printed, printed, name, copy, number))
            continue
        lost = LETTER_LOST.match(printed)
        if not lost:
            raise ValueError(f"line {number}: unrepairable code {printed!r}")
        before = next(r[2] for r in reversed(rows[:index]) if VALID_CODE.match(r[2]))
        after = next(r[2] for r in rows[index + 1 :] if VALID_CODE.match(r[2]))
        letter = before[0]
        candidate = letter + lost.group(1)
        if letter != after[0] or not before[1:3] <= candidate[1:3] <= after[1:3]:
            raise ValueError(f"line {number}: cannot place {printed!r} between {before} and {after}")
        readings.append(Reading(candidate, printed, name, copy, number, (before, after)))
    return readings


def _canonical(text: str) -> str:
    """Printed spelling minus OCR artefacts: wrapped-cell spaces, traditional forms."""
    return to_simplified(re.sub(r"\s+", "", text))


def _level(code: str) -> int:
    return {1: 1, 3: 2, 5: 3}[len(code)]


def _decide(code: str, readings: list[Reading]) -> dict[str, str]:
    keys = Counter(normalize(r.text) for r in readings)
    ranked = keys.most_common()
    total = len(readings)
    notes: list[str] = []
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        if code not in TIE_DECISIONS:
            raise ValueError(f"{code}: tie {ranked} needs a hand decision")
        chosen_text, why = TIE_DECISIONS[code]
        chosen_key = normalize(chosen_text)
        if chosen_key not in keys:
            raise ValueError(f"{code}: hand decision {chosen_text!r} is not among the readings")
        notes.append(f"hand decision: {why}")
    else:
        chosen_key = ranked[0][0]
        if len(ranked) > 1 and ranked[0][1] * 2 <= total:
            notes.append("plurality, not majority")
    votes = keys[chosen_key]
    winner = next(r for r in readings if normalize(r.text) == chosen_key)
    name = _canonical(winner.text)
    collapsed = collapse_doubled(name)
    if collapsed != name:
        notes.append(f"doubled word removed (printed {name})")
        name = collapsed
    if len(ranked) > 1:
        others = "; ".join(f"{_canonical(next(r.text for r in readings if normalize(r.text) == k))} ×{n}"
                           for k, n in ranked if k != chosen_key)
        notes.append(f"competing readings: {others}")
    traditional = sorted({r.text for r in readings if to_simplified(r.text) != r.text})
    if traditional:
        notes.append(f"traditional form printed in a copy ({', '.join(traditional)}), compared as simplified")
    spaced = sum(1 for r in readings if re.search(r"\s", r.text.strip()))
    if spaced:
        notes.append(f"wrapped-cell space removed ({spaced}/{total} copies)")
    for reading in readings:
        if reading.placed_between:
            before, after = reading.placed_between
            notes.append(
                f"code printed as {reading.printed_code}: the letter was read as 0; the row lies between "
                f"{before} and {after} in the printed order, so the letter is {code[0]}"
            )
    if code in ADVISORIES:
        notes.append(ADVISORIES[code])
    return {
        "code": code,
        "name": name,
        "level": str(_level(code)),
        "edition": EDITION,
        "source": f"seed {SEED_ID}: {votes}/{total} copies",
        "note": "; ".join(notes),
    }


def build(seed: Path) -> list[dict[str, str]]:
    lines = seed.read_text(encoding="utf-8").splitlines()
    readings = _repair_codes(_raw_rows(lines))
    by_code: dict[str, list[Reading]] = {}
    for reading in readings:
        by_code.setdefault(reading.code, []).append(reading)
    unused = set(TIE_DECISIONS) - set(by_code)
    if unused:
        raise ValueError(f"hand decisions for codes not printed: {sorted(unused)}")
    return [_decide(code, by_code[code]) for code in sorted(by_code)]


def write(rows: list[dict[str, str]], out: Path) -> None:
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["code", "name", "level", "edition", "source", "note"])
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str]) -> None:
    seed = Path(argv[1]) if len(argv) > 1 else DEFAULT_SEED
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    rows = build(seed)
    write(rows, out)
    print(f"{len(rows)} rows -> {out}")


if __name__ == "__main__":
    main(sys.argv)
