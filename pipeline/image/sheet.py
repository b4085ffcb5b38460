"""Find the sheet in a photo or a scan with a border, and rectify it.

A phone photo shows the sheet smaller than the frame, on a desk, seen a little off-axis
(one edge shorter than the opposite one); a flatbed with its lid open leaves a dark band
along some edges.  Everything outside the sheet is not page: its edge would pass for a
ruling line and turn the page into one huge table.  The sheet is the bright, uncoloured
region around the middle of the image; its outline is fitted with four corners and warped
to an upright rectangle (a four-point perspective warp), before deskew and everything else.

A page that fills its image (every ordinary scan) has no sheet edge to find: the stage
finds none and changes nothing.

Pure functions, arrays in and arrays out; grey images uint8, 0 = black; points (x, y) in
pixels of the image given.
"""

from __future__ import annotations

import logging
import cv2
import numpy as np

from models import Sheet
from pipeline.image.colour import without_coloured_ink
from pipeline.image.fills import without_screens

log = logging.getLogger(__name__)

# The image is searched at this size (pixels along its longer side): the sheet's outline
# needs no more, and the search then costs the same at any resolution.
_SEARCH_PX = 1000
# Text and ruling lines are closed away with this window (share of the search image's longer side)
# before the sheet is thresholded: the sheet becomes one even bright region.
_CLOSE_SHARE = 0.02
# Strongly coloured surfaces (wood, a green mat) are not paper however bright: chroma counts
# this many times against brightness.
_CHROMA_WEIGHT = 1.5
# A sheet covers at least this share of the image (less is more likely a bright object on a desk) ...
_MIN_SHEET_SHARE = 0.25
# ... and what lies outside it at least this share (less: the page fills the image, nothing to cut).
_MIN_OUTSIDE_SHARE = 0.02
# The outside must be darker than the sheet by this many grey levels (median against median):
# white margins around a table, or paper shaded by a scanner's lamp, are not a desk.
_MIN_CONTRAST = 45.0
# The region must fill its four-cornered outline this well (a sheet is a quadrilateral).
_MIN_QUAD_FILL = 0.93


def find_sheet(gray: np.ndarray, colour: np.ndarray | None = None) -> Sheet | None:
    """The sheet of paper in the image, or None when the page fills the image (nothing to cut)."""
    height, width = gray.shape
    scale = _SEARCH_PX / max(height, width)
    small = cv2.resize(gray, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation=cv2.INTER_AREA)
    paperness = small.astype(np.float32)
    if colour is not None:
        small_colour = cv2.resize(colour, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_AREA)
        chroma = small_colour.max(axis=2).astype(np.float32) - small_colour.min(axis=2).astype(np.float32)
        paperness -= _CHROMA_WEIGHT * chroma
    paperness = np.clip(paperness, 0, 255).astype(np.uint8)
    k = max(3, int(round(_CLOSE_SHARE * max(small.shape))) | 1)
    closed = cv2.morphologyEx(paperness, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    _, bright = cv2.threshold(closed, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    region = _central_region(bright)
    if region is None:
        return None
    share = float(np.count_nonzero(region)) / region.size
    if not _MIN_SHEET_SHARE <= share <= 1.0 - _MIN_OUTSIDE_SHARE:
        return None
    contrast = float(np.median(closed[region > 0])) - float(np.median(closed[region == 0]))
    if contrast < _MIN_CONTRAST:
        log.debug("no sheet edge: outside only %.0f grey levels darker than the sheet", contrast)
        return None
    quad = _four_corners(region)
    if quad is None:
        return None
    corners = tuple((float(x / scale), float(y / scale)) for x, y in quad)
    sheet = Sheet(corners=corners, size=_rectified_size(np.array(corners)))
    log.debug("sheet found: %.0f%% of the image, corners %s", 100 * share,
              ", ".join(f"({x:.0f},{y:.0f})" for x, y in corners))
    return sheet


def _central_region(bright: np.ndarray) -> np.ndarray | None:
    """The bright component under the image's middle, its holes (text, tables) filled."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=8)
    if count < 2:
        return None
    h, w = bright.shape
    middle = labels[h // 2 - h // 8:h // 2 + h // 8, w // 2 - w // 8:w // 2 + w // 8]
    found = np.bincount(middle[middle > 0].ravel(), minlength=count)
    if not found.any():
        return None
    component = np.where(labels == int(found.argmax()), 255, 0).astype(np.uint8)
    contours, _ = cv2.findContours(component, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(component)
    cv2.drawContours(filled, contours, -1, 255, thickness=cv2.FILLED)
    return filled


def _four_corners(region: np.ndarray) -> np.ndarray | None:
    """The region's outline as four corners (tl, tr, br, bl), or None when it is no quadrilateral."""
    contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    outline = cv2.convexHull(max(contours, key=cv2.contourArea))
    perimeter = cv2.arcLength(outline, True)
    quad = None
    for share in (0.01, 0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(outline, share * perimeter, True)
        if len(approx) == 4:
            quad = approx.reshape(4, 2).astype(np.float64)
            break
    if quad is None:
        quad = cv2.boxPoints(cv2.minAreaRect(outline)).astype(np.float64)
    if cv2.contourArea(quad.astype(np.float32)) <= 0:
        return None
    fill = float(np.count_nonzero(region)) / cv2.contourArea(quad.astype(np.float32))
    if fill < _MIN_QUAD_FILL:
        return None
    return _ordered(quad)


def _ordered(quad: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    sums, diffs = quad.sum(axis=1), quad[:, 1] - quad[:, 0]
    return np.array([quad[sums.argmin()], quad[diffs.argmin()], quad[sums.argmax()], quad[diffs.argmax()]])


def _rectified_size(corners: np.ndarray) -> tuple[int, int]:
    """Width and height of the upright sheet: its longer opposite edges (no detail is shrunk away)."""
    tl, tr, br, bl = corners
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    return int(round(width)), int(round(height))


def warp_matrix(sheet: Sheet) -> np.ndarray:
    """The 3x3 perspective map from the image to the upright sheet."""
    w, h = sheet.size
    target = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    return cv2.getPerspectiveTransform(np.array(sheet.corners, dtype=np.float32), target)


def rectify(image: np.ndarray, sheet: Sheet) -> np.ndarray:
    """The sheet cut out of the image and warped upright (grey or colour alike)."""
    border = 255 if image.ndim == 2 else (255, 255, 255)
    return cv2.warpPerspective(image, warp_matrix(sheet), sheet.size, flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=border)


def as_paper(gray: np.ndarray, colour: np.ndarray | None, dpi: float = 200.0,
             sheet: Sheet | None = None, find: bool = True) -> tuple[np.ndarray, Sheet | None]:
    """The rendered page as paper: coloured ink (seals, stamps) taken out, the sheet cut out and
    rectified when the page does not fill its image (found, or the ``sheet`` given with ``find``
    off), half-tone dot screens taken out.  What the page stages and every picture of the page
    (pipeline.image.orient.reapply) start from."""
    if find:
        # On the page as photographed: taking coloured ink out first would take a blue or brown
        # desk out with it, and the sheet's edge with the desk.
        sheet = find_sheet(gray, colour)
    if colour is not None:
        gray = without_coloured_ink(colour)
    if sheet is not None:
        gray = rectify(gray, sheet)
    gray, _ = without_screens(gray, dpi)
    return gray, sheet
