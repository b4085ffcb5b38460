"""Colour pages to grey with coloured ink taken out: official seals (公章), stamps, blue signatures.

A phone photo or a colour scan shows a red round seal over some cells.  In grey it is about
as dark as the text under it and would read as ink; by colour it is plain to see.  The pixels
of strongly coloured ink take the grey of the paper around them (a closing of the grey image:
text strokes are thinner than its window), so the grey image every later stage works on shows
the page as if unstamped.  Black text is dark in every channel, so it is never taken for
coloured ink and keeps its own pixels, also where a seal covers it.  (Inpainting was tried: it
drags the dark of nearby text into the filled strokes and makes blots beside the characters.)

Pure functions, arrays in and arrays out: colour images are RGB uint8 (H, W, 3), grey ones
uint8 (H, W), 0 = black.
"""

from __future__ import annotations

import cv2
import numpy as np

# Chroma (brightest minus darkest channel, grey levels) from which a pixel is coloured ink.
# Paper under warm or greenish light (~10-25) and the colour fringes JPEG leaves around black text
# stay below it; a seal's ink does not, even where it is thin and pink (45-80 in a phone photo).
INK_CHROMA = 40
# Coloured ink's own anti-aliased edge, in pixels, taken out with it.
_INK_EDGE_PX = 2
# Coloured ink alone lets most light through in its own channel (a red seal's red channel is near
# the paper's white); where it lies over black text that channel is dark.  Pixels at least this
# share of the local white in their brightest channel are ink alone.
_PURE_INK_SHARE = 0.75
# The window (pixels) the paper under coloured ink is looked for in: narrower than a change of light.
_PAPER_WINDOW_PX = 15
# A solid patch of ink wider than the window (a seal's star) is filled from its rim inwards, one window a step.
_PAPER_REACH_STEPS = 20


def is_neutral(rgb: np.ndarray) -> bool:
    """Whether the three channels are equal everywhere (a grey page stored as colour)."""
    return bool(np.array_equal(rgb[:, :, 0], rgb[:, :, 1]) and np.array_equal(rgb[:, :, 1], rgb[:, :, 2]))


def coloured_ink(rgb: np.ndarray) -> np.ndarray:
    """A mask (255) of the pixels of strongly coloured ink, with their anti-aliased edge."""
    chroma = rgb.max(axis=2).astype(np.int16) - rgb.min(axis=2).astype(np.int16)
    mask = np.where(chroma >= INK_CHROMA, 255, 0).astype(np.uint8)
    size = 2 * _INK_EDGE_PX + 1
    return cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))


def without_coloured_ink(rgb: np.ndarray) -> np.ndarray:
    """The page in grey with its coloured ink turned into the paper around it.

    Where coloured ink lies over black text, the pixel keeps the text: in the ink's own colour
    channel the ink is nearly transparent, so that channel shows the text as it was printed.
    A grey page stored as colour gives its one channel back unchanged.
    """
    if is_neutral(rgb):
        return np.ascontiguousarray(rgb[:, :, 0])
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    mask = coloured_ink(rgb)
    if not mask.any():
        return gray
    brightest = rgb.max(axis=2)
    window = cv2.getStructuringElement(cv2.MORPH_RECT, (_PAPER_WINDOW_PX, _PAPER_WINDOW_PX))
    # The paper under the ink: the brightest grey of the pixels around that are not coloured ink.
    # (A closing would keep a solid star or a thick ring darker than the paper: larger than its window.)
    paper = cv2.dilate(np.where(mask > 0, 0, gray).astype(np.uint8), window)
    for _ in range(_PAPER_REACH_STEPS):
        inside = paper == 0
        if not inside.any():
            break
        paper = np.where(inside, cv2.dilate(paper, window), paper)
    local_white = cv2.dilate(brightest, window)
    pure_ink = (mask > 0) & (brightest.astype(np.float32) >= _PURE_INK_SHARE * local_white)
    over_text = (mask > 0) & ~pure_ink
    return np.where(pure_ink, paper, np.where(over_text, brightest, gray)).astype(np.uint8)
