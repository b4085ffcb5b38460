"""The capture axis: how a printed page reaches the reader (scanned, copied, faxed, photographed).

``capture_document`` rasterises a born-digital PDF, captures each page with one capture at one
scan level (``samplegen.scan``: skew, noise, blur, JPEG quality, faint and broken rules, turned
pages), and returns the image-only PDF with one ``Warp`` per page for the truth bboxes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import img2pdf
import numpy as np

from samplegen.captures.base import Capture, Captured, PageInk, encode
from samplegen.captures.copier import Fax, Photocopy
from samplegen.captures.flatbed import Flatbed, FlatbedLid
from samplegen.captures.geometry import BBox, Warp
from samplegen.captures.phone import Phone
from samplegen.scan import ScanLevel, rasterise

FLATBED = Flatbed()
GRAY150 = Flatbed(name="gray150", fixed_dpi=150)
FLATBED_LID = FlatbedLid()
PHOTOCOPY = Photocopy()
FAX = Fax()
PHONE = Phone()
CAPTURES: dict[str, Capture] = {c.name: c for c in (FLATBED, PHOTOCOPY, FAX, GRAY150, FLATBED_LID, PHONE)}

__all__ = ["CAPTURES", "Capture", "CaptureResult", "Captured", "PageInk", "Warp", "capture_document"]


@dataclass(frozen=True, slots=True)
class CaptureResult:
    pdf: bytes
    warps: tuple[Warp, ...]  # page i+1 at index i

    def map_bbox(self, page: int, bbox: BBox) -> BBox:
        return self.warps[page - 1].map_bbox(bbox)


def capture_document(pdf: bytes, capture: Capture, level: ScanLevel, rng: np.random.Generator,
                     pages: Sequence[PageInk]) -> CaptureResult:
    """Capture every page of ``pdf``; ``pages[i]`` describes page i+1 (cells, turn, seal)."""
    dpi = capture.dpi(level)
    images: list[bytes] = []
    warps: list[Warp] = []
    for image, ink in zip(rasterise(pdf, dpi * capture.oversample), pages, strict=True):
        captured = capture.capture(image, ink, level, rng)
        images.append(encode(captured, level.jpeg_quality, dpi))
        warps.append(captured.warp)
    layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
    # nodate and the internal engine: no dates, no random /ID, so the bytes depend only on the inputs.
    out = img2pdf.convert(images, layout_fun=layout, nodate=True, engine=img2pdf.Engine.internal)
    return CaptureResult(out, tuple(warps))
