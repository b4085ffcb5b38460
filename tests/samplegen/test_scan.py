from __future__ import annotations

import dataclasses
import hashlib
import io

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from samplegen.render import RenderResult
from samplegen.scan import HARSH, MILD, PageTransform, encode_jpeg, page_turns, scan

# Low dpi keeps the tests fast; the geometry and the random draws are the same code path.
FAST_MILD = dataclasses.replace(MILD, dpi=60)
FAST_HARSH = dataclasses.replace(HARSH, dpi=60)


def _page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].get_size() for i in range(len(doc))]
    finally:
        doc.close()


def _cells(result: RenderResult) -> dict[int, list]:
    out: dict[int, list] = {}
    for tp in result.table_pages:
        out.setdefault(tp.page, []).extend(c.bbox for c in tp.cells)
    return out


def test_same_seed_same_bytes(mini_render: RenderResult) -> None:
    a = scan(mini_render.pdf, FAST_HARSH, seed=7, page_cells=_cells(mini_render))
    b = scan(mini_render.pdf, FAST_HARSH, seed=7, page_cells=_cells(mini_render))
    c = scan(mini_render.pdf, FAST_HARSH, seed=8, page_cells=_cells(mini_render))
    assert hashlib.sha256(a.pdf).digest() == hashlib.sha256(b.pdf).digest()
    assert a.pdf != c.pdf


def test_scan_is_image_only_with_page_size_from_dpi(mini_render: RenderResult) -> None:
    result = scan(mini_render.pdf, FAST_MILD, seed=1)
    doc = pdfium.PdfDocument(result.pdf)
    try:
        assert len(doc) == mini_render.page_count
        assert doc[0].get_textpage().get_text_range().strip() == ""
        image = doc[0].get_objects().__next__().get_bitmap().to_pil()
    finally:
        doc.close()
    assert image.mode == "L"
    assert _page_sizes(result.pdf)[0] == pytest.approx(_page_sizes(mini_render.pdf)[0], abs=1.5)


def test_harsh_turns_the_chosen_pages(mini_render: RenderResult) -> None:
    first_pages = [mini_render.first_page_of(i) for i in range(6)]
    turns = page_turns(HARSH, mini_render.page_count, first_pages)
    assert turns == {2: 90, 5: 180}
    result = scan(mini_render.pdf, FAST_HARSH, seed=3, page_cells=_cells(mini_render), turns=turns)
    digital, scanned = _page_sizes(mini_render.pdf), _page_sizes(result.pdf)
    for page in range(1, 8):
        (dw, dh), (sw, sh) = digital[page - 1], scanned[page - 1]
        assert ((sw > sh) != (dw > dh)) == (page == 2), page  # only the 90° page changes aspect


def test_turn_transform_maps_bboxes() -> None:
    # A 90° clockwise turn of a 100x200 page: the top-left corner goes to the top-right.
    t = PageTransform(matrix=(0.0, -1.0, 200.0, 1.0, 0.0, 0.0), src_size=(100, 200), dst_size=(200, 100))
    assert t.map_bbox((0.0, 0.0, 0.5, 0.25)) == pytest.approx((0.75, 0.0, 1.0, 0.5))


def test_pages_are_grayscale_jpeg_at_the_levels_quality() -> None:
    page = np.full((300, 200), 255, dtype=np.uint8)
    page[100:200, 50:150] = np.random.default_rng(0).integers(0, 255, (100, 100), dtype=np.uint8)
    mild, harsh = encode_jpeg(page, MILD), encode_jpeg(page, HARSH)
    image = Image.open(io.BytesIO(harsh))
    assert (image.format, image.mode, image.info["dpi"]) == ("JPEG", "L", (200, 200))
    assert len(harsh) < len(mild)
