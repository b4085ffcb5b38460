"""Page-level image preparation: binarisation, character height, skew.

Pure functions, arrays in and arrays out.  Images are 8-bit grayscale with
0 = black; binary masks are uint8 with 255 = ink.
"""

from __future__ import annotations

import cv2
import numpy as np

# Adaptive threshold window (pixels at 200 dpi) and offset: wide enough to span a
# glyph stroke and its background, so uneven lighting does not swallow text.
_THRESHOLD_BLOCK = 31
_THRESHOLD_OFFSET = 12
# Faint ruling lines are only a few grey levels darker than the paper around them.
_LINE_THRESHOLD_OFFSET = 5
# The character height a page is assumed to have when it carries no text at all.
DEFAULT_CHAR_HEIGHT_PX = 24.0
# Connected components smaller than this are not glyphs when the character height is measured (pixels;
# fixed because the height is what is being measured): a 。 or a speck, not a character.
_MIN_GLYPH_HEIGHT_PX, _MIN_GLYPH_WIDTH_PX, _MIN_GLYPH_AREA_PX = 6, 3, 12
# A piece of ink of at most this many pixels with no larger ink within _SPECK_ALONE_PX of it is a speck
# (fixed pixels, as above): a digit's stroke or a radical always has its glyph's other strokes close by.
_SPECK_MAX_AREA_PX = 40
_SPECK_ALONE_PX = 8
# Up to this many small pieces on a page are handled one by one, in their own boxes; a copied page's
# thousands of specks by whole-page masks (one pass each, whatever their number).
_FEW_PIECES = 400


