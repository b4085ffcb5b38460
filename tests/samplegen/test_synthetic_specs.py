"""The synthetic departments built by samples/spec/synthetic.py: their committed specs are what the
builders write, and the truth shows what each was made for."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

SPEC_DIR = Path(__file__).resolve().parents[2] / "samples" / "spec"
SAMPLES = SPEC_DIR.parent


def _builder(name: str):
    sys.path[:0] = [str(SPEC_DIR)]
    try:
        spec = importlib.util.spec_from_file_location(f"build_{name}", SPEC_DIR / f"build_{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(SPEC_DIR))


def _facts(name: str) -> list[dict]:
    path = SAMPLES / name / "truth" / f"{name}_digital.records.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("builder, name", [("yingxian", "yingxian_agriculture"), ("tianzhen", "tianzhen_health")])
def test_the_committed_spec_is_what_its_builder_writes(builder: str, name: str) -> None:
    doc, checks = _builder(builder).build()
    assert len(checks) >= 12
    written = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    assert written == (SPEC_DIR / f"{name}.json").read_text(encoding="utf-8")


def test_yingxian_is_a_2026_disclosure_with_funds_and_carryover() -> None:
    doc = json.loads((SPEC_DIR / "yingxian_agriculture.json").read_text(encoding="utf-8"))
    assert doc["year"] == 2026
    assert all("2025年" not in t["title"] for t in doc["tables"])
    assert any("2026年" in t["title"] for t in doc["tables"])
    facts = _facts("yingxian_agriculture")
    by_table = {f["table"] for f in facts}
    assert {"gov_fund_income", "gov_fund_expenditure", "project_carryover"} <= by_table
    assert {f["code"][:3] for f in facts if f["code"] and len(f["code"]) == 7} >= {"213", "212", "208", "210", "221"}
    assert max(float(f["value"]) for f in facts if f["kind"] == "number" and f["unit"] == "万元") > 1000
    assert len({f["form"] for f in facts if f["table"] == "performance_project"}) == 4


def test_tianzhen_prints_its_empty_tables_as_a_note_without_rows() -> None:
    doc = json.loads((SPEC_DIR / "tianzhen_health.json").read_text(encoding="utf-8"))
    empty = [t for t in doc["tables"]
             if t["kind"] in ("gov_fund_income", "gov_fund_expenditure", "state_capital", "project_carryover")]
    assert len(empty) == 4
    assert all(t["note"] == "注：本表无数据" and len(t["rows"]) == t["header_rows"] for t in empty)
    facts = _facts("tianzhen_health")
    assert not {f["table"] for f in facts} & {t["kind"] for t in empty}
    assert {f["code"][:3] for f in facts if f["code"] and len(f["code"]) == 7} >= {"210", "208", "221"}
    assert doc["narrative"] and any("卫生健康支出" in p for p in doc["narrative"])
