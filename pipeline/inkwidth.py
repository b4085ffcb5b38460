"""Ink a reading does not account for: the width of a line against the width of its text.

A recogniser that drops a character (the · of 元/生·年, the 〕 of 〔2024〕, a 。) still
leaves its ink in the line image, one em wide for a full-width mark.  Comparing the
line's ink width with the width its text needs (in ems, from each character's East
Asian width) finds such drops whichever engine read the line, and whatever the two
engines agreed on.  The em is measured on the grid itself: the median width per
predicted em over its longer lines.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Sequence

# Width in ems by East Asian width class; half-width digits and letters are about 0.6 em.
_FULL = 1.0
_HALF_ALNUM = 0.6
_PERCENT = 0.9  # % is nearly as wide as a CJK glyph in the fonts these documents use
_HALF_OTHER = 0.35
# Recognisers write a full-width （ ） ， ： ； as its ASCII twin: either width is possible.
_EITHER = frozenset("(),:;!?")
_EITHER_WIDTH = 0.7
# A full-width opening mark that starts a line, or a closing one that ends it, inks only
# its inner side: the rest of its em lies outside the line's ink.
_OPENING = frozenset("（〔《“‘【「『(")
_CLOSING = frozenset("）〕》”’】」』)。，、；：！？")
_EDGE_MARK = 0.4
# Lines with at least this many predicted ems set the grid's em.
_MIN_EMS_FOR_SCALE = 4.0
_MIN_LINES_FOR_SCALE = 3


def predicted_ems(text: str) -> float:
    """How many ems ``text`` needs when printed: full-width and ambiguous (·, “, ≥) one each."""
    total = 0.0
    chars = [char for char in text if not char.isspace()]
    for index, char in enumerate(chars):
        if (index == 0 and char in _OPENING) or (index == len(chars) - 1 and char in _CLOSING):
            total += _EDGE_MARK
            continue
        kind = unicodedata.east_asian_width(char)
        if kind in ("W", "F", "A"):
            total += _FULL
        elif char == "%":
            total += _PERCENT
        elif char in _EITHER:
            total += _EITHER_WIDTH
        elif char.isalnum():
            total += _HALF_ALNUM
        else:
            total += _HALF_OTHER
    return total


def em_width(lines: Sequence[tuple[float, str]], fallback: float) -> float:
    """Pixels per em over (ink width, text) pairs; ``fallback`` when too few long lines."""
    ratios = [width / ems for width, text in lines if (ems := predicted_ems(text)) >= _MIN_EMS_FOR_SCALE]
    return statistics.median(ratios) if len(ratios) >= _MIN_LINES_FOR_SCALE else fallback


def unexplained_ems(ink_width: float, text: str, em: float) -> float:
    """Ems of ink beyond what the text needs (0 when the text explains it all)."""
    return max(0.0, ink_width / em - predicted_ems(text))
