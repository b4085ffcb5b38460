"""Flatbed scans: the samples' own (``flatbed``, ``gray150``) and one with the lid's shadow and punch holes.

``flatbed`` is exactly ``samplegen.scan.degrade_page``: the mild/harsh family the samples use.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from samplegen.captures.base import Captured, PageInk, finish, worn_rules, skew_angle
from samplegen.captures.geometry import affine3, chain, turn, turn_matrix, warp_of
from samplegen.scan import ScanLevel, degrade_page

MM_PER_INCH = 25.4


@dataclass(frozen=True, slots=True)
class Flatbed:
    """A flatbed scan in greyscale at the level's dpi, or at ``dpi`` when set (``gray150``)."""

    name: str = "flatbed"
    fixed_dpi: int | None = None
    seal_share: float = 0.0
    oversample: int = 1

    def dpi(self, level: ScanLevel) -> int:
        return self.fixed_dpi or level.dpi

    def capture(self, page: np.ndarray, ink: PageInk, level: ScanLevel, rng: np.random.Generator) -> Captured:
        image, transform = degrade_page(page, ink.cells, level, ink.turn, rng)
        matrix = affine3(np.array(transform.matrix).reshape(2, 3))
        return Captured(image, warp_of(matrix, transform.src_size, transform.dst_size), "jpeg")


@dataclass(frozen=True, slots=True)
class FlatbedLid:
    """The sheet laid off-square on the glass: the dark lid shows along two edges and through the
    two punch holes."""

    name: str = "flatbed_lid"
    lid_gray: float = 40.0  # the lid (or the dark room, lid open) where no paper covers the glass
    min_shift: float = 0.012  # the sheet's offset on the glass, share of the page's width / height
    max_shift: float = 0.035
    hole_mm: float = 6.0  # a two-hole punch: 6 mm holes, 80 mm apart, 12 mm from the binding edge
    hole_spacing_mm: float = 80.0
    hole_edge_mm: float = 12.0
    seal_share: float = 0.0
    oversample: int = 1

    def dpi(self, level: ScanLevel) -> int:
        return level.dpi

    def holes(self, w: int, h: int, dpi: int) -> list[tuple[int, int]]:
        """Hole centres in page pixels: on the left edge of a portrait page; a landscape page is
        printed turned on the sheet, so the sheet's left edge is the page's top."""
        px = dpi / MM_PER_INCH
        edge, half = self.hole_edge_mm * px, self.hole_spacing_mm * px / 2
        if w <= h:
            return [(round(edge), round(h / 2 - half)), (round(edge), round(h / 2 + half))]
        return [(round(w / 2 - half), round(edge)), (round(w / 2 + half), round(edge))]

    def capture(self, page: np.ndarray, ink: PageInk, level: ScanLevel, rng: np.random.Generator) -> Captured:
        h, w = page.shape
        dpi = self.dpi(level)
        out = worn_rules(page, ink, level, rng)
        paper = np.ones((h, w), dtype=np.float32)
        radius = round(self.hole_mm / 2 * dpi / MM_PER_INCH)
        for centre in self.holes(w, h, dpi):
            cv2.circle(paper, centre, radius, 0.0, thickness=-1, lineType=cv2.LINE_AA)
        angle = skew_angle(level, rng)
        dx = float(rng.choice([-1.0, 1.0]) * rng.uniform(self.min_shift, self.max_shift) * w)
        dy = float(rng.choice([-1.0, 1.0]) * rng.uniform(self.min_shift, self.max_shift) * h)
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        m[:, 2] += (dx, dy)
        out = cv2.warpAffine(out, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255.0)
        paper = cv2.warpAffine(paper, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=0.0)
        # The sheet's edge throws a soft shadow onto the glass beside it.
        shadow = cv2.GaussianBlur(paper, (0, 0), 4.0)
        lid = self.lid_gray * (0.75 + 0.25 * shadow) + rng.normal(0.0, 6.0, size=(h, w)).astype(np.float32)
        out = out * paper + lid * (1.0 - paper)
        image = turn(finish(out, level, rng), ink.turn)
        turn_m, size = turn_matrix(ink.turn, w, h)
        return Captured(image, warp_of(chain(affine3(m), turn_m), (w, h), size), "jpeg")
