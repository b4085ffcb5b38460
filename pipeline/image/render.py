"""Render one page at a time to a grayscale array (pypdfium2 for PDFs, Pillow for images).

A 500-page file is never rendered at once: callers ask for one ``PageRef`` and
get one ``PageImage`` back.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from PIL import Image

from models import PageRef
from pipeline.errors import CorruptError, TooLargeError
from pipeline.image.colour import is_neutral

POINTS_PER_INCH = 72.0


@dataclass(frozen=True, slots=True)
class PageImage:
    """A page as 8-bit grayscale pixels (0 = black) with the resolution it was made at, and its
    RGB pixels when it holds colour (a photo, a colour scan: seals are told apart by colour)."""

    ref: PageRef
    pixels: np.ndarray
    dpi: float
    colour: np.ndarray | None = None
    # Black and white only (a fax, a 1-bit scan): a 1-bit image file, or a PDF page drawn by 1-bit images.
    bilevel: bool = False

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


def render_page(ref: PageRef, dpi: int, max_pixels: int, timeout_s: float | None = None) -> PageImage:
    """The page's pixels; with ``timeout_s``, rendered in a child process that is killed when it
    takes longer (pipeline.image.guard): a page that makes the renderer hang fails, the document
    goes on."""
    if timeout_s is not None:
        from pipeline.image.guard import call_with_timeout

        return call_with_timeout(_render_unguarded, (ref, dpi, max_pixels), timeout_s, ref)
    return _render_unguarded(ref, dpi, max_pixels)


def _render_unguarded(ref: PageRef, dpi: int, max_pixels: int) -> PageImage:
    if ref.media_type == "pdf":
        return _render_pdf_page(ref, dpi, max_pixels)
    return _load_image_frame(ref, max_pixels)


def _check_embedded_images(page: pdfium.PdfPage, ref: PageRef, max_pixels: int) -> bool:
    """Refuse a page whose embedded image claims more pixels than ``max_pixels``, before PDFium
    decodes it: a few-KB Flate stream can inflate to gigabytes (a decompression bomb).  Returns
    whether the page is bilevel: images it has, every one of 1 bit per pixel."""
    depths = []
    for obj in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE], max_depth=4):
        width, height = obj.get_px_size()
        if width * height > max_pixels:
            raise TooLargeError(ref.source, f"page {ref.number} embeds an image of {width}x{height} pixels, "
                                            f"over the limit of {max_pixels}")
        try:
            depths.append(obj.get_metadata().bits_per_pixel)
        except pdfium.PdfiumError:
            depths.append(0)  # metadata PDFium cannot give: not known to be 1-bit, and rendering decides the rest
    return bool(depths) and all(depth == 1 for depth in depths)


def _render_pdf_page(ref: PageRef, dpi: int, max_pixels: int) -> PageImage:
    try:
        pdf = pdfium.PdfDocument(str(ref.path))
    except pdfium.PdfiumError as exc:
        raise CorruptError(ref.source, f"cannot reopen the PDF ({exc})") from exc
    try:
        page = pdf[ref.index]
        bilevel = _check_embedded_images(page, ref, max_pixels)
        width_pt, height_pt = page.get_size()
        scale = dpi / POINTS_PER_INCH
        if width_pt * scale * height_pt * scale > max_pixels:
            raise TooLargeError(ref.source, f"page {ref.number} is {width_pt:.0f}x{height_pt:.0f} pt, too many pixels at {dpi} dpi")
        # In colour, in RGB order; a grey page comes back with three equal channels.
        rgb = np.ascontiguousarray(page.render(scale=scale, grayscale=False, rev_byteorder=True).to_numpy()[:, :, :3])
        page.close()
    except pdfium.PdfiumError as exc:
        # A damaged page object (found by fuzzing intake): the input's fault, a typed page failure.
        raise CorruptError(ref.source, f"page {ref.number} cannot be rendered ({exc})") from exc
    finally:
        pdf.close()
    return _page_image(ref, rgb, float(dpi), bilevel)


def _page_image(ref: PageRef, rgb: np.ndarray, dpi: float, bilevel: bool = False) -> PageImage:
    """Grey pixels always; the colour ones too when any pixel has colour."""
    if is_neutral(rgb):
        return PageImage(ref=ref, pixels=np.ascontiguousarray(rgb[:, :, 0]).copy(), dpi=dpi, bilevel=bilevel)
    return PageImage(ref=ref, pixels=cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dpi=dpi, colour=rgb.copy())


def _load_image_frame(ref: PageRef, max_pixels: int) -> PageImage:
    with Image.open(ref.path) as image:
        if image.width * image.height > max_pixels:
            raise TooLargeError(ref.source, f"{image.width}x{image.height} pixels")
        image.seek(ref.index)
        dpi_info = image.info.get("dpi", (200, 200))
        dpi = float(dpi_info[0]) if dpi_info and dpi_info[0] else 200.0
        if image.mode in ("1", "L", "I", "I;16", "F"):
            return PageImage(ref=ref, pixels=np.asarray(image.convert("L"), dtype=np.uint8).copy(), dpi=dpi,
                             bilevel=image.mode == "1")
        # Transparent parts are paper, not black.
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        rgb = np.asarray(Image.alpha_composite(paper, rgba).convert("RGB"), dtype=np.uint8)
    return _page_image(ref, rgb, dpi)
