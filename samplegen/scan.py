"""Simulate a scan of a born-digital PDF: image-only pages with scanner damage.

Deterministic: one ``numpy.random.Generator`` seeded by the caller drives every
random choice in a fixed order, and every encoder is given fixed settings, so
the same (PDF, level, seed) always yields byte-identical output.

Each page goes through: rasterise (grayscale, level dpi) -> faint/broken ruling
lines (at the grid lines the renderer measured) -> skew about the page centre
-> uneven illumination -> gaussian gaussian noise -> gaussian blur -> optional 90°/180°
turn -> grayscale JPEG.  The geometric steps are returned as one affine map per
page so the truth bboxes can follow the content onto the scanned page.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import cv2
import img2pdf
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

BBox = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class ScanLevel:
    name: str
    dpi: int
    max_skew_deg: float
    jpeg_quality: int
    blur_sigma: float
    noise_sigma: float  # gray levels (0-255)
    illumination: float  # darkest paper is (1 - illumination) * white
    faint_line_share: float  # share of grid line segments partly lightened
    broken_line_share: float  # share of grid line segments given short white gaps
    turn_90_pages: tuple[int, ...] = ()  # 1-based pages turned 90° clockwise
    turn_180_table: int | None = None  # 0-based table whose first page is turned 180°


MILD = ScanLevel(
    name="mild", dpi=200, max_skew_deg=0.4, jpeg_quality=80, blur_sigma=0.6, noise_sigma=1.5,
    illumination=0.04, faint_line_share=0.0, broken_line_share=0.0,
)
# The harsh rule: page 2 is turned 90° clockwise and the first page of the 4th
# table 180° (if that is page 2 as well, page 2 keeps its 90° turn).
HARSH = ScanLevel(
    name="harsh", dpi=200, max_skew_deg=1.5, jpeg_quality=40, blur_sigma=0.8, noise_sigma=7.0,
    illumination=0.22, faint_line_share=0.35, broken_line_share=0.25,
    turn_90_pages=(2,), turn_180_table=3,
)
# Scans for fitting the confidence model only (scripts/fit_confidence.py): other noise,
# other skews, other damage than the mild and harsh scans every accuracy figure is
# measured on, so the model is checked on scans it never saw.
FIT_LIGHT = ScanLevel(
    name="fitlight", dpi=200, max_skew_deg=0.8, jpeg_quality=60, blur_sigma=0.7, noise_sigma=4.0,
    illumination=0.12, faint_line_share=0.15, broken_line_share=0.1,
)
FIT_ROUGH = ScanLevel(
    name="fitrough", dpi=180, max_skew_deg=2.0, jpeg_quality=30, blur_sigma=0.9, noise_sigma=9.0,
    illumination=0.28, faint_line_share=0.45, broken_line_share=0.35, turn_90_pages=(3,),
)
LEVELS: dict[str, ScanLevel] = {level.name: level for level in (MILD, HARSH, FIT_LIGHT, FIT_ROUGH)}
DEFAULT_LEVELS = (MILD.name, HARSH.name)


@dataclass(frozen=True, slots=True)
class PageTransform:
    """Where a point of the upright page lands on the scanned page.

    ``matrix`` is a row-major 2x3 affine map from the rendered page's pixels
    (``src_size`` = w, h) to the scanned image's pixels (``dst_size``).
    """

    matrix: tuple[float, ...]
    src_size: tuple[int, int]
    dst_size: tuple[int, int]

    def map_bbox(self, bbox: BBox) -> BBox:
        """Page-fraction bbox -> page-fraction bbox enclosing the mapped corners, clipped to the page."""
        (sw, sh), (dw, dh) = self.src_size, self.dst_size
        m = np.array(self.matrix, dtype=np.float64).reshape(2, 3)
        x0, y0, x1, y1 = bbox
        pts = np.array([[x0 * sw, y0 * sh, 1], [x1 * sw, y0 * sh, 1], [x0 * sw, y1 * sh, 1], [x1 * sw, y1 * sh, 1]])
        out = pts @ m.T
        xs = np.clip(out[:, 0] / dw, 0.0, 1.0)
        ys = np.clip(out[:, 1] / dh, 0.0, 1.0)
        return (round(float(xs.min()), 5), round(float(ys.min()), 5), round(float(xs.max()), 5), round(float(ys.max()), 5))


@dataclass(frozen=True, slots=True)
class ScanResult:
    pdf: bytes
    transforms: tuple[PageTransform, ...]  # one per page, page i+1 at index i
    turns: Mapping[int, int] = field(default_factory=dict)  # page -> clockwise degrees

    def map_bbox(self, page: int, bbox: BBox) -> BBox:
        return self.transforms[page - 1].map_bbox(bbox)


def page_turns(level: ScanLevel, page_count: int, table_first_pages: Sequence[int]) -> dict[int, int]:
    """The level's fixed rule for which pages are turned, as page -> clockwise degrees."""
    turns = {p: 90 for p in level.turn_90_pages if p <= page_count}
    if level.turn_180_table is not None and level.turn_180_table < len(table_first_pages):
        turns.setdefault(table_first_pages[level.turn_180_table], 180)
    return turns


