"""Comparison keys and number parsing on strings as the seed disclosure's OCR printed them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.text import brackets_balanced, collapse_doubled, normalize, parse_decimal, strip_enumeration, to_simplified


def test_traditional_and_simplified_share_a_key() -> None:
    assert normalize("交通運輸公共服务") == normalize("交通运输公共服务") == "交通运输公共服务"
    assert normalize("公共信息系統开发与维护服务") == "公共信息系统开发与维护服务"


def test_ocr_and_between_cjk_becomes_he() -> None:
    printed = "推进流通产业结构调整 and 连锁经营"
    assert normalize(printed) == "推进流通产业结构调整和连锁经营"
    assert normalize("Brand and Logo") == "BrandandLogo"  # only between CJK characters


def test_wrapped_cell_whitespace_is_removed() -> None:
    assert normalize("农业、林业和水利 公共服务") == normalize("农业、林业和水利公共服务")
    assert normalize("二十二、国有资本经营 预算支出") == "二十二、国有资本经营预算支出"
    assert normalize("政府履职\u3000辅助性服务\n") == "政府履职辅助性服务"


def test_full_width_forms_and_brackets_compare_equal() -> None:
    assert normalize("维修（护）费") == normalize("维修(护)费") == normalize("维修〔护〕费")
    assert normalize("【2025】") == normalize("[2025]") == normalize("（２０２５）")
    assert normalize("ＡＢＣ１２３") == "ABC123"


def test_normalize_does_not_collapse_or_strip() -> None:
    # Keys only: doubled words and enumerations are separate, explicit steps.
    assert normalize("检验检测检测及认证服务") == "检验检测检测及认证服务"
    assert normalize("一、一般公共服务支出") == "一、一般公共服务支出"


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("检验检测检测及认证服务", "检验检测及认证服务"),
        ("野生动物疫病疫病监测服务", "野生动物疫病监测服务"),
        ("政务服务窗口受理服务（仅限集中受理受理）", "政务服务窗口受理服务（仅限集中受理）"),
        ("检测检测检测", "检测"),
        ("常常", "常常"),  # a single repeated character is left alone
        ("行政运行", "行政运行"),
    ],
)
def test_collapse_doubled(printed: str, expected: str) -> None:
    assert collapse_doubled(printed) == expected


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("一、一般公共服务支出", "一般公共服务支出"),
        ("十六、商业服务业等支出", "商业服务业等支出"),
        ("三十、抗疫特别国债安 排的支出", "抗疫特别国债安 排的支出"),
        ("（一）政府购买服务指导性目录", "政府购买服务指导性目录"),
        ("(1) 基本工资", "基本工资"),
        ("1. 整体绩效目标", "整体绩效目标"),
        ("1、整体绩效目标", "整体绩效目标"),
        ("①公务用车购置费", "公务用车购置费"),
        ("②公务用车运行维护费", "公务用车运行维护费"),
        ("行政运行", "行政运行"),
        ("2011301", "2011301"),
        ("1030.50", "1030.50"),
    ],
)
def test_strip_enumeration(printed: str, expected: str) -> None:
    assert strip_enumeration(printed) == expected


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("1,030.50", Decimal("1030.50")),
        ("1030.50", Decimal("1030.50")),
        ("2,272.82", Decimal("2272.82")),
        ("１，０３０．５０", Decimal("1030.50")),
        (" 16.87 ", Decimal("16.87")),
        ("1 950 000", Decimal("1950000")),
        ("0", Decimal("0")),
        ("-3.20", Decimal("-3.20")),
    ],
)
def test_parse_decimal(printed: str, expected: Decimal) -> None:
    value = parse_decimal(printed)
    assert value == expected
    assert value is not None and str(value) == str(expected)  # printed decimals kept


@pytest.mark.parametrize("printed", ["—", "", "  ", "-", "万元", "≥300家", "1.2.3", None])
def test_parse_decimal_rejects_non_numbers(printed: str | None) -> None:
    assert parse_decimal(printed) is None


def test_to_simplified_is_identity_on_simplified_text() -> None:
    assert to_simplified("其他社会保障和就业支出") == "其他社会保障和就业支出"


@pytest.mark.parametrize(("text", "balanced"), [
    ("2024年义务教育薄弱环节改善与能力提升补助资金（阳财教〔2024〕58号）", True),
    ("2024年义务教育薄弱环节改善与能力提升补助资金（阳财教〔202458号)", False),  # 〕 lost (阳高 harsh scan)
    ("《国务院关于进一步完善城乡义务教育经费保障机制的通知》(国发2015〕67号)", False),  # 〔 lost
    ("晋财资环〔2023〕62号（朔财建二〔2023〕24号）（山财建〔2023〕21号）", True),  # the seed's, OCR style mixed
    ("《2025年乡村e镇（第一批)省级资金》（晋财资环〔2025〕62号)", True),
    ("《2025年乡村e镇（第一批)省级资金）（晋财资环〔2025〕62号)", False),  # 》 read as ）
    ("1）组织培训；2）开展研修", True),  # enumerations close what nothing opened
    ("一般公共服务支出", True),
])
def test_lost_brackets_are_found(text: str, balanced: bool) -> None:
    assert brackets_balanced(text) is balanced


def test_a_round_bracket_closed_after_a_word_lost_its_opening() -> None:
    from pipeline.text import brackets_balanced

    assert not brackets_balanced("303-应县农业农村局部门)")  # （部门） with its （ lost
    # Closing what nothing opened after a list number is how lists are numbered.
    assert brackets_balanced("1）提高效率；2）降低成本") and brackets_balanced("一）总体目标") and brackets_balanced("a) 其他")


def test_a_run_of_marks_between_chinese_words_keeps_its_first() -> None:
    from pipeline.text import one_mark_between_words

    assert one_mark_between_words("短板突出；.道路、供排水") == "短板突出；道路、供排水"
    assert one_mark_between_words("开展，,。工作") == "开展，工作"
    # Not between two Chinese characters: numbers, ends and a single mark are left alone.
    for text in ("3.5万元", "合格率≥95%，。孕产妇", "落实。", "突出；道路"):
        assert one_mark_between_words(text) == text
