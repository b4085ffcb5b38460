"""Page preparation on synthetic pages: ink under uneven light, glyph height, skew, quarter turns."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from _images import blank, put_text, text_box
from pipeline.image.preprocess import (
    binarize,
    estimate_skew,
    measure_char_height,
    rotate,
    rotate_quarter_turns,
    text_runs_are_vertical,
)
from pipeline.settings import Settings

BODY = "一般公共服务支出教育支出科学技术支出文化旅游体育与传媒支出社会保障和就业支出卫生健康支出"
BODY_SIZE = 28


def text_page(n_lines: int = 20, size: int = BODY_SIZE, width: int = 1000, height: int = 1400) -> np.ndarray:
    """Lines of body CJK text, 14 glyphs each, like the label column of a budget table."""
    gray = blank(height, width)
    for i in range(n_lines):
        start = (i * 3) % 20
        put_text(gray, (80, 100 + i * 55), BODY[start:start + 14], size=size)
    return gray


def drawn_glyph_height(size: int = BODY_SIZE) -> float:
    """Median ink height of the body glyphs as the font draws them."""
    heights = []
    for char in set(BODY):
        _, y0, _, y1 = text_box(char, size)
        heights.append(y1 - y0)
    return float(np.median(heights))


def with_ruled_table(gray: np.ndarray) -> np.ndarray:
    """Long ruling lines over the page: the skew signal of a real table page."""
    h, w = gray.shape
    for y in range(80, h - 80, 110):
        cv2.line(gray, (60, y), (w - 60, y), 0, 2)
    for x in (60, 500, w - 60):
        cv2.line(gray, (x, 80), (x, 80 + 110 * ((h - 160) // 110)), 0, 2)
    return gray


# --- binarize ---------------------------------------------------------------------


def test_binarize_finds_ink_under_a_lighting_gradient() -> None:
    page = text_page()
    for i in range(20):  # a second column of text, so every third of the page holds ink
        put_text(page, (540, 100 + i * 55), BODY[i % 10:i % 10 + 15])
    truth = page < 128
    # Paper goes from white on the left to dark grey (90) on the right; ink darkens with it.
    light = np.tile(np.linspace(1.0, 90 / 255, page.shape[1]), (page.shape[0], 1))
    lit = (page.astype(np.float64) * light).astype(np.uint8)
    # The gradient is strong enough to defeat one global threshold (the test would be pointless otherwise).
    _, global_ink = cv2.threshold(lit, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    assert (global_ink[~truth] > 0).mean() > 0.2

    ink = binarize(lit)
    assert ink.dtype == np.uint8 and set(np.unique(ink)) <= {0, 255}
    thirds = np.array_split(np.arange(page.shape[1]), 3)
    for cols in thirds:
        region_truth = truth[:, cols]
        region_ink = ink[:, cols] > 0
        assert region_ink[region_truth].mean() > 0.9, "ink lost"
        assert region_ink[~region_truth].mean() < 0.02, "paper read as ink"


# --- measure_char_height --------------------------------------------------------------


@pytest.mark.parametrize("size", [22, 28, 40])
def test_char_height_is_the_drawn_glyph_height(size: int) -> None:
    expected = drawn_glyph_height(size)
    measured = measure_char_height(binarize(text_page(size=size)))
    assert measured == pytest.approx(expected, rel=0.25)


def test_char_height_is_not_fooled_by_a_title_line() -> None:
    page = text_page(n_lines=6)
    put_text(page, (100, 20), "2025年一般公共预算支出预算表", size=64)
    measured = measure_char_height(binarize(page))
    assert measured == pytest.approx(drawn_glyph_height(), rel=0.25)


def test_char_height_ignores_ruling_lines() -> None:
    measured = measure_char_height(binarize(with_ruled_table(text_page())))
    assert measured == pytest.approx(drawn_glyph_height(), rel=0.25)


# --- estimate_skew / rotate -------------------------------------------------------------


@pytest.mark.parametrize("angle", [1.5, -1.2])
@pytest.mark.parametrize("ruled", [False, True], ids=["text", "table"])
def test_estimate_skew_returns_the_correction(angle: float, ruled: bool) -> None:
    page = text_page()
    if ruled:
        page = with_ruled_table(page)
    skewed = rotate(page, angle)
    settings = Settings()
    correction = estimate_skew(binarize(skewed), settings.deskew_max_deg, settings.deskew_step_deg)
    assert correction == pytest.approx(-angle, abs=0.15)
    # Passing it to rotate() leaves (almost) no skew.
    residual = estimate_skew(binarize(rotate(skewed, correction)), settings.deskew_max_deg, settings.deskew_step_deg)
    assert residual == pytest.approx(0.0, abs=0.15)


def test_an_upright_page_has_no_skew() -> None:
    settings = Settings()
    assert estimate_skew(binarize(text_page()), settings.deskew_max_deg, settings.deskew_step_deg) == pytest.approx(0.0, abs=0.15)


def test_rotate_keeps_size_and_fills_white() -> None:
    page = text_page()
    turned = rotate(page, 2.0)
    assert turned.shape == page.shape
    assert turned[0, 0] == 255 and turned[-1, -1] == 255


# --- quarter turns and reading direction ---------------------------------------------------


def test_rotate_quarter_turns_is_exact() -> None:
    rng = np.random.default_rng(7)
    page = rng.integers(0, 256, size=(31, 47), dtype=np.uint8)
    assert np.array_equal(rotate_quarter_turns(page, 0), page)
    assert np.array_equal(rotate_quarter_turns(page, 90), np.rot90(page, k=-1))
    assert np.array_equal(rotate_quarter_turns(page, 180), np.rot90(page, k=2))
    assert np.array_equal(rotate_quarter_turns(page, 270), np.rot90(page, k=1))
    assert np.array_equal(rotate_quarter_turns(page, 360), page)
    assert np.array_equal(rotate_quarter_turns(rotate_quarter_turns(page, 90), 270), page)


def test_text_runs_vertical_only_when_the_page_lies_on_its_side() -> None:
    page = text_page()
    char_height = measure_char_height(binarize(page))
    assert text_runs_are_vertical(binarize(page), char_height) is False
    assert text_runs_are_vertical(binarize(rotate_quarter_turns(page, 90)), char_height) is True
    assert text_runs_are_vertical(binarize(rotate_quarter_turns(page, 270)), char_height) is True
    assert text_runs_are_vertical(binarize(rotate_quarter_turns(page, 180)), char_height) is False


def test_toner_specks_do_not_pass_for_the_character_height() -> None:
    from pipeline.image.preprocess import binarize, measure_char_height

    gray = blank(1200, 900)
    for row in range(12):
        put_text(gray, (60, 60 + 60 * row), "行政运行 一般公共服务支出", size=30)
    clean = measure_char_height(binarize(gray))
    rng = np.random.default_rng(7)
    specked = gray.copy()
    for x, y in zip(rng.integers(0, 900, 600), rng.integers(0, 1200, 600)):  # a badly specked copy
        cv2.circle(specked, (int(x), int(y)), int(rng.integers(2, 4)), 0, -1)  # copier toner specks, 4-7 px
    assert abs(measure_char_height(binarize(specked)) - clean) <= 0.1 * clean


def test_a_bilevel_page_is_smoothed_for_reading_with_its_ink_where_it_was() -> None:
    from pipeline.image.preprocess import smoothed_for_reading

    page = np.full((200, 200), 255, dtype=np.uint8)
    page[60:100:2, 40:160] = 0  # stair-stepped strokes, as a 100-lpi fax prints them
    smooth = smoothed_for_reading(page)
    assert smooth.shape == page.shape and ((smooth > 0) & (smooth < 255)).any()
    rows = np.flatnonzero((smooth < 200).any(axis=1))
    assert 56 <= rows[0] and rows[-1] <= 103  # no ink moved beyond the strokes' own rows


@pytest.mark.parametrize("seed", range(4))
def test_specks_are_cleared_alike_one_by_one_and_by_whole_page_masks(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # A clean page's few small pieces are cleared in their own boxes, a copied page's thousands by
    # whole-page masks: the two must give the same mask, near text, near the edges and far from both.
    from pipeline.image import preprocess

    rng = np.random.default_rng(seed)
    gray = put_text(blank(300, 500), (20, 40), "一般公共服务支出 1,030.50", 24)
    ink = binarize(gray)
    for _ in range(150):  # specks of 1-30 pixels anywhere, the page's edges included
        y, x = int(rng.integers(0, 300)), int(rng.integers(0, 500))
        h, w = int(rng.integers(1, 6)), int(rng.integers(1, 6))
        ink[y:y + h, x:x + w] = 255
    monkeypatch.setattr(preprocess, "_FEW_PIECES", 10**6)
    one_by_one = (preprocess.without_isolated_specks(ink), preprocess.remove_specks(ink))
    monkeypatch.setattr(preprocess, "_FEW_PIECES", 0)
    whole_page = (preprocess.without_isolated_specks(ink), preprocess.remove_specks(ink))
    assert np.array_equal(one_by_one[0], whole_page[0]) and np.array_equal(one_by_one[1], whole_page[1])
    assert not np.array_equal(one_by_one[0], ink)  # some specks stood alone and went
