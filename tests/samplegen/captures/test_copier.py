from __future__ import annotations

import dataclasses

import numpy as np

from samplegen.captures import FAX, PHOTOCOPY, Captured, PageInk
from samplegen.captures.base import encode
from samplegen.captures.copier import dot_screen
from samplegen.scan import MILD

QUIET = dataclasses.replace(MILD, max_skew_deg=0.0, noise_sigma=0.0, blur_sigma=0.0, illumination=0.0)
INK = PageInk(number=1, cells=(), table=None)


def _page(h: int, w: int) -> np.ndarray:
    """White, a 0.78 grey header fill (as the excel layout prints) and a solid black bar (text, rules)."""
    page = np.full((h, w), 255, dtype=np.uint8)
    page[h // 8 : h // 4, w // 8 : 7 * w // 8] = 199
    page[h // 2 : h // 2 + h // 20, w // 8 : 7 * w // 8] = 0
    return page


def test_the_dot_screen_turns_greys_into_dots_of_their_darkness() -> None:
    screen = dot_screen(200, 200, 10.0, 45.0, (0.0, 0.0))
    assert 0.0 < screen.min() < 0.05 and 0.95 < screen.max() < 1.0
    coverage = [(g < screen).mean() for g in (0.2, 0.5, 0.8)]
    assert coverage[0] > coverage[1] > coverage[2] > 0.05


def test_a_photocopy_screens_grey_fills_into_dots_and_keeps_black_solid() -> None:
    k = PHOTOCOPY.oversample
    captured = PHOTOCOPY.capture(_page(400 * k, 300 * k), INK, QUIET, np.random.default_rng(0))
    image = captured.image
    assert image.shape == (400, 300) and captured.encoding == "jpeg"
    fill = image[60:90, 60:240].astype(float)  # inside the grey fill
    dark, light = (fill < 100).mean(), (fill > 180).mean()
    assert dark > 0.1 and light > 0.2 and dark + light > 0.7  # toner dots on paper, few greys between
    flat = _page(400, 300)[60:90, 60:240]
    assert flat.std() == 0 and fill.std() > 40
    assert image[205:215, 60:240].mean() < 70  # the black bar is solid toner
    assert captured.warp.map_bbox((0.25, 0.25, 0.75, 0.75)) == (0.25, 0.25, 0.75, 0.75)  # no skew


def test_a_fax_is_one_bit_at_half_the_lines_stretched_back() -> None:
    captured = FAX.capture(_page(400, 300), INK, QUIET, np.random.default_rng(0))
    image = captured.image
    assert image.shape == (400, 300) and captured.encoding == "png"
    assert set(np.unique(image)) <= {0, 255}
    same = (image[0::2] == image[1::2]).all(axis=1).mean()  # every fax line printed twice
    assert same > 0.98
    assert image[60:90, 60:240].mean() > 250  # a light grey fill falls under the fax's black threshold
    assert image[205:215, 60:240].mean() < 60  # black, but for a line lost in transmission
    png = encode(captured, 80, FAX.dpi(MILD))
    assert png.startswith(b"\x89PNG")


def test_captures_are_deterministic_in_their_generator() -> None:
    for capture in (PHOTOCOPY, FAX):
        page = _page(200 * capture.oversample, 150 * capture.oversample)
        noisy = dataclasses.replace(MILD, max_skew_deg=1.0)
        a: Captured = capture.capture(page, INK, noisy, np.random.default_rng(5))
        b: Captured = capture.capture(page, INK, noisy, np.random.default_rng(5))
        assert np.array_equal(a.image, b.image) and a.warp == b.warp
