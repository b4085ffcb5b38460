"""Finding the sheet in a photo (a desk around it, keystone, shading) or in a scan with a lid border."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from _images import blank, draw_table, put_text
from pipeline.image.sheet import find_sheet, rectify, warp_matrix

PAGE_W, PAGE_H = 840, 1188  # an A4 page at 100 dpi


def printed_page() -> np.ndarray:
    gray = blank(PAGE_H, PAGE_W)
    put_text(gray, (250, 80), "2025年预算支出总表", size=36)
    draw_table(gray, [60, 200, 420, 600, 780], [160 + 50 * i for i in range(14)])
    for row in range(13):
        put_text(gray, (70, 172 + 50 * row), "2011301", size=22)
        put_text(gray, (610, 172 + 50 * row), "1,030.50", size=22)
    return gray


def photographed(page: np.ndarray, desk: tuple[int, int, int], corners: np.ndarray, frame: tuple[int, int],
                 vignette: float = 0.3) -> np.ndarray:
    """The page warped onto a desk of colour ``desk`` (RGB) with its corners at ``corners``, light falling off."""
    h, w = page.shape
    source = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners.astype(np.float32))
    fw, fh = frame
    paper = np.dstack([page, page, (page.astype(np.float32) * 0.95).astype(np.uint8)])
    warped = cv2.warpPerspective(paper, matrix, (fw, fh), borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
    inside = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, (fw, fh)) > 0
    image = np.where(inside[..., None], warped, np.array(desk, np.uint8)).astype(np.float32)
    yy, xx = np.mgrid[0:fh, 0:fw].astype(np.float32)
    falloff = 1 - vignette * (((xx - fw / 2) / fw) ** 2 + ((yy - fh / 2) / fh) ** 2) * 2
    return np.clip(image * falloff[..., None], 0, 255).astype(np.uint8)


KEYSTONED = np.array([[130, 95], [1012, 118], [1030, 1381], [112, 1395]], dtype=np.float64)


@pytest.mark.parametrize("desk", [(176, 132, 92), (96, 64, 44), (120, 122, 126), (60, 96, 72)])
def test_a_photographed_sheet_is_found_by_its_four_corners(desk: tuple[int, int, int]) -> None:
    image = photographed(printed_page(), desk, KEYSTONED, (1150, 1500))
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    sheet = find_sheet(gray, image)
    assert sheet is not None
    assert np.abs(np.array(sheet.corners) - KEYSTONED).max() < 12  # pixels, in a 1500-px frame
    w, h = sheet.size
    assert abs(w / h - PAGE_W / PAGE_H) < 0.03


def test_the_rectified_sheet_has_straight_ruling_lines() -> None:
    image = photographed(printed_page(), (120, 122, 126), KEYSTONED, (1150, 1500))
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    upright = rectify(gray, find_sheet(gray, image))
    # The table's top rule: one row of dark pixels across its width, not a slanted band.
    ink = upright < 128
    rows_with_rule = [y for y in range(upright.shape[0]) if ink[y, upright.shape[1] // 5: 4 * upright.shape[1] // 5].mean() > 0.9]
    assert rows_with_rule and max(rows_with_rule[:3]) - min(rows_with_rule[:3]) <= 3
    corners = cv2.perspectiveTransform(KEYSTONED.reshape(1, 4, 2).astype(np.float32),
                                       warp_matrix(find_sheet(gray, image)))[0]
    assert np.abs(corners[0]).max() < 12  # the sheet's top-left corner lands at the origin


def test_a_scan_filling_its_image_has_no_sheet_to_cut() -> None:
    page = printed_page()
    assert find_sheet(page) is None
    shaded = (page.astype(np.float32) * np.linspace(0.75, 1.0, page.shape[1])[None, :]).astype(np.uint8)
    assert find_sheet(shaded) is None  # a lamp's falloff across the page is not a desk edge


def test_a_dark_lid_border_on_two_edges_is_cut_away() -> None:
    page = printed_page()
    scan = np.full((PAGE_H + 60, PAGE_W + 50), 35, np.uint8)  # the lid, dark, on the top and left
    scan[60:, 50:] = page
    sheet = find_sheet(scan)
    assert sheet is not None
    xs, ys = zip(*sheet.corners)
    assert abs(min(xs) - 50) < 6 and abs(min(ys) - 60) < 6
    assert abs(max(xs) - (PAGE_W + 49)) < 6 and abs(max(ys) - (PAGE_H + 59)) < 6



def test_a_photo_on_a_grained_coloured_desk_keeps_its_corners() -> None:
    # A page of `make looks` (hei-excel-phone, a dark-wood desk with grain, a seal), shrunk to 36 %.
    # The seal remover takes much of such a desk for coloured ink and paints it paper: looked for
    # after that, the sheet ran into the desk and its corners landed up to 150 px off.
    from pathlib import Path

    from pipeline.image.sheet import as_paper

    bgr = cv2.imread(str(Path(__file__).parents[1] / "fixtures" / "phone_photo_page.jpg"))
    colour = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    _, sheet = as_paper(cv2.cvtColor(colour, cv2.COLOR_RGB2GRAY), colour, dpi=72.0)
    assert sheet is not None
    # Where samplegen put the corners (its recorded warp), at this scale.
    truth = np.array([(118.9, 232.3), (1767.5, 240.6), (1706.6, 2580.7), (55.3, 2494.9)]) * 0.36
    assert np.abs(np.array(sheet.corners) - truth).max() < 5
