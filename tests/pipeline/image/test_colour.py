"""Coloured ink (an official seal, a blue stamp) taken out before anything is binarised; black text kept."""

from __future__ import annotations

import cv2
import numpy as np

from _images import blank, put_text
from pipeline.image.colour import without_coloured_ink


def stamped(ink_rgb: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(RGB page, text mask, seal mask): black text, then a seal of ``ink_rgb`` transmission stamped over it."""
    text = put_text(blank(300, 700), (40, 110), "1,030.50 行政运行", size=48)
    text_mask = text < 128
    seal = np.zeros((300, 700), np.uint8)
    cv2.circle(seal, (380, 140), 110, 255, 9)
    cv2.putText(seal, "SEAL", (280, 170), cv2.FONT_HERSHEY_SIMPLEX, 2.2, 255, 8)
    seal_mask = seal > 0
    paper = np.array([245, 240, 228], np.float32)
    page = np.ones((300, 700, 3), np.float32) * paper * (text[..., None] / 255.0)
    # Ink multiplies: where the seal covers text, the text stays black.
    page *= 1 - seal_mask[..., None] * (1 - np.array(ink_rgb, np.float32))
    return np.clip(page, 0, 255).astype(np.uint8), text_mask, seal_mask


def test_a_red_seal_is_taken_out_and_the_text_under_it_kept() -> None:
    page, text_mask, seal_mask = stamped((0.9, 0.2, 0.2))
    gray = without_coloured_ink(page)
    seal_only = seal_mask & ~cv2.dilate(text_mask.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    assert gray[seal_only].mean() > 225  # the seal's strokes are paper now
    assert cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)[seal_only].mean() < 130  # as plain grey they were ink
    covered = text_mask & seal_mask
    assert covered.sum() > 50 and gray[covered].mean() < 80  # text under the seal still black
    assert gray[text_mask & ~seal_mask].mean() < 60


def test_blue_ink_goes_too() -> None:
    page, text_mask, seal_mask = stamped((0.25, 0.35, 0.95))
    seal_only = seal_mask & ~cv2.dilate(text_mask.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    assert without_coloured_ink(page)[seal_only].mean() > 225


def test_a_grey_page_stored_as_colour_is_its_one_channel() -> None:
    gray = put_text(blank(100, 300), (10, 30), "合计 100.00")
    assert np.array_equal(without_coloured_ink(np.dstack([gray, gray, gray])), gray)