def smoothed_for_reading(gray: np.ndarray) -> np.ndarray:
    """A bilevel page as a recogniser trained on grey, anti-aliased text expects it: its stair-stepped
    strokes averaged down to half size and drawn back up (the lines' ink and place unchanged)."""
    height, width = gray.shape[:2]
    half = cv2.resize(gray, (max(1, width // 2), max(1, height // 2)), interpolation=cv2.INTER_AREA)
    return cv2.resize(half, (width, height), interpolation=cv2.INTER_CUBIC)


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink mask (255 = ink) robust to uneven lighting; scanner specks are removed separately.

    No smoothing first: a 3x3 median erases one-pixel strokes such as ）and ，,
    which then vanish from the cleaned line images OCR reads, and a blur widens
    every glyph into the paper around it.
    """
    return cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, _THRESHOLD_BLOCK, _THRESHOLD_OFFSET
    )


def binarize_for_lines(gray: np.ndarray) -> np.ndarray:
    """A more sensitive ink mask for finding ruling lines, which scans leave faint.

    The noise this lets through is removed by the line-shaped opening that
    follows; glyph ink is irrelevant there, so sensitivity costs nothing.
    """
    smoothed = cv2.GaussianBlur(gray, (3, 3), 0)
    return cv2.adaptiveThreshold(
        smoothed, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, _THRESHOLD_BLOCK, _LINE_THRESHOLD_OFFSET
    )


def remove_specks(ink: np.ndarray, max_area: int = 3) -> np.ndarray:
    """The ink mask without isolated specks of at most ``max_area`` pixels (scanner noise).

    Small enough to keep a decimal point at 150 dpi, which matters more than any speck.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] <= max_area
    small[0] = False
    out = ink.copy()
    pieces = np.flatnonzero(small)
    if len(pieces) <= _FEW_PIECES:
        # A clean page has few: each cleared in its own box (a full-page lookup costs ~10 ms).
        for piece in pieces.tolist():
            x, y, w, h = stats[piece, :4]
            box = out[y:y + h, x:x + w]
            box[labels[y:y + h, x:x + w] == piece] = 0
        return out
    out[small[labels]] = 0
    return out


def without_isolated_specks(ink: np.ndarray) -> np.ndarray:
    """The ink mask without small pieces that stand alone: toner specks and dust, which on a copied
    page can outnumber the glyphs.  A small piece near larger ink (a radical beside the rest of its
    character, a 。 after its sentence) is kept."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] <= _SPECK_MAX_AREA_PX
    small[0] = False
    if not small.any():
        return ink
    if np.count_nonzero(small) <= _FEW_PIECES:
        return _without_lone_pieces(ink, labels, stats, small)
    in_small = small[labels]
    larger = np.where(in_small | (ink == 0), 0, 255).astype(np.uint8)
    reach = 2 * _SPECK_ALONE_PX + 1
    near_larger = cv2.dilate(larger, cv2.getStructuringElement(cv2.MORPH_RECT, (reach, reach))) > 0
    # Only the small pieces' own pixels are asked (a fancy assignment, not a sort of the page's labels).
    accompanied = np.zeros(count, dtype=bool)
    accompanied[labels[near_larger & in_small]] = True
    alone = small & ~accompanied
    out = ink.astype(np.uint8, copy=True)
    out[alone[labels]] = 0
    return out


def _without_lone_pieces(ink: np.ndarray, labels: np.ndarray, stats: np.ndarray, small: np.ndarray) -> np.ndarray:
    """without_isolated_specks for a page with few small pieces (a clean or born-digital page): each
    piece asked in its own box widened by _SPECK_ALONE_PX, where all the ink near enough to keep
    it lies; the same answer as the whole-page masks, without their full-page passes."""
    height, width = labels.shape
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * _SPECK_ALONE_PX + 1, 2 * _SPECK_ALONE_PX + 1))
    out = ink.astype(np.uint8, copy=True)
    for piece in np.flatnonzero(small).tolist():
        x, y, w, h = stats[piece, :4]
        x0, y0 = max(0, x - _SPECK_ALONE_PX), max(0, y - _SPECK_ALONE_PX)
        x1, y1 = min(width, x + w + _SPECK_ALONE_PX), min(height, y + h + _SPECK_ALONE_PX)
        window = labels[y0:y1, x0:x1]
        larger = ((window > 0) & ~small[window]).astype(np.uint8)
        own = window == piece
        if not (cv2.dilate(larger, kernel) > 0)[own].any():
            out[y0:y1, x0:x1][own] = 0
    return out


def measure_char_height(ink: np.ndarray) -> float:
    """Typical glyph height in pixels, from connected components that look like glyphs.

    Specks standing alone are left out first (a copied page can hold more of them than glyphs);
    ruling lines and remaining specks are excluded by shape; CJK glyphs split into radicals are
    merged first by a small closing so a glyph counts once.
    """
    closed = cv2.morphologyEx(without_isolated_specks(ink), cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    _, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    w, h, area = (stats[1:, field] for field in (cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT, cv2.CC_STAT_AREA))
    glyph_like = ((h >= _MIN_GLYPH_HEIGHT_PX) & (w >= _MIN_GLYPH_WIDTH_PX) & (area >= _MIN_GLYPH_AREA_PX)
                  & (w <= 4 * h) & (h <= 4 * w)  # lines are not glyphs
                  & (h <= ink.shape[0] / 15))
    heights = h[glyph_like]
    if len(heights) < 10:
        return DEFAULT_CHAR_HEIGHT_PX
    # Body text, not titles: drop glyphs far taller than the typical one, then take a
    # high percentile so CJK glyphs (taller than digits) set the height.
    typical = float(np.median(heights))
    body = heights[heights <= 1.5 * typical]
    return float(np.percentile(body, 80))


def estimate_skew(ink: np.ndarray, max_deg: float, step_deg: float) -> float:
    """Skew angle in degrees (counter-clockwise positive) that best aligns rows of ink.

    Projection-profile search on a reduced image: the angle whose horizontal
    projection is the most peaked (text lines and ruling lines sharp).
    """
    scale = min(1.0, 1000.0 / max(ink.shape))
    small = cv2.resize(ink, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    coarse = _best_angle(small, np.arange(-max_deg, max_deg + 1e-9, 0.5))
    fine = _best_angle(small, np.arange(coarse - 0.5, coarse + 0.5 + 1e-9, step_deg))
    return float(round(fine, 3))


def _best_angle(ink: np.ndarray, angles: np.ndarray) -> float:
    height, width = ink.shape
    center = (width / 2, height / 2)
    best_angle, best_score = 0.0, -1.0
    for angle in angles:
        matrix = cv2.getRotationMatrix2D(center, float(angle), 1.0)
        rotated = cv2.warpAffine(ink, matrix, (width, height), flags=cv2.INTER_NEAREST, borderValue=0)
        profile = rotated.sum(axis=1, dtype=np.float64)
        score = float(np.square(np.diff(profile)).sum())
        if score > best_score:
            best_angle, best_score = float(angle), score
    return best_angle


def rotate(gray: np.ndarray, angle_deg: float) -> np.ndarray:
    """Rotate by a small angle about the centre, keeping the size, filling with white."""
    if abs(angle_deg) < 1e-3:
        return gray
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle_deg, 1.0)
    return cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)


def rotate_quarter_turns(gray: np.ndarray, degrees_clockwise: int) -> np.ndarray:
    """Rotate by 0/90/180/270 degrees clockwise, exactly (no resampling)."""
    turns = (degrees_clockwise // 90) % 4
    if turns == 0:
        return gray
    codes = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(gray, codes[turns])


def text_runs_are_vertical(ink_without_lines: np.ndarray, char_height: float) -> bool:
    """True when the text reads top-to-bottom, i.e. the page lies turned by 90 or 270 degrees.

    Glyphs of one line sit closer together along the reading direction than
    lines do across it, so a closing with a short kernel in the reading
    direction merges them into long strips; we compare both directions.
    """
    k = max(3, int(round(char_height * 0.6)))
    horizontal = cv2.morphologyEx(ink_without_lines, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    vertical = cv2.morphologyEx(ink_without_lines, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k)))
    return _elongated_strips(vertical, char_height, axis=0) > 1.5 * _elongated_strips(horizontal, char_height, axis=1)


def _elongated_strips(mask: np.ndarray, char_height: float, axis: int) -> int:
    """Count components at least three glyphs long along ``axis`` (1 = x, 0 = y) and one glyph thin."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    long_side = stats[1:, cv2.CC_STAT_WIDTH] if axis == 1 else stats[1:, cv2.CC_STAT_HEIGHT]
    short_side = stats[1:, cv2.CC_STAT_HEIGHT] if axis == 1 else stats[1:, cv2.CC_STAT_WIDTH]
    return int(np.count_nonzero((long_side >= 3 * char_height) & (short_side <= 2 * char_height)))
