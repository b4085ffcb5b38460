"""A phone photo of the printout: colour, the desk around the sheet, keystone perspective, shading, a seal.

The sheet is photographed from a little off-axis (one edge up to ``max_keystone`` shorter than
the opposite one, as a tilted camera sees it), smaller than the frame and turned a little,
lying on a desk; the light falls off towards the corners.  Some table pages carry a red round
seal stamped over their cells before the photo is taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from samplegen.captures.base import Captured, PageInk, finish, worn_rules
from samplegen.captures.geometry import chain, turn, turn_matrix, warp_of
from samplegen.captures.seal import SEAL_MM, seal_mask, stamp
from samplegen.fonts import SONG
from samplegen.scan import ScanLevel

PAPER = np.array([1.0, 0.985, 0.95], dtype=np.float32)  # office paper under warm room light
DESKS = (  # RGB of the surfaces a sheet is photographed on: light wood, dark wood, grey desk, green mat
    (176.0, 132.0, 92.0), (96.0, 64.0, 44.0), (120.0, 122.0, 126.0), (60.0, 96.0, 72.0),
)


@dataclass(frozen=True, slots=True)
class Phone:
    name: str = "phone"
    max_keystone: float = 0.03  # the short edge is up to 3 % shorter than the opposite one
    sheet_share: tuple[float, float] = (0.78, 0.9)  # the sheet's size as a share of the frame's
    max_turn_deg: float = 2.5  # the sheet lies a little askew
    vignette: float = 0.3  # light lost in the frame's corners
    seal_font: Path = SONG.path
    seal_share: float = 0.5  # of the table pages, the ones stamped (at least one per document)
    oversample: int = 1

    def dpi(self, level: ScanLevel) -> int:
        return level.dpi

    def corners(self, w: int, h: int, frame: tuple[int, int], level: ScanLevel,
                rng: np.random.Generator) -> np.ndarray:
        """Where the sheet's four corners (tl, tr, br, bl) land in the frame."""
        fw, fh = frame
        cx = fw / 2 + rng.uniform(-0.3, 0.3) * (fw - w)
        cy = fh / 2 + rng.uniform(-0.3, 0.3) * (fh - h)
        quad = np.array([[-w, -h], [w, -h], [w, h], [-w, h]], dtype=np.float64) / 2
        # Keystone: the edge farther from the camera comes out shorter.
        k = rng.uniform(0.3, 1.0) * self.max_keystone
        edge = int(rng.integers(0, 4))  # 0 top, 1 right, 2 bottom, 3 left
        pairs = ((0, 1), (1, 2), (2, 3), (3, 0))
        a, b = pairs[edge]
        shrink = (quad[b] - quad[a]) * k / 2
        quad[a] += shrink
        quad[b] -= shrink
        quad += rng.uniform(-0.003, 0.003, size=(4, 2)) * (w, h)
        most = max(self.max_turn_deg, level.max_skew_deg)
        deg = float(rng.choice([-1.0, 1.0]) * rng.uniform(0.2, 1.0) * most)
        t = np.deg2rad(deg)
        rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
        return quad @ rot.T + (cx, cy)

    def desk(self, frame: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
        fw, fh = frame
        base = np.array(DESKS[int(rng.integers(0, len(DESKS)))], dtype=np.float32)
        coarse = cv2.resize(rng.random((8, 6)).astype(np.float32), (fw, fh), interpolation=cv2.INTER_CUBIC)
        grain = cv2.GaussianBlur(rng.random((fh // 2, fw // 2)).astype(np.float32), (0, 0), 1.0)
        grain = cv2.resize(grain, (fw, fh), interpolation=cv2.INTER_LINEAR)
        texture = 0.85 + 0.25 * coarse + 0.6 * (grain - 0.5)
        return base * texture[..., None]

    def capture(self, page: np.ndarray, ink: PageInk, level: ScanLevel, rng: np.random.Generator) -> Captured:
        h, w = page.shape
        out = worn_rules(page, ink, level, rng)
        rgb = out[..., None] * PAPER
        if ink.seal and ink.table is not None:
            mask = seal_mask(round(SEAL_MM / 25.4 * self.dpi(level)), ink.seal_text, self.seal_font, rng)
            rgb = stamp(rgb, mask, self.seal_centre(ink, w, h, rng))
        share = rng.uniform(*self.sheet_share)
        frame = (round(w / share), round(h / share))
        src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
        dst = self.corners(w, h, frame, level, rng).astype(np.float32)
        homography = cv2.getPerspectiveTransform(src, dst)
        sheet = cv2.warpPerspective(rgb, homography, frame, flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
        cover = cv2.warpPerspective(np.ones((h, w), np.float32), homography, frame, flags=cv2.INTER_LINEAR)
        desk = self.desk(frame, rng)
        shadow = cv2.GaussianBlur(cover, (0, 0), 12.0)  # the sheet's shadow on the desk
        desk = desk * (1.0 - 0.35 * shadow)[..., None]
        photo = sheet + desk * (1.0 - cover)[..., None]
        shade = self.shading(frame, rng)
        white_balance = rng.uniform(0.95, 1.05, size=3).astype(np.float32)
        photo = photo * shade[..., None] * white_balance
        image = turn(finish(photo, level, rng), ink.turn)
        turn_m, size = turn_matrix(ink.turn, *frame)
        return Captured(image, warp_of(chain(homography.astype(np.float64), turn_m), (w, h), size), "jpeg")

    def shading(self, frame: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
        """Vignetting around a slightly off-centre optical axis (computed coarse: it is smooth)."""
        fw, fh = frame
        cw, ch = max(2, fw // 8), max(2, fh // 8)
        yy, xx = np.mgrid[0:ch, 0:cw].astype(np.float32)
        cx, cy = cw * rng.uniform(0.4, 0.6), ch * rng.uniform(0.4, 0.6)
        r2 = ((xx - cx) / cw) ** 2 + ((yy - cy) / ch) ** 2
        coarse = 1.0 - self.vignette * np.clip(r2 / 0.5, 0.0, 1.0)
        return cv2.resize(coarse, (fw, fh), interpolation=cv2.INTER_LINEAR)

    def seal_centre(self, ink: PageInk, w: int, h: int, rng: np.random.Generator) -> tuple[int, int]:
        """On a body cell in the lower part of the table, where a seal is pressed over the figures."""
        x0, y0, x1, y1 = ink.table or (0.0, 0.0, 1.0, 1.0)
        low = [c for c in ink.cells if (c[1] + c[3]) / 2 > y0 + 0.4 * (y1 - y0)] or list(ink.cells)
        cx0, cy0, cx1, cy1 = low[int(rng.integers(0, len(low)))]
        return round((cx0 + cx1) / 2 * w), round((cy0 + cy1) / 2 * h)
