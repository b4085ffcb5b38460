"""Cell OCR through an engine: blank cells skipped, wrapped lines joined, line residue kept out.

The engine is a FakeEngine that records what it is shown, so the tests see
exactly which images reach a recogniser.
"""

from __future__ import annotations

import numpy as np
import pytest

from _images import blank, draw_table, page_grids, put_text, text_box
from models import Grid
from pipeline.read.cells import commas_restored, read_grid
from pipeline.ocr.base import LineReading
from pipeline.ocr.fake import FakeEngine
from pipeline.settings import Settings

BLANK_FRAC = Settings().blank_ink_frac


class Recorder:
    """A reader for FakeEngine: keeps each image and answers from a script (or a fixed text)."""

    def __init__(self, answers: list[str] | None = None) -> None:
        self.images: list[np.ndarray] = []
        self._answers = list(answers) if answers else None

    def __call__(self, image: np.ndarray) -> LineReading:
        self.images.append(image.copy())
        text = self._answers.pop(0) if self._answers else "8"
        return LineReading(text=text, confidence=0.95)


def ink_box(image: np.ndarray) -> tuple[int, int] | None:
    """(width, height) of the dark pixels of a line image."""
    ys, xs = np.nonzero(image < 128)
    if xs.size == 0:
        return None
    return int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)


def read(gray: np.ndarray, reader: Recorder) -> tuple[Grid, FakeEngine]:
    found = page_grids(gray)
    assert len(found.grids) == 1
    engine = FakeEngine(reader)
    grid = read_grid(found.grids[0], gray, found.text_ink, found.char_height, engine, BLANK_FRAC)
    return grid, engine


def table_page(rows: int = 5, cols: int = 3, row_h: int = 56) -> tuple[np.ndarray, object]:
    gray = blank(300 + rows * row_h + 200, 900)
    xs = [100 + i * 240 for i in range(cols + 1)]
    ys = [300 + i * row_h for i in range(rows + 1)]
    return gray, draw_table(gray, xs, ys)


def test_blank_cells_are_marked_and_never_sent_to_the_engine() -> None:
    gray, table = table_page()
    empty = {(1, 1), (2, 2), (3, 1), (4, 0)}
    filled = [(r, c) for r in range(5) for c in range(3) if (r, c) not in empty]
    for r, c in filled:
        put_text(gray, table.cell_origin(r, c, 16, 12), "1030.50" if c else "行政运行")
    reader = Recorder()
    grid, engine = read(gray, reader)
    assert engine.calls == len(filled) == len(reader.images)
    blanks = {(c.row, c.col) for c in grid.cells if c.blank}
    assert blanks == empty
    assert all(c.text == "" for c in grid.cells if c.blank)
    assert all(c.text == "8" and c.confidence == pytest.approx(0.95) for c in grid.cells if not c.blank)


def test_a_page_of_empty_cells_never_calls_the_engine() -> None:
    gray, _ = table_page()
    grid, engine = read(gray, Recorder())
    assert engine.calls == 0
    assert all(c.blank for c in grid.cells)


def test_a_two_line_cell_is_read_as_two_lines_joined_without_separator() -> None:
    gray, table = table_page(rows=3, row_h=100)
    put_text(gray, table.cell_origin(1, 0, 16, 12), "一般公共")
    put_text(gray, table.cell_origin(1, 0, 16, 52), "服务支出")
    reader = Recorder(answers=["一般公共", "服务支出"])
    grid, engine = read(gray, reader)
    assert engine.calls == 2
    cell = grid.cell_at(1, 0)
    assert cell is not None and cell.text == "一般公共服务支出" and not cell.blank
    # Each image holds one line: about one glyph high, about the drawn line's width.
    glyph_w = text_box("一般公共")[2]
    for image in reader.images:
        w, h = ink_box(image)
        assert h < 40 and abs(w - glyph_w) <= 6


