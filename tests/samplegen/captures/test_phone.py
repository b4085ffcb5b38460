from __future__ import annotations

import dataclasses

import numpy as np

from samplegen.captures import PHONE, PageInk
from samplegen.captures.seal import seal_mask
from samplegen.fonts import SONG
from samplegen.scan import MILD

LEVEL = dataclasses.replace(MILD, dpi=100)
H, W = 1169, 827  # A4 portrait at 100 dpi
CELL = (0.30, 0.40, 0.55, 0.46)  # a cell of the page, filled black below


def _page() -> np.ndarray:
    page = np.full((H, W), 255, dtype=np.uint8)
    x0, y0, x1, y1 = CELL
    page[round(y0 * H) : round(y1 * H), round(x0 * W) : round(x1 * W)] = 0
    return page


def _ink(seal: bool) -> PageInk:
    return PageInk(number=1, cells=(CELL,), table=(0.1, 0.1, 0.9, 0.6), seal=seal, seal_text="山阴县商务局")


def test_a_phone_photo_is_colour_in_perspective_with_the_desk_around_the_sheet() -> None:
    captured = PHONE.capture(_page(), _ink(seal=False), LEVEL, np.random.default_rng(2))
    image = captured.image
    fh, fw, channels = image.shape
    assert channels == 3 and captured.encoding == "jpeg"
    assert fw > W and fh > H  # the frame is larger than the sheet
    m = np.array(captured.warp.matrix).reshape(3, 3)
    assert abs(m[2, 0]) + abs(m[2, 1]) > 1e-7  # a true perspective, not an affine map
    corners = captured.warp.map_points(np.array([[0, 0], [W, 0], [W, H], [0, H]], dtype=float))
    assert (corners[:, 0] > 0).all() and (corners[:, 0] < fw).all() and (corners[:, 1] > 0).all()
    edges = np.linalg.norm(corners - np.roll(corners, -1, axis=0), axis=1)  # top, right, bottom, left
    keystone = max(abs(edges[0] - edges[2]) / edges[0], abs(edges[1] - edges[3]) / edges[1])
    assert 0.003 < keystone < 0.04
    desk = image[: max(2, round(corners[:, 1].min()) - 5), :].reshape(-1, 3).astype(float)
    assert desk.mean() < 200  # not paper


def test_a_perspective_truth_bbox_falls_on_its_cell() -> None:
    captured = PHONE.capture(_page(), _ink(seal=False), LEVEL, np.random.default_rng(4))
    image = captured.image.mean(axis=2)
    fh, fw = image.shape
    x0, y0, x1, y1 = captured.warp.map_bbox(CELL)
    cx0, cy0, cx1, cy1 = round(x0 * fw), round(y0 * fh), round(x1 * fw), round(y1 * fh)
    inner = image[cy0 + 6 : cy1 - 6, cx0 + 6 : cx1 - 6]  # the box encloses the tilted cell: its core is ink
    assert inner.mean() < 60
    ring = np.concatenate([image[cy0 - 12 : cy0 - 6, cx0:cx1].ravel(), image[cy1 + 6 : cy1 + 12, cx0:cx1].ravel()])
    assert ring.mean() > 150  # just outside: paper


def test_a_sealed_page_carries_red_ink_over_its_table() -> None:
    plain = PHONE.capture(_page(), _ink(seal=False), LEVEL, np.random.default_rng(6)).image.astype(int)
    sealed = PHONE.capture(_page(), _ink(seal=True), LEVEL, np.random.default_rng(6)).image.astype(int)
    red = (sealed[..., 0] - sealed[..., 1] > 60) & (sealed[..., 0] - sealed[..., 2] > 50)
    assert red.sum() > 500 and ((plain[..., 0] - plain[..., 1]) > 60).sum() < 50


def test_the_seal_has_a_ring_a_star_and_arced_text() -> None:
    mask = seal_mask(200, "山阴县商务局", SONG.path, np.random.default_rng(0))
    assert mask.shape == (200, 200) and 0.3 < mask.max() <= 1.0
    yy, xx = np.mgrid[0:200, 0:200]
    r = np.hypot(xx - 100, yy - 100)
    assert mask[(r > 94) & (r < 99)].mean() > 0.2  # the ring
    assert mask[(r < 8)].mean() > 0.2  # the star's centre
    arc = (r > 55) & (r < 85) & (yy < 80)
    assert mask[arc].mean() > 0.03 and mask[(r > 55) & (r < 85) & (yy > 140)].mean() < 0.01  # text on top only
