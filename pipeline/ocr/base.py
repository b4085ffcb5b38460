"""The one OCR contract every engine honours.

Engines read *line images*: grayscale crops holding one line of text (a cell
is cut into its lines before it reaches an engine).  Reading isolated lines
is what makes ruled tables work: whole-page OCR reads the ruling lines as
text and merges neighbouring cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np


# A line image narrower or lower than this (pixels) holds nothing an engine can read: engines return an
# empty reading for it (a sliver left between two ruling lines, a crop cut to a few pixels by a warp).
MIN_LINE_SIDE_PX = 4


@dataclass(frozen=True, slots=True)
class LineReading:
    text: str
    confidence: float  # 0..1, the engine's own score


class OcrEngine(Protocol):
    name: str

    def read_lines(self, images: Sequence[np.ndarray]) -> list[LineReading]:
        """Read each grayscale line image; one reading per image, in order."""
        ...


class OcrEngineError(RuntimeError):
    """An engine crashed or is not installed; the page is recorded as failed."""
