"""Inputs the code has never seen: each is refused with its stable code, or read; never a crash, never a hang.

Where the OCR is not under test the page is read with a fake engine."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from _documents import bomb_pdf, html_named_pdf, many_page_pdf, multipage_tiff, transparent_png, zero_page_pdf
from _documents import budget_image
from models import ErrorCode, PageFailure
from pipeline.errors import EmptyError, NotADocumentError, PageTimeoutError, TooLargeError
from pipeline.image.intake import open_document, page_refs
from pipeline.image.render import render_page
from pipeline.settings import Settings

LIMIT = Settings().max_page_pixels


def test_html_named_pdf_is_not_a_document(tmp_path: Path) -> None:
    with pytest.raises(NotADocumentError):
        open_document(html_named_pdf(tmp_path / "budget.pdf"))


def test_a_zero_page_pdf_is_empty(tmp_path: Path) -> None:
    with pytest.raises(EmptyError):
        open_document(zero_page_pdf(tmp_path / "none.pdf"))


def test_a_decompression_bomb_in_a_pdf_is_refused_before_decoding(tmp_path: Path) -> None:
    document = open_document(bomb_pdf(tmp_path / "bomb.pdf"))  # a valid one-page PDF
    assert document.size_bytes < 2_000_000
    started = time.monotonic()
    with pytest.raises(TooLargeError):
        render_page(page_refs(document)[0], 200, LIMIT)
    assert time.monotonic() - started < 5  # refused from the image's header, not after inflating it


def test_a_multipage_tiff_gives_each_page(tmp_path: Path) -> None:
    frames = multipage_tiff(tmp_path / "scan.tif")
    document = open_document(tmp_path / "scan.tif")
    assert (document.media_type, document.page_count) == ("image", 3)
    pages = [render_page(ref, 200, LIMIT).pixels for ref in page_refs(document)]
    for page, frame in zip(pages, frames, strict=True):
        assert np.array_equal(page, frame)


def test_a_jpeg_is_read(tmp_path: Path) -> None:
    budget_image().save(tmp_path / "photo.jpg", format="JPEG", quality=80)
    document = open_document(tmp_path / "photo.jpg")
    page = render_page(page_refs(document)[0], 200, LIMIT).pixels
    assert document.page_count == 1 and page.shape == np.asarray(budget_image()).shape
    assert 200 < page.mean() < 255  # a white page with ink on it


def test_a_png_with_alpha_is_read_on_white_paper(tmp_path: Path) -> None:
    """Converting RGBA straight to grey keeps the black under the transparent pixels: a black sheet."""
    document = open_document(transparent_png(tmp_path / "export.png"))
    page = render_page(page_refs(document)[0], 200, LIMIT).pixels
    ink = np.asarray(budget_image()) < 128
    assert page[~ink].min() == 255 and page[ink].max() == 0


def _hanging_page(tmp_path: Path):
    """A scanned page whose file turns into a FIFO nobody writes to after intake: the renderer blocks
    in open(2), inside C code, where no thread can be interrupted (a stalled network share looks alike)."""
    path = tmp_path / "scan.png"
    budget_image().save(path, format="PNG")
    ref = page_refs(open_document(path))[0]
    path.unlink()
    os.mkfifo(path)
    return ref


def test_a_page_that_makes_the_renderer_hang_times_out(tmp_path: Path) -> None:
    ref = _hanging_page(tmp_path)
    started = time.monotonic()
    with pytest.raises(PageTimeoutError) as caught:
        render_page(ref, 200, LIMIT, timeout_s=2)
    assert caught.value.code == ErrorCode.TIMEOUT
    assert time.monotonic() - started < 10


def test_the_hang_is_a_page_failure_and_the_document_goes_on(tmp_path: Path) -> None:
    from pipeline.document import read_page
    from pipeline.ocr.base import LineReading
    from pipeline.ocr.fake import FakeEngine

    engine = FakeEngine(lambda image: LineReading(text="", confidence=0.0))
    outcome = read_page(_hanging_page(tmp_path), Settings(page_timeout_s=1, cross_check=False), engine)
    assert isinstance(outcome, PageFailure) and outcome.category == "timeout"


def test_a_file_gone_after_intake_is_a_typed_page_failure(tmp_path: Path) -> None:
    from pipeline.errors import InputNotFoundError

    path = many_page_pdf(tmp_path / "doc.pdf", 1)
    ref = page_refs(open_document(path))[0]
    path.unlink()
    with pytest.raises(InputNotFoundError):
        render_page(ref, 200, LIMIT, timeout_s=10)


def test_a_thousand_page_pdf_is_taken_in_and_streamed(tmp_path: Path) -> None:
    """Intake reads the page count only; pages are then rendered one at a time, on demand."""
    started = time.monotonic()
    document = open_document(many_page_pdf(tmp_path / "long.pdf", 1000))
    refs = page_refs(document)
    assert document.page_count == len(refs) == 1000
    last = render_page(refs[-1], 100, LIMIT)  # any page without the others
    assert last.pixels.shape[0] > 100
    assert time.monotonic() - started < 60
