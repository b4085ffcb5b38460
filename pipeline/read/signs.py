"""A comparison sign's bar, read from the ink: ≥ and ≤ where a recogniser returned > and <.

The 绩效目标 forms print ≥ and ≤ before their indicator values; in the CJK faces (the
slanted ⩾ of Kai and Song, the barred ≥ of Hei) the bar under the chevron is thin, and both
engines read the sign as a bare > or < on some scans.  The bar is plain in the ink: it puts
more of the first glyph's ink below its middle than above, where a bare chevron is
symmetric (rendered in six faces at three sizes, bare signs at most 1.11 times as much ink
below as above, barred ones 1.11 to 1.68, most over 1.3; Kai scans of the looks 1.40 to 2.26).
Only a clear bar changes the reading; anything between leaves the bare sign, which
pipeline.interpret.facts then doubts (``comparison_sign_unsure``).
"""

from __future__ import annotations

import numpy as np

_BARRED = {">": "≥", "＞": "≥", "<": "≤", "＜": "≤"}
# Ink below the first glyph's middle over ink above it, at or beyond which the glyph has a bar.
_BAR_RATIO = 1.25
# Darker than this (0..255) is ink in an engine's line image (text on white).
_INK_LEVEL = 160
# Blank columns (character heights) that end the first glyph; a glyph is at most this wide.
_GLYPH_GAP_CH = 0.08
_GLYPH_MAX_CH = 1.2


def with_comparison_bar(text: str, line_image: np.ndarray, char_height: float) -> str:
    """``text`` with its leading bare > or < read as ≥ or ≤ where the line's first glyph has a bar."""
    stripped = text.lstrip()
    if not stripped or stripped[0] not in _BARRED or line_image.size == 0:
        return text
    ratio = lower_ink_ratio(line_image, char_height)
    if ratio is None or ratio < _BAR_RATIO:
        return text
    start = len(text) - len(stripped)
    return text[:start] + _BARRED[stripped[0]] + stripped[1:]


def lower_ink_ratio(line_image: np.ndarray, char_height: float) -> float | None:
    """Ink of the line's first glyph below its middle over ink above it (None: no ink)."""
    ink = line_image < _INK_LEVEL
    if ink.ndim == 3:
        ink = ink.any(axis=2)
    columns = np.flatnonzero(ink.any(axis=0))
    if columns.size == 0:
        return None
    gap = max(2, int(round(_GLYPH_GAP_CH * char_height)))
    first = end = int(columns[0])
    while end < ink.shape[1] and end - first < _GLYPH_MAX_CH * char_height and ink[:, end:end + gap].any():
        end += 1
    glyph = ink[:, first:end]
    rows = np.flatnonzero(glyph.any(axis=1))
    top, bottom = int(rows[0]), int(rows[-1])
    middle = (top + bottom + 1) / 2
    above = int(glyph[top:int(np.floor(middle))].sum())
    below = int(glyph[int(np.ceil(middle)):bottom + 1].sum())
    return below / max(1, above)
