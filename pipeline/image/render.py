"""Render one page at a time to a grayscale array (pypdfium2 for PDFs, Pillow for images).

A 500-page file is never rendered at once: callers ask for one ``PageRef`` and
get one ``PageImage`` back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from models import PageRef
from pipeline.errors import CorruptError, TooLargeError

POINTS_PER_INCH = 72.0


@dataclass(frozen=True, slots=True)
class PageImage:
    """A page as 8-bit grayscale pixels (0 = black) with the resolution it was made at."""

    ref: PageRef
    pixels: np.ndarray
    dpi: float

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


def render_page(ref: PageRef, dpi: int, max_pixels: int) -> PageImage:
    if ref.media_type == "pdf":
        return _render_pdf_page(ref, dpi, max_pixels)
    return _load_image_frame(ref, max_pixels)


def _render_pdf_page(ref: PageRef, dpi: int, max_pixels: int) -> PageImage:
    try:
        pdf = pdfium.PdfDocument(str(ref.path))
    except pdfium.PdfiumError as exc:
        raise CorruptError(ref.source, f"cannot reopen the PDF ({exc})") from exc
    try:
        page = pdf[ref.index]
        width_pt, height_pt = page.get_size()
        scale = dpi / POINTS_PER_INCH
        if width_pt * scale * height_pt * scale > max_pixels:
            raise TooLargeError(ref.source, f"page {ref.number} is {width_pt:.0f}x{height_pt:.0f} pt, too many pixels at {dpi} dpi")
        bitmap = page.render(scale=scale, grayscale=True)
        pixels = np.ascontiguousarray(bitmap.to_numpy())
        if pixels.ndim == 3:
            pixels = pixels[:, :, 0]
        page.close()
    finally:
        pdf.close()
    return PageImage(ref=ref, pixels=pixels.copy(), dpi=float(dpi))


def _load_image_frame(ref: PageRef, max_pixels: int) -> PageImage:
    with Image.open(ref.path) as image:
        if image.width * image.height > max_pixels:
            raise TooLargeError(ref.source, f"{image.width}x{image.height} pixels")
        image.seek(ref.index)
        dpi_info = image.info.get("dpi", (200, 200))
        gray = image.convert("L")
        pixels = np.asarray(gray, dtype=np.uint8).copy()
    dpi = float(dpi_info[0]) if dpi_info and dpi_info[0] else 200.0
    return PageImage(ref=ref, pixels=pixels, dpi=dpi)
