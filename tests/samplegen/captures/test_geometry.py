from __future__ import annotations

import numpy as np
import pytest

from samplegen.captures.geometry import Warp, chain, identity, turn, turn_matrix, warp_of


def test_identity_keeps_bboxes() -> None:
    assert identity(100, 200).map_bbox((0.1, 0.2, 0.3, 0.4)) == (0.1, 0.2, 0.3, 0.4)


def test_a_perspective_bbox_encloses_the_mapped_corners_clipped_to_the_image() -> None:
    # Keystone: the top edge pulled in by 10 px on each side of a 100 x 100 page.
    import cv2

    src = np.float32([[0, 0], [100, 0], [100, 100], [0, 100]])
    dst = np.float32([[10, 0], [90, 0], [100, 100], [0, 100]])
    warp = warp_of(cv2.getPerspectiveTransform(src, dst), (100, 100), (100, 100))
    assert warp.map_bbox((0.0, 0.0, 1.0, 1.0)) == pytest.approx((0.0, 0.0, 1.0, 1.0))
    x0, y0, x1, y1 = warp.map_bbox((0.0, 0.0, 0.5, 0.1))  # top-left cell: pulled right
    assert 0.09 < x0 < 0.1 and y0 == pytest.approx(0.0, abs=1e-3)  # the lower-left corner is pulled in less
    assert x1 == pytest.approx(0.5, abs=1e-3)  # the axis of symmetry
    assert 0.07 < y1 < 0.1  # the far edge is foreshortened
    shifted = Warp((1, 0, -50, 0, 1, 0, 0, 0, 1), (100, 100), (100, 100))
    assert shifted.map_bbox((0.2, 0.2, 0.8, 0.8)) == (0.0, 0.2, 0.3, 0.8)  # clipped at the left edge


@pytest.mark.parametrize("deg", [90, 180, 270])
def test_turn_matrices_follow_the_turned_pixels(deg: int) -> None:
    image = np.zeros((30, 50), dtype=np.uint8)
    image[5, 40] = 255
    turned = turn(image, deg)
    m, (w, h) = turn_matrix(deg, 50, 30)
    assert turned.shape == (h, w)
    x, y, _ = m @ np.array([40.5, 5.5, 1.0])  # the pixel's centre
    assert turned[int(y), int(x)] == 255


def test_chain_applies_the_first_map_first() -> None:
    shift = np.array([[1, 0, 5], [0, 1, 0], [0, 0, 1]], dtype=float)
    double = np.diag([2.0, 2.0, 1.0])
    assert (chain(shift, double) @ [1, 0, 1])[0] == 12  # (1 + 5) * 2
