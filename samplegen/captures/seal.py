"""A red round official seal (公章): ring, five-pointed star, the department's name along the upper arc.

Drawn as an ink-coverage mask (0 no ink, 1 full ink) with Pillow; the caller lays it over the
page in red, multiplied like ink, so the print under it still shows through.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

import cv2

SEAL_MM = 42.0  # the usual diameter of an organ's official seal
RED = np.array([0.80, 0.10, 0.14], dtype=np.float32)  # seal ink, as a share of white per channel


def _star(cx: float, cy: float, r_out: float) -> list[tuple[float, float]]:
    r_in = r_out * 0.382
    points = []
    for i in range(10):
        a = -np.pi / 2 + i * np.pi / 5
        r = r_out if i % 2 == 0 else r_in
        points.append((cx + r * np.cos(a), cy + r * np.sin(a)))
    return points


def seal_mask(diameter: int, text: str, font_path: Path, rng: np.random.Generator) -> np.ndarray:
    """(diameter, diameter) float32 ink coverage of one stamp, with uneven pressure and speckled ink."""
    size = diameter
    image = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(image)
    ring = max(2, round(size * 0.035))
    draw.ellipse((ring // 2, ring // 2, size - 1 - ring // 2, size - 1 - ring // 2), outline=255, width=ring)
    c = size / 2
    draw.polygon(_star(c, c, size * 0.16), fill=255)
    glyph = max(8, round(size * 0.15))
    font = ImageFont.truetype(str(font_path), glyph)
    radius = size / 2 - ring - glyph * 0.75
    span = min(250.0, 30.0 * len(text))  # degrees of arc the name covers, centred on the top
    for i, char in enumerate(text):
        # degrees, 0 pointing right, clockwise (image y grows down)
        angle = -90.0 - span / 2 + span * (i + 0.5) / len(text)
        tile = Image.new("L", (glyph * 2, glyph * 2), 0)
        ImageDraw.Draw(tile).text((glyph, glyph), char, font=font, fill=255, anchor="mm")
        tile = tile.rotate(-(angle + 90.0), resample=Image.BICUBIC)  # the glyph's top faces outwards
        x = c + radius * np.cos(np.deg2rad(angle)) - glyph
        y = c + radius * np.sin(np.deg2rad(angle)) - glyph
        image.paste(255, (round(x), round(y)), tile)
    mask = np.asarray(image, dtype=np.float32) / 255.0
    # A hand stamp: pressure falls off across the seal, ink is grainy, and the edge is soft.
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    tilt = rng.uniform(0, 2 * np.pi)
    pressure = 0.95 - rng.uniform(0.1, 0.4) * np.clip(np.cos(tilt) * xx + np.sin(tilt) * yy, 0, 1)
    grain = cv2.GaussianBlur(rng.random((size, size)).astype(np.float32), (0, 0), 1.2)
    grain = np.clip(0.55 + 1.6 * (grain - grain.mean()), 0.0, 1.0)
    mask = cv2.GaussianBlur(mask, (0, 0), 0.8) * pressure * (0.6 + 0.4 * grain)
    return np.clip(mask * rng.uniform(0.75, 0.9), 0.0, 1.0)


def stamp(rgb: np.ndarray, mask: np.ndarray, centre: tuple[int, int]) -> np.ndarray:
    """Multiply red ink over ``rgb`` (float, 0-255, h x w x 3), the mask centred at ``centre``,
    clipped to the page."""
    h, w = rgb.shape[:2]
    size = mask.shape[0]
    x0, y0 = centre[0] - size // 2, centre[1] - size // 2
    sx0, sy0 = max(0, -x0), max(0, -y0)
    dx0, dy0 = max(0, x0), max(0, y0)
    dx1, dy1 = min(w, x0 + size), min(h, y0 + size)
    if dx1 <= dx0 or dy1 <= dy0:
        return rgb
    part = mask[sy0 : sy0 + dy1 - dy0, sx0 : sx0 + dx1 - dx0][..., None]
    out = rgb.copy()
    out[dy0:dy1, dx0:dx1] *= 1.0 - part * (1.0 - RED)
    return out
