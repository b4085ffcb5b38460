"""Half-tone dot screens (a grey header fill after an office copier) taken out before grids are found."""

from __future__ import annotations

import numpy as np

from _images import blank, draw_table, page_grids, put_text
from pipeline.image.fills import without_screens
from pipeline.image.preprocess import binarize, measure_char_height

XS, YS = [60, 260, 460, 660, 860], [100, 160, 220, 280, 340, 400, 460]


def table_page(screened_rows: int = 2, pitch: int = 4) -> np.ndarray:
    gray = blank(700, 960)
    for row in range(screened_rows):  # the header rows' grey fill, as dots
        y0, y1 = YS[row] + 2, YS[row + 1] - 1
        for y in range(y0, y1, pitch):
            for x in range(XS[0] + 2, XS[-1] - 1, pitch):
                gray[y:y + 2, x:x + 2] = 70
    draw_table(gray, XS, YS)
    headers = ["科目编码", "科目名称", "合计", "基本支出"]
    for col, text in enumerate(headers):
        put_text(gray, (XS[col] + 30, YS[0] + 14), text, size=28)
        put_text(gray, (XS[col] + 30, YS[1] + 14), "栏次" if col < 2 else str(col - 1), size=28)
    for row in range(2, len(YS) - 1):
        put_text(gray, (XS[0] + 10, YS[row] + 14), "2011301", size=28)
        put_text(gray, (XS[1] + 10, YS[row] + 14), "行政运行", size=28)
        put_text(gray, (XS[2] + 40, YS[row] + 14), "1,030.50", size=28)
        put_text(gray, (XS[3] + 40, YS[row] + 14), "30.50", size=28)
    return gray


def test_a_dot_screen_is_taken_out_and_the_grid_has_its_printed_columns() -> None:
    page = table_page()
    cleaned, share = without_screens(page)
    assert share > 0.05
    height = measure_char_height(binarize(cleaned))
    assert 24 <= height <= 34  # the glyphs, not the dots (size-28 text)
    (grid,) = page_grids(cleaned).grids
    assert (grid.n_rows, grid.n_cols) == (len(YS) - 1, len(XS) - 1)
    # the dots are gone from the fill, the header text is still there
    fill = binarize(cleaned)[YS[0] + 4:YS[0] + 12, XS[2] + 150:XS[3] - 10]
    assert fill.mean() < 5
    assert binarize(cleaned)[YS[0] + 14:YS[0] + 44, XS[0] + 30:XS[0] + 150].mean() > 20


def test_a_page_without_a_screen_comes_back_unchanged() -> None:
    page = table_page(screened_rows=0)
    cleaned, share = without_screens(page)
    assert share == 0.0 and np.array_equal(cleaned, page)
