"""The second engine's opinion: which cells it reads, and how agreement is measured."""

from __future__ import annotations

import pytest

from _images import blank, draw_table, page_grids, put_text
from pipeline.read.cells import read_grid
from pipeline.read.crosscheck import CrossCheck, agreement, vocabulary_keys
from pipeline.ocr.base import LineReading
from pipeline.ocr.fake import FakeEngine
from pipeline.engines import packaged_vocabulary
from pipeline.settings import Settings

KNOWN = vocabulary_keys(["一般公共服务支出", "项目名称", "合计"])


def check(engine: FakeEngine | None = None) -> CrossCheck:
    return CrossCheck(engine=engine or FakeEngine(lambda image: LineReading("", 0.0)), known=KNOWN)


@pytest.mark.parametrize("text", ["", "  ", "1030.50", "1,234,567.00", "-12", "2010101", "B0301", "A05", "一般公共服务支出",
                                  "一、一般公共服务支出", "（一）项目名称", "合 计"])
def test_numbers_and_known_words_are_not_read_twice(text: str) -> None:
    assert not check().wants(text)


@pytest.mark.parametrize("text", ["义务教育阶段学校公用经费保障资金", "≥720元/生·年", "100%", "开学后一个月",
                                  "一般公共服务支出合计数"])
def test_prose_names_and_indicator_values_are_read_twice(text: str) -> None:
    assert check().wants(text)


def test_the_packaged_vocabulary_holds_catalog_names_headers_form_keys_and_titles() -> None:
    known = packaged_vocabulary()
    cross = CrossCheck(engine=FakeEngine(lambda image: LineReading("", 0.0)), known=known)
    for word in ("行政运行", "基本支出", "实施期资金总额", "项目支出绩效目标表", "物业管理服务"):
        assert not cross.wants(word), word


@pytest.mark.parametrize(("first", "second"), [
    ("207-阳高县教育局（部门）", "207-阳高县教育局(部门)"),  # full and half width
    ("促进义务教育优质均衡发展。", "促进义务教育优质均衡发展."),  # Tesseract's full stop
    ("改善农村学校体育设施条件", "|改善农村学校体育设施条件"),  # line residue read as a bar
    ("（国发〔2015〕67号）", "(国发[2015]67号)"),  # square brackets in either style
    ("按照“公开、公平”原则", '按照"公开、公平"原则'),
    ("≥14000人", ">=14000人"),
    ("≥99%", "二99%"),  # Tesseract's chi_sim reads the leading ≥ as many things
    ("≤250元/人次", "<250元/人次"),
    ("≥95%", "295%"),  # ... or as 2
])
def test_readings_that_differ_only_in_style_agree_fully(first: str, second: str) -> None:
    assert agreement(first, second) == 1.0


def test_a_lost_bracket_or_dot_lowers_agreement_by_about_one_character() -> None:
    full = "2024年义务教育薄弱环节改善与能力提升补助资金（阳财教〔2024〕58号）"
    lost = full.replace("〕", "", 1)
    assert 0.95 < agreement(full, lost) < 1.0
    assert agreement("720元/生·年", "720元/生年") < agreement(full, lost)  # a short value feels it more
    assert agreement("（2015）", "〔2015〕") < 1.0  # round and square brackets stay apart
    assert agreement("295%", "≥95%") < 1.0 and agreement("95%", "295%") < 1.0  # a 2 is a sign only after one


def test_only_wanted_cells_are_read_again_and_carry_their_agreement() -> None:
    gray = blank(700, 900)
    xs, ys = [100, 340, 820], [300 + i * 56 for i in range(4)]
    table = draw_table(gray, xs, ys)
    for r in range(3):
        put_text(gray, table.cell_origin(r, 0, 16, 12), "项目名称")
        put_text(gray, table.cell_origin(r, 1, 16, 12), "1030.50")
    found = page_grids(gray)
    answers = iter(["项目名称", "1030.50", "校舍维修改造", "1030.50", "体育器材", "1030.50"])
    primary = FakeEngine(lambda image: LineReading(next(answers), 0.99))
    second_texts = iter(["校舍维修改造", "体育器村"])
    second = FakeEngine(lambda image: LineReading(next(second_texts), 0.8))
    grid = read_grid(found.grids[0], gray, found.text_ink, found.char_height, primary, Settings().blank_ink_frac,
                     check(second))
    by_text = {cell.text: cell.evidence.agreement for cell in grid.cells}
    assert second.calls == 2  # the two project names, not the key word and not the numbers
    assert by_text["校舍维修改造"] == 1.0
    assert by_text["体育器材"] == pytest.approx(0.75)
    assert {cell.text: cell.second_text for cell in grid.cells}["体育器材"] == "体育器村"
    assert by_text["项目名称"] is None and by_text["1030.50"] is None