def rasterise(pdf: bytes, dpi: int) -> list[np.ndarray]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [np.asarray(doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")) for i in range(len(doc))]
    finally:
        doc.close()


def grid_segments(cell_bboxes: Sequence[BBox], w: int, h: int) -> list[tuple[str, int, int, int]]:
    """Distinct ruling-line segments as ('h', y, x0, x1) / ('v', x, y0, y1) in pixels."""
    segs: set[tuple[str, int, int, int]] = set()
    for x0, y0, x1, y1 in cell_bboxes:
        px0, px1, py0, py1 = round(x0 * w), round(x1 * w), round(y0 * h), round(y1 * h)
        segs.update({("h", py0, px0, px1), ("h", py1, px0, px1), ("v", px0, py0, py1), ("v", px1, py0, py1)})
    return sorted(segs)


def damage_lines(img: np.ndarray, segs: Sequence[tuple[str, int, int, int]], level: ScanLevel, rng: np.random.Generator) -> np.ndarray:
    """Lighten parts of some ruling lines and cut short gaps in others (worn toner, thin scans)."""
    out = img.astype(np.float32)
    band = 3  # px either side of the line centre; text sits >= 8 px inside the cells at 200 dpi
    h, w = out.shape
    for kind, pos, a, b in segs:
        length = b - a
        if length < 10:
            continue
        if rng.random() < level.faint_line_share:
            span = int(length * rng.uniform(0.2, 0.7))
            start = a + int(rng.integers(0, length - span + 1))
            fade = rng.uniform(0.2, 0.5)  # keep this share of the ink
            _apply(out, kind, pos, start, start + span, band, h, w, lambda v: 255 - (255 - v) * fade)
        if rng.random() < level.broken_line_share:
            for _ in range(int(rng.integers(1, 4))):
                gap = int(rng.integers(4, 13))
                start = a + int(rng.integers(0, max(1, length - gap)))
                _apply(out, kind, pos, start, start + gap, band, h, w, lambda v: np.full_like(v, 255.0))
    return out


def _apply(img: np.ndarray, kind: str, pos: int, a: int, b: int, band: int, h: int, w: int, fn) -> None:
    if kind == "h":
        sl = (slice(max(0, pos - band), min(h, pos + band + 1)), slice(max(0, a), min(w, b)))
    else:
        sl = (slice(max(0, a), min(h, b)), slice(max(0, pos - band), min(w, pos + band + 1)))
    img[sl] = fn(img[sl])


def illumination(h: int, w: int, strength: float, rng: np.random.Generator) -> np.ndarray:
    """A smooth multiplicative field: a linear ramp in a random direction plus a soft bright spot."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    theta = rng.uniform(0, 2 * np.pi)
    ramp = np.cos(theta) * xx / w + np.sin(theta) * yy / h
    ramp = (ramp - ramp.min()) / max(float(ramp.max() - ramp.min()), 1e-6)
    cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
    spot = np.exp(-(((xx - cx) / (0.6 * w)) ** 2 + ((yy - cy) / (0.6 * h)) ** 2))
    shade = np.clip(0.7 * ramp + 0.3 * (1 - spot), 0, 1)
    return 1.0 - strength * shade


def _turn_matrix(deg: int, w: int, h: int) -> tuple[np.ndarray, tuple[int, int]]:
    """3x3 map for a clockwise turn of a w x h image, and the turned size."""
    if deg == 90:
        return np.array([[0, -1, h], [1, 0, 0], [0, 0, 1]], dtype=np.float64), (h, w)
    if deg == 180:
        return np.array([[-1, 0, w], [0, -1, h], [0, 0, 1]], dtype=np.float64), (w, h)
    return np.eye(3), (w, h)


def degrade_page(
    img: np.ndarray, cell_bboxes: Sequence[BBox], level: ScanLevel, turn: int, rng: np.random.Generator
) -> tuple[np.ndarray, PageTransform]:
    h, w = img.shape
    out = damage_lines(img, grid_segments(cell_bboxes, w, h), level, rng) if cell_bboxes else img.astype(np.float32)
    angle = float(rng.choice([-1.0, 1.0]) * rng.uniform(0.25, 1.0) * level.max_skew_deg)
    skew = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    out = cv2.warpAffine(out, skew, (w, h), flags=cv2.INTER_LINEAR, borderValue=255.0)
    out = out * illumination(h, w, level.illumination, rng)
    # Noise before blur (paper grain and sensor noise seen through the scanner's
    # optics): grain-like, and about half the JPEG size of white noise added last.
    out = out + rng.normal(0.0, level.noise_sigma, size=out.shape).astype(np.float32)
    if level.blur_sigma > 0:
        out = cv2.GaussianBlur(out, (0, 0), level.blur_sigma)
    page = np.clip(out, 0, 255).astype(np.uint8)
    turn_m, size = _turn_matrix(turn, w, h)
    if turn:
        page = np.ascontiguousarray(np.rot90(page, k=-turn // 90))  # k<0: clockwise
    full = turn_m @ np.vstack([skew, [0, 0, 1]])
    return page, PageTransform(tuple(float(v) for v in full[:2].ravel()), (w, h), size)


def encode_jpeg(page: np.ndarray, level: ScanLevel) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(page, mode="L").save(buf, "JPEG", quality=level.jpeg_quality, dpi=(level.dpi, level.dpi), optimize=True)
    return buf.getvalue()


def scan(
    pdf: bytes,
    level: ScanLevel,
    seed: int,
    page_cells: Mapping[int, Sequence[BBox]] | None = None,
    turns: Mapping[int, int] | None = None,
) -> ScanResult:
    """Scan ``pdf`` at ``level``. ``page_cells``: page -> cell bboxes (fractions) whose borders may be damaged."""
    rng = np.random.default_rng(seed)
    page_cells = page_cells or {}
    turns = dict(turns or {})
    jpegs: list[bytes] = []
    transforms: list[PageTransform] = []
    for i, img in enumerate(rasterise(pdf, level.dpi), start=1):
        page, transform = degrade_page(img, page_cells.get(i, ()), level, turns.get(i, 0), rng)
        jpegs.append(encode_jpeg(page, level))
        transforms.append(transform)
    layout = img2pdf.get_fixed_dpi_layout_fun((level.dpi, level.dpi))
    # nodate: no CreationDate/ModDate, so the bytes depend only on the inputs.
    # Engine.internal: the pikepdf engine writes a random /ID into the trailer.
    out = img2pdf.convert(jpegs, layout_fun=layout, nodate=True, engine=img2pdf.Engine.internal)
    return ScanResult(out, tuple(transforms), turns)
