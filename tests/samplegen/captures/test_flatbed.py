from __future__ import annotations

import dataclasses

import numpy as np

from samplegen.captures import FLATBED, FLATBED_LID, GRAY150, PageInk
from samplegen.scan import HARSH, MILD, degrade_page

QUIET = dataclasses.replace(MILD, max_skew_deg=0.0, noise_sigma=0.0, blur_sigma=0.0, illumination=0.0)


def test_flatbed_is_the_samples_scan() -> None:
    page = np.full((300, 200), 255, dtype=np.uint8)
    page[100:120, 50:150] = 0
    ink = PageInk(number=1, cells=((0.2, 0.2, 0.8, 0.5),), table=(0.2, 0.2, 0.8, 0.5), turn=90)
    captured = FLATBED.capture(page, ink, HARSH, np.random.default_rng(3))
    image, transform = degrade_page(page, ink.cells, HARSH, 90, np.random.default_rng(3))
    assert np.array_equal(captured.image, image)
    assert captured.warp.map_bbox((0.1, 0.2, 0.3, 0.4)) == transform.map_bbox((0.1, 0.2, 0.3, 0.4))
    assert GRAY150.dpi(MILD) == 150 and FLATBED.dpi(MILD) == MILD.dpi


def test_the_lid_shows_dark_beside_the_sheet_and_through_its_punch_holes() -> None:
    h, w = 1169, 827  # A4 portrait at 100 dpi
    page = np.full((h, w), 255, dtype=np.uint8)
    ink = PageInk(number=1, cells=(), table=None)
    level = dataclasses.replace(QUIET, dpi=100)
    captured = FLATBED_LID.capture(page, ink, level, np.random.default_rng(1))
    image = captured.image
    edges = [image[:, :4], image[:, -4:], image[:4, :], image[-4:, :]]
    assert sum(float(e.mean()) < 80 for e in edges) == 2  # the sheet lies off-square: two edges show the lid
    for x, y in FLATBED_LID.holes(w, h, level.dpi):
        (px, py, _, _) = captured.warp.map_bbox((x / w, y / h, x / w, y / h))
        assert image[round(py * h), round(px * w)] < 80  # the lid seen through the hole
    assert FLATBED_LID.holes(w, h, 100)[0][0] < w / 10  # portrait: holes along the left edge
    assert FLATBED_LID.holes(h, w, 100)[0][1] < w / 10  # landscape: along the top
