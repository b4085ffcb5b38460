"""What every capture shares: the page it is given, what it returns, and the scanner's finish.

A capture turns one rendered page (grey, at the capture's dpi) into the image a reader gets,
and says where the page's points went (a ``Warp``).  Every random choice comes from the one
``numpy.random.Generator`` the caller passes, in a fixed order, so a capture is deterministic.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Literal, Protocol

import cv2
import numpy as np
from PIL import Image

from samplegen.captures.geometry import BBox, Warp
from samplegen.scan import ScanLevel, damage_lines, grid_segments, illumination


@dataclass(frozen=True, slots=True)
class PageInk:
    """What the capture knows of one rendered page."""

    number: int  # 1-based page number in the document
    cells: tuple[BBox, ...]  # table cells (page fractions): ruling lines to damage, places for a seal
    table: BBox | None  # the table region, if the page has one
    turn: int = 0  # clockwise degrees the captured image is turned
    seal: bool = False  # an official seal is stamped over this page's table
    seal_text: str = ""  # the seal's arced text (the department's name)


@dataclass(frozen=True, slots=True)
class Captured:
    """One captured page: the image (grey, 1-bit or colour) and where the page's points landed."""

    image: np.ndarray
    warp: Warp
    encoding: Literal["jpeg", "png"]


class Capture(Protocol):
    """One value of the capture axis."""

    name: str
    seal_share: float  # share of table pages stamped with a seal before capture
    oversample: int  # the page is rasterised at this multiple of ``dpi`` for the capture to work on

    def dpi(self, level: ScanLevel) -> int:
        """The resolution the page is rasterised and the image stored at."""
        ...

    def capture(self, page: np.ndarray, ink: PageInk, level: ScanLevel, rng: np.random.Generator) -> Captured:
        ...


def skew_angle(level: ScanLevel, rng: np.random.Generator) -> float:
    """Degrees, drawn as the flatbed scan draws it: a random side, at least a quarter of the level's
    maximum."""
    return float(rng.choice([-1.0, 1.0]) * rng.uniform(0.25, 1.0) * level.max_skew_deg)


def worn_rules(page: np.ndarray, ink: PageInk, level: ScanLevel, rng: np.random.Generator) -> np.ndarray:
    """The page as float grey with the level's faint and broken ruling lines (worn toner, thin scans)."""
    h, w = page.shape
    if not ink.cells:
        return page.astype(np.float32)
    return damage_lines(page, grid_segments(ink.cells, w, h), level, rng)


def smooth_field(h: int, w: int, strength: float, rng: np.random.Generator) -> np.ndarray:
    """``samplegen.scan.illumination`` drawn on a grid 8 times coarser and scaled up: the field is
    smooth anyway, and a photo's frame is too large to compute it pixel by pixel."""
    coarse = illumination(max(2, h // 8), max(2, w // 8), strength, rng)
    return cv2.resize(coarse, (w, h), interpolation=cv2.INTER_LINEAR)


def finish(out: np.ndarray, level: ScanLevel, rng: np.random.Generator) -> np.ndarray:
    """The scanner's own marks on a grey or colour float image: uneven light, grain, optics blur -> uint8.

    Colour images get one grain for all channels (luminance noise), a third of the cost of three.
    """
    h, w = out.shape[:2]
    light = smooth_field(h, w, level.illumination, rng)
    grain = rng.standard_normal((h, w), dtype=np.float32) * np.float32(level.noise_sigma)
    if out.ndim == 3:
        out = out * light[..., None] + grain[..., None]
    else:
        out = out * light + grain
    if level.blur_sigma > 0:
        out = cv2.GaussianBlur(out, (0, 0), level.blur_sigma)
    return np.clip(out, 0, 255).astype(np.uint8)


def encode(captured: Captured, quality: int, dpi: int) -> bytes:
    """JPEG (grey or colour) at the level's quality, or a 1-bit PNG; fixed settings, so the bytes repeat."""
    buf = io.BytesIO()
    image = captured.image
    if captured.encoding == "png":
        Image.fromarray(image > 127).save(buf, "PNG", dpi=(dpi, dpi))
    else:
        mode = "RGB" if image.ndim == 3 else "L"
        Image.fromarray(image, mode=mode).save(buf, "JPEG", quality=quality, dpi=(dpi, dpi), optimize=True)
    return buf.getvalue()
