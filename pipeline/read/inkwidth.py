"""Ink a reading does not account for.

A recogniser that drops a character (the · of 元/生·年, the 〕 of 〔2024〕, a 。) still
leaves its ink in the line image.  Two measures find such drops whichever engine read
the line, and whatever the two engines agreed on:

- width: the line's ink width against the width its text needs (in ems, from each
  character's East Asian width), about one em for a dropped full-width glyph.  The em
  is measured on the grid itself: the median width per predicted em over its longer lines.
- loose marks: a narrow mark (· 、 ， . “) stands apart from the glyphs beside it, as a
  small blob of its own columns; recognisers drop exactly these.  A line with more
  loose marks than its text has punctuation holds a mark the reading lost.  The width
  measure cannot see these: a · is a quarter em wide in many fonts.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Sequence

import numpy as np

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


# A loose mark: a blob with columns of its own, at most this size (character heights) both ways
# (a Kai 。 measures about 0.35, Song and Hei ones about 0.2), not thinner than the floor (a
# hairline is ruling or underline residue, not a printed mark) ...
_MARK_MAX_CH = 0.4
_MARK_MIN_CH = 0.05
# ... roughly round (a dash or a rule stub is long), with at least this much ink (ch²: no speck).
_MARK_MAX_ASPECT = 3.5
_MARK_MIN_AREA_CH2 = 0.008
# White columns that set a mark apart from its neighbours (a · sits close to both).
_MARK_GAP_CH = 0.04
# How many loose marks each character may show: punctuation, and the few glyphs whose dots stand
# clear of their other strokes.  Quotes and semicolons print as one or two pieces.
_LOOSE_MARKS = {**dict.fromkeys("·・‧•.,、。，．'`‘’°-_*", 1), **dict.fromkeys("“”\"；;：:", 2),
                **dict.fromkeys("…⋯", 3), **dict.fromkeys("小必办℃", 1), "心": 2}


def loose_marks(ink: np.ndarray, char_height: float) -> int:
    """How many loose marks a line's ink mask (True = ink) shows."""
    columns = np.flatnonzero(ink.any(axis=0))
    if columns.size == 0:
        return 0
    gap = max(1, int(round(char_height * _MARK_GAP_CH)))
    breaks = np.flatnonzero(np.diff(columns) > gap)
    starts = np.concatenate(([columns[0]], columns[breaks + 1]))
    ends = np.concatenate((columns[breaks], [columns[-1]])) + 1
    count = 0
    for start, end in zip(starts.tolist(), ends.tolist()):
        piece = ink[:, start:end]
        rows = np.flatnonzero(piece.any(axis=1))
        width, height = end - start, int(rows[-1] - rows[0] + 1)
        small, large = min(width, height), max(width, height)
        if not (_MARK_MIN_CH * char_height <= small and large <= _MARK_MAX_CH * char_height):
            continue
        if large > _MARK_MAX_ASPECT * small:
            continue
        if piece.sum() >= _MARK_MIN_AREA_CH2 * char_height**2:
            count += 1
    return count


def unread_marks(marks: int, text: str) -> int:
    """Loose marks beyond what the characters of ``text`` may show: marks the reading lost."""
    return max(0, marks - sum(_LOOSE_MARKS.get(char, 0) for char in text))
