"""Office copies: a photocopy then scanned, and a fax.

A copier prints with toner, which is on or off: greys become half-tone dot screens, strokes
thicken, loose toner leaves specks and worn spots drop ink.  A fax sends 1-bit lines at half
the vertical resolution and prints them stretched back to the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from samplegen.captures.base import Captured, PageInk, finish, skew_angle, worn_rules
from samplegen.captures.geometry import affine3, chain, turn, turn_matrix, warp_of
from samplegen.scan import ScanLevel

TONER = 28.0  # grey level of fused toner as the scanner sees it


def dot_screen(h: int, w: int, period: float, angle_deg: float, phase: tuple[float, float]) -> np.ndarray:
    """A clustered-dot threshold screen in (0, 1): a grey g gets toner where g < screen, so a light
    grey becomes small round dots on a rotated lattice, a dark grey large ones, black stays solid."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = np.deg2rad(angle_deg)
    u = (np.cos(a) * xx + np.sin(a) * yy) * (2 * np.pi / period) + phase[0]
    v = (-np.sin(a) * xx + np.cos(a) * yy) * (2 * np.pi / period) + phase[1]
    screen = 0.5 - 0.25 * (np.cos(u) + np.cos(v))
    return 0.02 + 0.96 * screen


@dataclass(frozen=True, slots=True)
class Photocopy:
    """An office photocopy of the printout, then scanned in greyscale."""

    name: str = "photocopy"
    screen_period: float = 5.0  # px at 200 dpi: a coarse ~40 lpi screen, its dots plainly visible
    screen_angle: float = 45.0
    # The copier's contrast: greys darker than ``black_point`` print solid, lighter than
    # ``white_point`` not at all, and the ones between are screened (strokes come out bolder).
    black_point: float = 0.45
    white_point: float = 0.95
    specks: int = 350  # loose toner specks per page (mean)
    dropouts: int = 30  # worn spots where toner did not stick (mean)
    haze: float = 10.0  # grey levels of background toner on the white
    streak_chance: float = 0.3  # a dirty-glass streak down the page
    seal_share: float = 0.0
    # The copier works at twice the scan's resolution, as its 600 dpi engine does against a 200-300 dpi
    # scan: small text stays solid toner there, and only the greys break into dots.
    oversample: int = 2

    def dpi(self, level: ScanLevel) -> int:
        return level.dpi

    def capture(self, page: np.ndarray, ink: PageInk, level: ScanLevel, rng: np.random.Generator) -> Captured:
        big_h, big_w = page.shape  # at the copier's resolution
        k = self.oversample
        out = worn_rules(page, ink, level, rng)
        grey = np.clip((out / 255.0 - self.black_point) / (self.white_point - self.black_point), 0.0, 1.0)
        period = self.screen_period * k * level.dpi / 200
        phase = (rng.uniform(0, 6.3), rng.uniform(0, 6.3))
        screen = dot_screen(big_h, big_w, period, self.screen_angle, phase)
        toner = grey < screen
        copy = np.where(toner, TONER, 255.0 - self.haze * rng.uniform(0.3, 1.0)).astype(np.float32)
        for _ in range(int(rng.poisson(self.specks))):
            centre = (int(rng.integers(0, big_w)), int(rng.integers(0, big_h)))
            radius = int(rng.integers(0, 3)) * k
            cv2.circle(copy, centre, radius, TONER + float(rng.uniform(0, 60)), thickness=-1)
        for _ in range(int(rng.poisson(self.dropouts))):
            centre = (int(rng.integers(0, big_w)), int(rng.integers(0, big_h)))
            axes = (int(rng.integers(1, 6)) * k, int(rng.integers(1, 4)) * k)
            cv2.ellipse(copy, centre, axes, float(rng.uniform(0, 180)), 0, 360, 255.0, thickness=-1)
        if rng.random() < self.streak_chance:
            x = int(rng.integers(big_w // 10, big_w - big_w // 10))
            copy[:, x : x + int(rng.integers(1, 3)) * k] *= np.float32(rng.uniform(0.7, 0.85))
        # The copy is scanned at the level's dpi: the copier's resolution averaged down, then skewed.
        w, h = big_w // k, big_h // k
        copy = cv2.resize(copy, (w, h), interpolation=cv2.INTER_AREA)
        down = np.diag([w / big_w, h / big_h, 1.0])
        angle = skew_angle(level, rng)
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        out = cv2.warpAffine(copy, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255.0 - self.haze)
        image = turn(finish(out, level, rng), ink.turn)
        turn_m, size = turn_matrix(ink.turn, w, h)
        return Captured(image, warp_of(chain(chain(down, affine3(m)), turn_m), (big_w, big_h), size), "jpeg")


@dataclass(frozen=True, slots=True)
class Fax:
    """A fax: 1-bit, 200 dpi across and 100 lines per inch down, printed stretched back to square pixels."""

    name: str = "fax"
    across_dpi: int = 200
    lines_per_inch: int = 100
    threshold: float = 150.0  # grey at which the fax's sensor calls a pixel black
    dropout_lines: int = 4  # transmission errors: whole scan lines lost (mean per page)
    header: str = "FROM : 0352-6021388      2025-03-14 09:12      P.{page:03d}"
    seal_share: float = 0.0
    oversample: int = 1

    def dpi(self, level: ScanLevel) -> int:
        return self.across_dpi

    def capture(self, page: np.ndarray, ink: PageInk, level: ScanLevel, rng: np.random.Generator) -> Captured:
        h, w = page.shape
        out = worn_rules(page, ink, level, rng)
        angle = skew_angle(level, rng)
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        out = cv2.warpAffine(out, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255.0)
        lines = round(h * self.lines_per_inch / self.across_dpi)
        sent = cv2.resize(out, (w, lines), interpolation=cv2.INTER_AREA)
        # The sending machine stamps its header line over the top margin.
        header = np.full(sent.shape, 255, dtype=np.uint8)
        cv2.putText(header, self.header.format(page=ink.number), (round(w * 0.04), 14),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.45, 0, 1)
        sent = np.minimum(sent, header.astype(np.float32))
        sent = sent + rng.normal(0.0, level.noise_sigma + 6.0, size=sent.shape).astype(np.float32)
        bits = np.where(sent < self.threshold, 0, 255).astype(np.uint8)
        for _ in range(int(rng.poisson(self.dropout_lines))):
            row = int(rng.integers(0, lines))
            bits[row] = 255 if rng.random() < 0.7 else np.where(rng.random(w) < 0.5, 0, 255).astype(np.uint8)
        image = cv2.resize(bits, (w, h), interpolation=cv2.INTER_NEAREST)
        image = turn(image, ink.turn)
        turn_m, size = turn_matrix(ink.turn, w, h)
        return Captured(image, warp_of(chain(affine3(m), turn_m), (w, h), size), "png")
