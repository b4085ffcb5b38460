"""Each OCR variant the seed disclosure really shows, matched back to its canonical form.

The strings are the seed's own (../shared/seed/000_6c1c086a26e80980.txt); the
expected spellings are the canonical ones the pipeline must emit.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from models import BBox, Evidence, TableKind
from pipeline.check.catalog import load_default
from pipeline.check.codes import assign_codes
from pipeline.interpret.facts import DraftFact
from pipeline.interpret.forms import indicator_name, match_key
from pipeline.check.match import canonical_labels
from pipeline.text import normalize


def _draft(kind: TableKind, row: int, code: str | None, label: str, value: str, column: str = "三级目录",
           value_kind: str = "text") -> DraftFact:
    return DraftFact(table_index=0, kind=kind, page=1, row=row, col=1, code=code, code_source="printed" if code else None,
                     labels=(label,), raw_labels=(label,), column=column, value=value, value_kind=value_kind, unit=None,
                     raw=value, evidence=Evidence(ocr_confidence=0.95), bbox=BBox(0, 0, 1, 1), reasons=())


@pytest.fixture(scope="module")
def catalog():
    return load_default()


def test_anquan_zonge_is_the_form_key_zijin_zonge() -> None:
    # Printed 实施期安全总额： / 年度安全总额： on the 专项业务经费 form.
    assert match_key("实施期安全总额：").key == "实施期资金总额"
    assert match_key("年度安全总额:").key == "年度资金总额"


def test_traditional_jiaotong_yunshu_matches_the_catalog_name(catalog) -> None:
    # 目录 page: "A13  交通運輸公共服务".
    [fixed] = canonical_labels([_draft(TableKind.PROCUREMENT_CATALOG, 1, "A13", "交通運輸公共服务", "交通運輸公共服务",
                                       column="二级目录")], catalog, 80.0)
    assert fixed.value == "交通运输公共服务" and fixed.labels == ("交通运输公共服务",)
    assert fixed.raw_labels == ("交通運輸公共服务",)


def test_traditional_kechixu_is_the_indicator_name() -> None:
    # 整体绩效目标表: "生态效益指标 | 可持續影响指标".
    assert indicator_name("可持續影响指标") in ("可持续影响指标", "可持续影响")
    assert normalize("可持續") == "可持续"


@pytest.mark.parametrize(("printed", "expected"), [("00301", "B0301"), ("004", "B04"), ("01001", "B1001")])
def test_catalog_codes_that_lost_their_letter(printed: str, expected: str) -> None:
    before = _draft(TableKind.PROCUREMENT_CATALOG, 1, "B03", "会计审计服务", "会计审计服务", column="二级目录")
    lost = _draft(TableKind.PROCUREMENT_CATALOG, 2, printed, "名称", "名称")
    fixed = assign_codes([before, lost], load_default(), 80.0)
    assert fixed[1].code == expected


def test_a_code_without_letter_and_no_neighbour_is_not_forced() -> None:
    [alone] = assign_codes([_draft(TableKind.PROCUREMENT_CATALOG, 1, "00301", "会计服务", "会计服务")], load_default(), 80.0)
    assert alone.code is None and "unmatched_label" in alone.reasons


def test_doubled_word_jianyan_jiance_jiance(catalog) -> None:
    # 目录 page: "A1702  检验检测检测及认证服务".
    [fixed] = canonical_labels([_draft(TableKind.PROCUREMENT_CATALOG, 1, "A1702", "检验检测检测及认证服务",
                                       "检验检测检测及认证服务")], catalog, 80.0)
    assert fixed.value == "检验检测及认证服务"


def test_and_inside_chinese_text() -> None:
    # 第一部分 概况: "推进流通产业结构调整 and 连锁经营".
    assert normalize("推进流通产业结构调整 and 连锁经营") == "推进流通产业结构调整和连锁经营"


def test_one_units_name_read_three_ways_gets_one_spelling(catalog) -> None:
    unit_row = _draft(TableKind.PROJECT_CURRENT, 5, None, "山阴县外商外资联络服务中心", "138.20", column="合计",
                      value_kind="number")
    forms = [replace(_draft(TableKind.PERFORMANCE_PROJECT, r, None, "实施单位", printed), table_index=r)
             for r, printed in ((10, "山阴县外经外贸联络服务中心"), (11, "山阴县外贸外贸联络服务中心"))]
    fixed = canonical_labels([unit_row, *forms], catalog, 80.0)
    assert [f.value for f in fixed[1:]] == ["山阴县外商外资联络服务中心"] * 2


def test_a_name_far_from_the_catalog_is_kept_and_flagged(catalog) -> None:
    [kept] = canonical_labels([_draft(TableKind.PROCUREMENT_CATALOG, 1, "A0101", "完全不同的服务名称", "完全不同的服务名称")],
                              catalog, 80.0)
    assert kept.value == "完全不同的服务名称" and "code_name_mismatch" in kept.reasons
