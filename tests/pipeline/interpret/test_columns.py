"""Year-agnostic column keys."""

from __future__ import annotations

from pipeline.interpret.columns import column_key, column_year


def test_column_keys_drop_the_year_and_generic_header_words() -> None:
    assert column_key("2025年预算数/基本支出") == ("基本支出",)
    assert column_key("2025预算数/合计") == ("合计",)
    assert column_key("支出/2025年合计") == ("支出", "合计")
    assert column_key("收入/2025年") == ("收入",)
    assert column_key("本年收入/合计") == ("本年收入", "合计")


def test_another_year_gives_the_same_key() -> None:
    for path in ("2025年预算数/合计", "支出/2025年合计", "2025年财政拨款/一般公共预算"):
        assert column_key(path.replace("2025", "2026")) == column_key(path)
        assert column_key(path.replace("2025", "2019")) == column_key(path)


def test_the_year_a_column_names() -> None:
    assert column_year("2026年预算数/合计") == 2026
    assert column_year("支出/2025合计") == 2025
    assert column_year("本年收入/合计") is None


def test_the_analysts_column_says_years_relative_to_the_fiscal_year() -> None:
    from pipeline.interpret.columns import agnostic_column

    assert agnostic_column("2025年预算数/合计", 2025) == "本年预算数/合计"
    assert agnostic_column("2025预算数/合计", 2025) == "本年预算数/合计"  # the spelling without 年
    assert agnostic_column("2026年预算数/合计", 2026) == "本年预算数/合计"
    assert agnostic_column("支出/2025年合计", 2025) == "支出/本年合计"
    assert agnostic_column("收入/2025年", 2025) == "收入/本年"
    assert agnostic_column("2024年预算数/合计", 2025) == "上年预算数/合计"
    assert agnostic_column("2020年决算数", 2025) == "2020年决算数"  # too far to name relatively
    assert agnostic_column("2025年预算数/合计", None) == "2025年预算数/合计"  # no year known: as printed
    assert agnostic_column("本年收入/一般公共预算", 2025) == "本年收入/一般公共预算"
