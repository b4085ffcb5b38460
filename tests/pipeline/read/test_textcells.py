"""Text-layer glyphs read as OCR would read the same box: lines, phrases, wrapped cells."""

from __future__ import annotations

from models import BBox
from pipeline.read.textcells import join_lines, line_text, lines_of, phrases_in
from pipeline.read.textlayer import Glyph

CH = 20.0  # glyph height, pixels


def _glyphs(text: str, x: float, y: float, advance: float = 20.0) -> list[Glyph]:
    return [Glyph(ch, BBox(x + i * advance, y, x + i * advance + 18, y + CH)) for i, ch in enumerate(text)]


def test_glyphs_group_into_lines_top_to_bottom_left_to_right() -> None:
    # Given out of order, the second line slightly lower on its right (a baseline wobble).
    first, second = _glyphs("一般公共", 10, 10), _glyphs("服务支出", 10, 40)
    second[-1] = Glyph("出", BBox(70, 44, 88, 64))
    lines = lines_of(second[::-1] + first[::-1])
    assert ["".join(g.text for g in line) for line in lines] == ["一般公共", "服务支出"]


def test_a_space_separates_latin_words_only() -> None:
    line = _glyphs("PPP", 10, 10, advance=12) + _glyphs("Loan", 60, 10, advance=12) + _glyphs("项目", 120, 10)
    assert line_text(line) == "PPP Loan项目"


def test_wrapped_lines_join_as_ocr_lines_do() -> None:
    assert join_lines(["山阴县商务局行政", "运行经费", ""]) == "山阴县商务局行政运行经费"
    assert join_lines(["Public", "Service"]) == "Public Service"


def test_a_title_line_splits_into_phrases_at_a_wide_gap() -> None:
    glyphs = _glyphs("部门名称：山阴县商务局", 10, 10) + _glyphs("单位：万元", 600, 10)
    phrases = phrases_in(glyphs, BBox(0, 0, 800, 50), CH)
    assert [p.text for p in phrases] == ["部门名称：山阴县商务局", "单位：万元"]
    assert all(p.confidence == 1.0 for p in phrases)
    assert phrases[1].bbox.x0 == 600
    (whole,) = phrases_in(glyphs, BBox(0, 0, 800, 50), CH, split_phrases=False)
    assert whole.text == "部门名称：山阴县商务局单位：万元"


def test_only_glyphs_centred_in_the_box_count() -> None:
    glyphs = _glyphs("合计", 10, 10) + _glyphs("1030.50", 100, 10, advance=10)
    assert [p.text for p in phrases_in(glyphs, BBox(95, 0, 200, 50), CH)] == ["1030.50"]
