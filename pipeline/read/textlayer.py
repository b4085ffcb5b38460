"""A PDF page's own text layer: its glyphs in page pixels, and whether they can be trusted.

A born-digital page carries its exact text; reading it costs milliseconds where
OCR costs seconds.  A text layer is not always what the page shows, though:

- mojibake: a font without a usable ToUnicode map yields private-use code
  points, replacement characters or Latin-1 garbage for CJK glyphs;
- an OCR layer added by another tool: invisible text (render mode 3) over a
  scanned page image, as good or as bad as that tool's OCR;
- text that does not match the ink: glyph boxes with nothing drawn in them, or
  ink (text drawn as outlines, a pasted-in image of a table) no glyph explains.

The first two are judged from the PDF alone (:func:`read_text_layer`), the
third against the rendered page (:func:`ink_mismatch`).  A page that fails any
of them is OCR'd like a scan.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from models import BBox

POINTS_PER_INCH = 72.0
# Fewer real glyphs than this: no text layer worth reading (a scan, or a page number alone).
_MIN_GLYPHS = 20
# Share of glyphs that may be unreadable code points (private use, U+FFFD, controls, Latin-1
# letters standing in for CJK) before the layer counts as mojibake.  Budget tables print none.
_MAX_BAD_GLYPH_SHARE = 0.02
# Share of text objects drawn invisibly (render mode 3) above which the layer is someone's OCR.
_MAX_INVISIBLE_SHARE = 0.5
# An image covering this share of the page under the text: a scanned page with a text layer.
_PAGE_IMAGE_SHARE = 0.5
# Ink check, against the rendered page: glyph boxes (grown by this many character heights) must
# hold ink in at least _MIN_INKED_SHARE of cases, and explain all but _MAX_UNEXPLAINED_SHARE of the
# text ink (ink off the ruling lines).
_GLYPH_GROW_CH = 0.2
_MIN_INKED_SHARE = 0.95
_MAX_UNEXPLAINED_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class Glyph:
    text: str
    bbox: BBox  # page pixels at the resolution asked for, origin top-left


@dataclass(frozen=True, slots=True)
class TextLayer:
    """A page's glyphs (spaces and generated line breaks left out), or why they cannot be used."""

    glyphs: tuple[Glyph, ...]
    distrust: str | None = None  # None: usable as far as the PDF alone tells

    @property
    def usable(self) -> bool:
        return self.distrust is None and len(self.glyphs) >= _MIN_GLYPHS


def read_text_layer(path: Path, index: int, dpi: float) -> TextLayer:
    """The text layer of page ``index`` (0-based) with glyph boxes in pixels at ``dpi``."""
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return TextLayer(glyphs=())  # no layer to read: rendering the page says what is wrong with it
    try:
        page = pdf[index]
        try:
            if page.get_rotation() % 360:
                # Glyph boxes are in the unrotated page's space; such pages are read as images.
                return TextLayer(glyphs=(), distrust="rotated page")
            glyphs = _glyphs(page, dpi)
            return TextLayer(glyphs=glyphs, distrust=_distrust(page, glyphs))
        finally:
            page.close()
    finally:
        pdf.close()


def _glyphs(page: pdfium.PdfPage, dpi: float) -> tuple[Glyph, ...]:
    scale = dpi / POINTS_PER_INCH
    height_pt = page.get_height()
    textpage = page.get_textpage()
    try:
        out = []
        for i in range(textpage.count_chars()):
            if pdfium_raw.FPDFText_IsGenerated(textpage.raw, i):
                continue  # a space or line break pdfium inferred, not printed
            code = pdfium_raw.FPDFText_GetUnicode(textpage.raw, i)
            text = chr(code) if code else "\ufffd"
            if text.isspace():
                continue
            # The font's box (ascent to descent), not the ink's: 一 and 2 stand as tall as 支.
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            out.append(Glyph(text=text, bbox=BBox(left * scale, (height_pt - top) * scale,
                                                  right * scale, (height_pt - bottom) * scale)))
        return tuple(out)
    finally:
        textpage.close()


def _distrust(page: pdfium.PdfPage, glyphs: tuple[Glyph, ...]) -> str | None:
    if not glyphs:
        return None
    bad = sum(1 for g in glyphs if is_unreadable(g.text))
    if bad > _MAX_BAD_GLYPH_SHARE * len(glyphs):
        return f"mojibake ({bad} of {len(glyphs)} glyphs unreadable)"
    text_objects = image_area = 0
    invisible = 0
    width, height = page.get_width(), page.get_height()
    for obj in page.get_objects(max_depth=2):
        if obj.type == pdfium_raw.FPDF_PAGEOBJ_TEXT:
            text_objects += 1
            invisible += pdfium_raw.FPDFTextObj_GetTextRenderMode(obj.raw) == pdfium_raw.FPDF_TEXTRENDERMODE_INVISIBLE
        elif obj.type == pdfium_raw.FPDF_PAGEOBJ_IMAGE:
            left, bottom, right, top = obj.get_bounds()
            image_area = max(image_area, max(0.0, min(right, width) - max(left, 0.0))
                             * max(0.0, min(top, height) - max(bottom, 0.0)))
    if text_objects and invisible > _MAX_INVISIBLE_SHARE * text_objects:
        return f"invisible text over the page ({invisible} of {text_objects} text objects): another tool's OCR"
    if image_area > _PAGE_IMAGE_SHARE * width * height:
        return "text over a page-sized image: a scan with a text layer"
    return None


def is_unreadable(text: str) -> bool:
    """A code point no budget disclosure prints as text: private use, replacement, control, or a
    Latin-1 letter (what a CJK glyph decodes to through a wrong single-byte map)."""
    code = ord(text)
    if 0xE000 <= code <= 0xF8FF or code in (0xFFFD, 0xFFFE) or 0xF0000 <= code:
        return True
    if unicodedata.category(text) in ("Cc", "Cs", "Co", "Cn"):
        return True
    return 0x00C0 <= code <= 0x024F and unicodedata.category(text).startswith("L")


def ink_mismatch(glyphs: tuple[Glyph, ...], text_ink: np.ndarray, char_height: float) -> str | None:
    """Why the glyphs do not match the page's text ink (255 = ink, ruling lines removed), or None.

    Both ways: a glyph box must hold ink (white or clipped text is not on the page), and text ink
    must lie in some glyph box (text drawn as outlines, or an image of text, is not in the layer).
    """
    if not glyphs:
        return None
    grow = _GLYPH_GROW_CH * char_height
    height, width = text_ink.shape
    covered = np.zeros_like(text_ink)
    inked = 0
    for glyph in glyphs:
        x0, y0 = max(0, int(glyph.bbox.x0 - grow)), max(0, int(glyph.bbox.y0 - grow))
        x1, y1 = min(width, int(glyph.bbox.x1 + grow) + 1), min(height, int(glyph.bbox.y1 + grow) + 1)
        if x1 <= x0 or y1 <= y0:
            continue
        inked += bool(text_ink[y0:y1, x0:x1].any())
        covered[y0:y1, x0:x1] = 255
    if inked < _MIN_INKED_SHARE * len(glyphs):
        return f"{len(glyphs) - inked} of {len(glyphs)} glyphs have no ink"
    ink = int(np.count_nonzero(text_ink))
    unexplained = int(np.count_nonzero(cv2.bitwise_and(text_ink, cv2.bitwise_not(covered))))
    if ink and unexplained > _MAX_UNEXPLAINED_SHARE * ink:
        return f"{unexplained / ink:.0%} of the text ink lies outside every glyph"
    return None