def test_wrapped_latin_words_keep_a_space() -> None:
    gray, table = table_page(rows=3, row_h=100)
    put_text(gray, table.cell_origin(1, 0, 16, 12), "Office")
    put_text(gray, table.cell_origin(1, 0, 16, 52), "rent")
    grid, _ = read(gray, Recorder(answers=["Office", "rent"]))
    assert grid.cell_at(1, 0).text == "Office rent"


def test_ruling_line_stubs_do_not_reach_the_engine() -> None:
    gray, table = table_page()
    empty = {(1, 1), (2, 2), (3, 1)}
    for r in range(5):
        for c in range(3):
            if (r, c) not in empty:
                put_text(gray, table.cell_origin(r, c, 30, 12), "1030.50" if c else "行政运行")
    # Residue of a doubled, broken scan line: short strokes just inside every cell border.
    for x in table.xs:
        for r in range(5):
            y = table.ys[r] + 20
            gray[y:y + 16, x + 3:x + 5] = 0
            gray[y:y + 14, x - 5:x - 3] = 0
    for y in table.ys:
        for c in range(3):
            x = table.xs[c] + 150
            gray[y + 3:y + 5, x:x + 14] = 0
    reader = Recorder()
    grid, engine = read(gray, reader)
    # Cells holding only residue stay blank; the others are read once each.
    assert {(c.row, c.col) for c in grid.cells if c.blank} == empty
    assert engine.calls == 15 - len(empty)
    widest_text = max(text_box(t)[2] for t in ("1030.50", "行政运行"))
    for image in reader.images:
        w, h = ink_box(image)
        assert w > 8, "a thin vertical stub was sent to the engine"
        assert w <= widest_text + 6, "a stub was joined to the text of the line"


def test_an_inner_full_stop_is_read_again_on_a_wider_crop_and_a_comma_there_is_taken() -> None:
    # The tight crop cut a Song comma's faint tail: the engine read 。; on the wider crop, ，.
    gray, table = table_page()
    put_text(gray, table.cell_origin(0, 0, 30, 12), "招标，根据")
    reader = Recorder(answers=["招标。根据", "招标，根据"])
    grid, engine = read(gray, reader)
    assert grid.cell_at(0, 0).text == "招标，根据"
    assert engine.calls == 2
    tight, wide = reader.images
    assert tight.shape == wide.shape and (wide <= tight).all()  # the same crop, more of the page kept


def test_a_line_without_an_inner_full_stop_is_read_once() -> None:
    gray, table = table_page()
    put_text(gray, table.cell_origin(0, 0, 30, 12), "及时支付。")
    reader = Recorder(answers=["及时支付。"])
    grid, engine = read(gray, reader)
    assert grid.cell_at(0, 0).text == "及时支付。" and engine.calls == 1


def test_a_full_stop_ending_a_line_the_cell_goes_on_from_is_read_again() -> None:
    # Wrapped prose: the comma that ends the first line lost its tail.
    gray, table = table_page(rows=3, row_h=100)
    x, y = table.cell_origin(0, 0, 30, 12)
    put_text(gray, (x, y), "平台招标，")
    put_text(gray, (x, y + 40), "及时支付。")
    reader = Recorder(answers=["平台招标。", "及时支付。", "平台招标，"])
    grid, engine = read(gray, reader)
    assert grid.cell_at(0, 0).text == "平台招标，及时支付。"
    assert engine.calls == 3  # the cell's last line ends the text: its 。 is not in question


@pytest.mark.parametrize(("tight", "wide", "kept"), [
    ("平台招标。根据项目实施进度及时支付。", "平台招标，根据项目实施进度及时支付。", "平台招标，根据项目实施进度及时支付。"),
    ("平台招标。根据项目实施进度及时支付。", "平台招标。根据项目实施进度及时支付。", "平台招标。根据项目实施进度及时支付。"),
    # Anything else the wide crop reads otherwise (〕 as ], on blurred scans) is not taken, nor the comma.
    ("晋财资环〔2023〕62号。根据", "晋财资环〔2023]62号，根据", "晋财资环〔2023〕62号。根据"),
    ("及时支付。", "及时支付，", "及时支付。"),  # a line's last mark is not in question ...
    ("招标。根据", "招标，根", "招标。根据"),
])
def test_only_a_comma_in_place_of_an_inner_full_stop_is_taken_from_the_wide_reading(
        tight: str, wide: str, kept: str) -> None:
    assert commas_restored(tight, wide) == kept


