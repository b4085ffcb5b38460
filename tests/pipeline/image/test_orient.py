"""Pages turned by quarter turns and skewed come back upright (real recogniser decides up from down)."""

from __future__ import annotations

import numpy as np
import pytest

from _images import blank, draw_table, put_text
from pipeline.ocr import LineReading, make_engine
from pipeline.ocr.fake import FakeEngine
from models import Orientation
from pipeline.image.orient import upright
from pipeline.image.preprocess import binarize, measure_char_height, rotate, rotate_quarter_turns
from pipeline.settings import Settings

BODY = "一般公共服务支出教育支出科学技术支出文化旅游体育与传媒支出社会保障和就业支出卫生健康支出"
SETTINGS = Settings()


@pytest.fixture(scope="module")
def engine():
    return make_engine("rapidocr")


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    gray = blank(1400, 1000)
    for i in range(12):
        put_text(gray, (80, 100 + i * 55), BODY[(i * 3) % 20:(i * 3) % 20 + 14])
    draw_table(gray, [60, 600, 940], [80, 760, 900])
    return gray


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_upright_undoes_a_quarter_turn_and_a_skew(engine, page: np.ndarray, turn: int) -> None:
    char_height = measure_char_height(binarize(page))
    scanned = rotate(rotate_quarter_turns(page, turn), 1.0)
    gray, orientation = upright(scanned, char_height, engine, SETTINGS.deskew_max_deg, SETTINGS.deskew_step_deg)
    assert isinstance(orientation, Orientation)
    assert orientation.quarter_turns_cw == (360 - turn) % 360
    assert orientation.skew_deg == pytest.approx(-1.0, abs=0.15)
    assert gray.shape == page.shape
    # The text is back where it was drawn: ink overlaps the original's ink.
    original, restored = binarize(page) > 0, binarize(gray) > 0
    overlap = (original & restored).sum() / original.sum()
    assert overlap > 0.5


def test_an_upright_page_read_as_confident_cjk_is_settled_by_two_strips(page: np.ndarray) -> None:
    reader = FakeEngine(lambda image: LineReading("一般公共服务支出", 0.99))
    char_height = measure_char_height(binarize(page))
    _, orientation = upright(page, char_height, reader, SETTINGS.deskew_max_deg, SETTINGS.deskew_step_deg)
    assert orientation.quarter_turns_cw == 0
    assert reader.calls == 2


@pytest.mark.parametrize("doubt", [LineReading("一般公共服务支出", 0.6), LineReading("1030.50", 0.99)])
def test_a_page_in_doubt_is_read_both_ways(page: np.ndarray, doubt: LineReading) -> None:
    # Unsure text, or figures (upside down they read as other figures), settle nothing.
    reader = FakeEngine(lambda image: doubt)
    char_height = measure_char_height(binarize(page))
    upright(page, char_height, reader, SETTINGS.deskew_max_deg, SETTINGS.deskew_step_deg)
    assert reader.calls > 2
