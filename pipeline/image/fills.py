"""Half-tone dot screens taken out before anything is measured or binarised.

A grey header fill (an Excel export prints them) comes out of an office copier as a
screen of small dots, a few pixels apart.  Binarised, every dot is a speck of ink: the
character height is measured on the dots instead of the glyphs, and the dots in a row
pass for ruling lines, so the grid explodes into dozens of slivers.  A screen is told
from text by what it is made of: many small, separate dots packed densely and evenly,
where text has few small pieces among its strokes.  Inside a screen, each dot takes the
light grey around it; strokes (larger pieces), ruling lines and text are left as they are.

Pure functions, arrays in and arrays out; grey images uint8, 0 = black.  Sizes are given
at 200 dpi and scaled by the page's resolution (the character height is not known yet:
it is what the dots would spoil).
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

from pipeline.image.preprocess import binarize

log = logging.getLogger(__name__)

_REFERENCE_DPI = 200.0
# A screen dot is at most this many pixels across (at 200 dpi) ...
_MAX_DOT_PX = 6
# ... and a screen packs at least this many dots into a window of this side (pixels at 200 dpi):
# a 4-px pitch puts about 36 in it; the small pieces of text (dots of 。、, split radicals) are a handful.
_SCREEN_WINDOW_PX = 24
_MIN_DOTS_PER_WINDOW = 14
# Around a dot, the light grey between the dots is what the dot becomes (pixels at 200 dpi).
_LIGHT_WINDOW_PX = 5


def without_screens(gray: np.ndarray, dpi: float = _REFERENCE_DPI) -> tuple[np.ndarray, float]:
    """The page with the dots of half-tone screens turned into the light grey around them, and the
    share of the page that was screened (0 when none was found: the page comes back unchanged)."""
    scale = dpi / _REFERENCE_DPI
    ink = binarize(gray)
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
    max_dot = max(2, int(round(_MAX_DOT_PX * scale)))
    small = (stats[:, cv2.CC_STAT_WIDTH] <= max_dot) & (stats[:, cv2.CC_STAT_HEIGHT] <= max_dot)
    small[0] = False
    if small.sum() < _MIN_DOTS_PER_WINDOW:
        return gray, 0.0
    dots = np.zeros(gray.shape, np.float32)
    xs = np.clip(centroids[small, 0].round().astype(int), 0, gray.shape[1] - 1)
    ys = np.clip(centroids[small, 1].round().astype(int), 0, gray.shape[0] - 1)
    np.add.at(dots, (ys, xs), 1.0)
    window = max(5, int(round(_SCREEN_WINDOW_PX * scale)))
    density = cv2.boxFilter(dots, -1, (window, window), normalize=False)
    screen = (density >= _MIN_DOTS_PER_WINDOW).astype(np.uint8)
    if not screen.any():
        return gray, 0.0
    # A dot on the screen's rim has fewer neighbours: the region reaches half a window further.
    screen = cv2.dilate(screen, cv2.getStructuringElement(cv2.MORPH_RECT, (window // 2 * 2 + 1,) * 2))
    in_screen_dots = small[labels] & (screen > 0)
    light_window = max(3, int(round(_LIGHT_WINDOW_PX * scale)) | 1)
    light = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (light_window, light_window)))
    out = np.where(in_screen_dots, light, gray).astype(np.uint8)
    share = float(screen.mean())
    log.debug("half-tone screen over %.1f%% of the page taken out", 100 * share)
    return out, share