def mark_page() -> tuple[np.ndarray, object]:
    """A cell whose second line holds only the sentence's closing 。 (no kinsoku in the typesetter)."""
    gray, table = table_page(rows=3, row_h=100)
    put_text(gray, table.cell_origin(1, 0, 16, 12), "持续向好态势")
    put_text(gray, table.cell_origin(1, 0, 16, 52), "。")
    return gray, table


def test_a_closing_mark_wrapped_onto_its_own_line_is_read() -> None:
    gray, _ = mark_page()
    reader = Recorder(answers=["持续向好态势", "。"])
    grid, engine = read(gray, reader)
    assert engine.calls == 2
    assert grid.cell_at(1, 0).text == "持续向好态势。"
    # The mark is shown on a glyph-sized sheet, at its foot, as a recogniser expects it.
    mark_image = reader.images[1]
    assert mark_image.shape[0] >= 22
    ys, _ = np.nonzero(mark_image < 128)
    assert ys.min() > mark_image.shape[0] / 2


@pytest.mark.parametrize("reading", [LineReading("o", 0.99), LineReading("。", 0.5), LineReading("态", 0.99)])
def test_a_mark_line_that_does_not_surely_read_as_a_mark_is_dropped(reading: LineReading) -> None:
    gray, _ = mark_page()
    answers = iter([LineReading("持续向好态势", 0.99), reading])
    grid = read_grid(page_grids(gray).grids[0], gray, page_grids(gray).text_ink, page_grids(gray).char_height,
                     FakeEngine(lambda image: next(answers)), BLANK_FRAC)
    assert grid.cell_at(1, 0).text == "持续向好态势"
    # ... and the cell is no surer than what was read there: its text may lack the mark.
    assert grid.cell_at(1, 0).confidence == pytest.approx(min(0.99, reading.confidence))


def test_a_stroke_of_residue_under_a_line_is_no_mark() -> None:
    gray, table = table_page(rows=3, row_h=100)
    put_text(gray, table.cell_origin(1, 0, 16, 12), "持续向好态势")
    x, y = table.cell_origin(1, 0, 16, 66)
    gray[y:y + 6, x:x + 80] = 0  # wider than any mark
    grid, engine = read(gray, Recorder(answers=["持续向好态势"]))
    assert engine.calls == 1


def test_a_reading_that_dropped_a_character_leaves_ink_unexplained() -> None:
    gray, table = table_page(rows=4, cols=2)
    texts = ["一般公共服务", "社会保障支出", "阳财教〔2024〕", "卫生健康支出"]
    for r, text in enumerate(texts):
        put_text(gray, table.cell_origin(r, 0, 16, 12), text)
    # The engine reads every cell right but drops the 〕 of the third.
    readings = [t if t != "阳财教〔2024〕" else "阳财教〔2024" for t in texts]
    grid, _ = read(gray, Recorder(answers=readings))
    ink = {grid.cell_at(r, 0).text: grid.cell_at(r, 0).evidence.unexplained_ink for r in range(4)}
    assert ink["阳财教〔2024"] > 0.3  # a closing mark at the line's end inks only its inner side
    assert all(v < ink["阳财教〔2024"] for text, v in ink.items() if text != "阳财教〔2024"), ink


def test_a_line_s_last_full_stop_is_in_question_only_where_the_cell_goes_on() -> None:
    assert commas_restored("平台招标。", "平台招标，", last_too=True) == "平台招标，"
    assert commas_restored("平台招标。", "平台招标，") == "平台招标。"
