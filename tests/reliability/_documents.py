"""Hostile and unusual inputs, built in the test: nothing large is committed."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import numpy as np
import pikepdf
from PIL import Image

from _inputs import budget_pdf_bytes


def html_named_pdf(path: Path) -> Path:
    path.write_text("<!DOCTYPE html><html><body><h1>2025年预算收支总表</h1></body></html>", encoding="utf-8")
    return path


def zero_page_pdf(path: Path) -> Path:
    pikepdf.new().save(path)
    return path


def bomb_pdf(path: Path, side: int = 60_000) -> Path:
    """One A4 page showing a 1-bit image that claims side x side pixels: a ~0.5 MB Flate stream that
    inflates to side²/8 bytes (450 MB for 60 000), and far more once a renderer expands it to 8 bits."""
    pdf = pikepdf.new()
    row = bytes(side // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    image = pikepdf.Stream(pdf, data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=side,
                           Height=side, ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=1,
                           Filter=pikepdf.Name.FlateDecode)
    page = pdf.add_blank_page(page_size=(595, 842))
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pikepdf.Stream(pdf, b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    pdf.save(path)
    return path


def many_page_pdf(path: Path, pages: int) -> Path:
    """``pages`` copies of the scanned budget page; the page image is stored once and shared."""
    source = pikepdf.open(io.BytesIO(budget_pdf_bytes()))
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.pages.append(source.pages[0])
    pdf.save(path)
    return path


def budget_image() -> Image.Image:
    with pikepdf.open(io.BytesIO(budget_pdf_bytes())) as pdf:
        raw = next(iter(pdf.pages[0].get_images().values()))
        return pikepdf.PdfImage(raw).as_pil_image().convert("L")


def multipage_tiff(path: Path) -> list[np.ndarray]:
    """Three pages: the budget page, the same turned upside down, a blank page. Returns them."""
    page = budget_image()
    frames = [page, page.rotate(180), Image.new("L", page.size, 255)]
    frames[0].save(path, format="TIFF", save_all=True, append_images=frames[1:], compression="tiff_lzw")
    return [np.asarray(f) for f in frames]


def transparent_png(path: Path) -> Path:
    """Black ink on a fully transparent background (what many tools export): RGB under it is black."""
    ink = np.asarray(budget_image()) < 128
    rgba = np.zeros((*ink.shape, 4), dtype=np.uint8)
    rgba[..., 3] = np.where(ink, 255, 0)
    Image.fromarray(rgba, "RGBA").save(path, format="PNG")
    return path
