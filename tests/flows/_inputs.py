"""Small inputs for the flow and CLI tests, built in the test (no sample files needed)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

# What the one-page budget table prints; tests compare the emitted facts with this.
TITLE = "2025年预算支出总表"
HEADER = ("科目编码", "科目名称", "合计", "基本支出", "项目支出")
BODY = (
    ("", "合计", "1,030.50", "830.50", "200.00"),
    ("201", "一般公共服务支出", "1030.50", "830.50", "200.00"),
    ("20101", "人大事务", "1030.50", "830.50", "200.00"),
    ("2010101", "行政运行", "830.50", "830.50", ""),
)


def budget_body(variant: int = 0) -> tuple[tuple[str, ...], ...]:
    """The table of :data:`BODY` with its 基本支出 raised by 10 x ``variant`` (sums kept right):
    distinct documents, distinct facts, the same layout."""
    if variant == 0:
        return BODY
    basic = 830.50 + 10 * variant
    total = basic + 200.00
    return (
        ("", "合计", f"{total:,.2f}", f"{basic:.2f}", "200.00"),
        ("201", "一般公共服务支出", f"{total:.2f}", f"{basic:.2f}", "200.00"),
        ("20101", "人大事务", f"{total:.2f}", f"{basic:.2f}", "200.00"),
        ("2010101", "行政运行", f"{basic:.2f}", f"{basic:.2f}", ""),
    )


# BODY with one amount misprinted two digits off (行政运行's 基本支出 830.50 as 870.60): its row and
# its 款 row no longer add up, and no one-digit misreading explains it, so the pipeline doubts it.
MISPRINTED_BODY = BODY[:3] + (("2010101", "行政运行", "830.50", "870.60", ""),)


def _draw_budget_page(variant: int = 0, body: tuple[tuple[str, ...], ...] | None = None) -> np.ndarray:
    """A 200 dpi page with a title, a unit line and a ruled 5x5 预算支出总表."""
    image = Image.new("L", (1500, 1100), 255)
    draw = ImageDraw.Draw(image)
    draw.text((480, 60), TITLE, font=ImageFont.truetype(CJK_FONT, 44), fill=0)
    body_font = ImageFont.truetype(CJK_FONT, 28)
    draw.text((100, 150), "部门：阳高县教育局", font=body_font, fill=0)
    draw.text((1180, 150), "单位：万元", font=body_font, fill=0)
    xs, ys = [100, 300, 700, 950, 1200, 1420], [210, 270, 330, 390, 450, 510]
    for r, row in enumerate((HEADER,) + (body or budget_body(variant))):
        for c, text in enumerate(row):
            if text:
                draw.text((xs[c] + 16, ys[r] + 14), text, font=body_font, fill=0)
    gray = np.asarray(image).copy()
    for x in xs:
        cv2.line(gray, (x, ys[0]), (x, ys[-1]), 0, 2)
    for y in ys:
        cv2.line(gray, (xs[0], y), (xs[-1], y), 0, 2)
    return gray


def budget_pdf_bytes(variant: int = 0, body: tuple[tuple[str, ...], ...] | None = None) -> bytes:
    """A one-page image-only PDF (as a scanner makes) of the budget table, 200 dpi; ``body`` replaces
    its rows (e.g. :data:`MISPRINTED_BODY`)."""
    buffer = io.BytesIO()
    Image.fromarray(_draw_budget_page(variant, body)).save(buffer, "PDF", resolution=200.0)
    return buffer.getvalue()


def blank_png(path: Path, size: tuple[int, int] = (400, 300)) -> Path:
    Image.new("L", size, 255).save(path, format="PNG")
    return path


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A structurally valid PNG whose header claims width x height (pixels never exist)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(b"\x00"))
            + _png_chunk(b"IEND", b""))
