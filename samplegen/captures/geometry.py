"""Where the rendered page's points land in a captured image: one 3x3 homography per page.

A flatbed scan only skews and turns the page (an affine map); a photo also tilts it in
perspective.  Both are kept as a homography so the truth bboxes follow the content: a cell's
bbox in the capture is the box enclosing its four mapped corners, clipped to the image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BBox = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Warp:
    """``matrix`` (row-major 3x3) maps rendered-page pixels (``src_size`` = w, h) to captured pixels."""

    matrix: tuple[float, ...]
    src_size: tuple[int, int]
    dst_size: tuple[int, int]

    @property
    def array(self) -> np.ndarray:
        return np.array(self.matrix, dtype=np.float64).reshape(3, 3)

    def map_points(self, points: np.ndarray) -> np.ndarray:
        """(n, 2) source pixels -> (n, 2) destination pixels."""
        homogeneous = np.hstack([points, np.ones((len(points), 1))]) @ self.array.T
        return homogeneous[:, :2] / homogeneous[:, 2:3]

    def map_bbox(self, bbox: BBox) -> BBox:
        """Page-fraction bbox -> page-fraction bbox enclosing the mapped corners, clipped to the image."""
        (sw, sh), (dw, dh) = self.src_size, self.dst_size
        x0, y0, x1, y1 = bbox
        corners = np.array([[x0 * sw, y0 * sh], [x1 * sw, y0 * sh], [x0 * sw, y1 * sh], [x1 * sw, y1 * sh]])
        out = self.map_points(corners)
        xs = np.clip(out[:, 0] / dw, 0.0, 1.0)
        ys = np.clip(out[:, 1] / dh, 0.0, 1.0)
        return (round(float(xs.min()), 5), round(float(ys.min()), 5),
                round(float(xs.max()), 5), round(float(ys.max()), 5))


def identity(w: int, h: int) -> Warp:
    return Warp(tuple(float(v) for v in np.eye(3).ravel()), (w, h), (w, h))


def chain(first: np.ndarray, then: np.ndarray) -> np.ndarray:
    """The 3x3 map that applies ``first``, then ``then``."""
    return then @ first


def affine3(m: np.ndarray) -> np.ndarray:
    """A 2x3 affine (as OpenCV returns it) as a 3x3 homography."""
    return np.vstack([m, [0.0, 0.0, 1.0]])


def turn_matrix(deg: int, w: int, h: int) -> tuple[np.ndarray, tuple[int, int]]:
    """3x3 map for a clockwise turn of a w x h image (0, 90, 180 or 270°), and the turned size."""
    if deg == 90:
        return np.array([[0, -1, h], [1, 0, 0], [0, 0, 1]], dtype=np.float64), (h, w)
    if deg == 180:
        return np.array([[-1, 0, w], [0, -1, h], [0, 0, 1]], dtype=np.float64), (w, h)
    if deg == 270:
        return np.array([[0, 1, 0], [-1, 0, w], [0, 0, 1]], dtype=np.float64), (h, w)
    return np.eye(3), (w, h)


def turn(image: np.ndarray, deg: int) -> np.ndarray:
    """Turn an image clockwise by ``deg`` (a multiple of 90), as ``turn_matrix`` maps its points."""
    return np.ascontiguousarray(np.rot90(image, k=-(deg // 90))) if deg else image


def warp_of(matrix: np.ndarray, src_size: tuple[int, int], dst_size: tuple[int, int]) -> Warp:
    return Warp(tuple(float(v) for v in matrix.ravel()), src_size, dst_size)
