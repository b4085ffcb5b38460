"""Intake: type sniffing, refusals with stable codes, page counts, folder expansion.

Each test builds its own tiny input in tmp_path.  Assertions are on the
exception type and ``code``, never on message text.
"""

from __future__ import annotations

import hashlib
import struct
import warnings
import zlib
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageFile

from models.records import ErrorCode
from pipeline.errors import (
    EXIT_NO_FACTS,
    EXIT_OK,
    EXIT_REJECTED,
    CorruptError,
    EmptyError,
    EncryptedError,
    InputNotFoundError,
    NotADocumentError,
    TooLargeError,
    YusuanError,
    exit_status,
)
from pipeline.image.intake import IntakeLimits, iter_inputs, open_document, page_refs

# --- builders -------------------------------------------------------------


def make_pdf(path: Path, n_pages: int = 2) -> Path:
    doc = pdfium.PdfDocument.new()
    for _ in range(n_pages):
        doc.new_page(595, 842)
    doc.save(path)
    doc.close()
    return path


def make_png(path: Path, size: tuple[int, int] = (40, 30)) -> Path:
    Image.new("L", size, 255).save(path, format="PNG")
    return path


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A structurally valid PNG that *claims* width x height; its pixels never exist."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00"))
        + _png_chunk(b"IEND", b"")
    )


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any pixel decoding fail loudly, to prove a check ran on the header alone."""

    def refuse(self: ImageFile.ImageFile) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


# --- errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "code"),
    [
        (NotADocumentError, ErrorCode.NOT_A_DOCUMENT),
        (EncryptedError, ErrorCode.ENCRYPTED),
        (CorruptError, ErrorCode.CORRUPT),
        (TooLargeError, ErrorCode.TOO_LARGE),
        (EmptyError, ErrorCode.EMPTY),
        (InputNotFoundError, ErrorCode.NOT_FOUND),
    ],
)
def test_every_error_has_its_stable_code_and_a_rejection_line(
    cls: type[YusuanError], code: ErrorCode
) -> None:
    err = cls("x.pdf", "detail")
    assert isinstance(err, YusuanError)
    assert err.code is code
    assert err.exit_code == EXIT_REJECTED
    rejection = err.to_rejection()
    assert (rejection.source, rejection.error) == ("x.pdf", code)


def test_exit_status_is_rejected_only_when_something_was_rejected() -> None:
    assert exit_status(0) == EXIT_OK
    assert exit_status(3) == EXIT_REJECTED
    assert exit_status(0, n_without_facts=1) == EXIT_NO_FACTS
    assert exit_status(1, n_without_facts=1) == EXIT_REJECTED  # a rejection outranks the warning


# --- open_document --------------------------------------------------------


def test_zero_byte_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.pdf"
    path.write_bytes(b"")
    with pytest.raises(EmptyError) as info:
        open_document(path)
    assert info.value.code == ErrorCode.EMPTY


def test_valid_pdf_hash_and_page_count(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "山阴县商务局2025年部门预算.pdf", n_pages=3)
    doc = open_document(path)
    assert doc.media_type == "pdf"
    assert doc.page_count == 3
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert doc.size_bytes == path.stat().st_size
    assert doc.source == "山阴县商务局2025年部门预算.pdf"


def test_source_overrides_the_file_name(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "budget.pdf", n_pages=1)
    assert open_document(path, source="inbox/budget.pdf").source == "inbox/budget.pdf"


def test_pdf_with_leading_junk_is_still_a_pdf(tmp_path: Path) -> None:
    # The PDF spec tolerates bytes before %PDF-; the sniffer must look past them.
    body = make_pdf(tmp_path / "a.pdf", n_pages=1).read_bytes()
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"\x00" * 100 + body)
    assert open_document(path).media_type == "pdf"


def test_truncated_pdf_is_corrupt(tmp_path: Path) -> None:
    data = make_pdf(tmp_path / "full.pdf", n_pages=3).read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: int(len(data) * 0.6)])
    with pytest.raises(CorruptError) as info:
        open_document(path)
    assert info.value.code == ErrorCode.CORRUPT


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    plain = make_pdf(tmp_path / "plain.pdf", n_pages=1)
    path = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="secret", owner="owner", aes=True, R=6))
    with pytest.raises(EncryptedError) as info:
        open_document(path)
    assert info.value.code == ErrorCode.ENCRYPTED


@pytest.mark.parametrize("writer", ["pdfium", "pikepdf"])
def test_pdf_without_pages_is_empty(tmp_path: Path, writer: str) -> None:
    path = tmp_path / "nopages.pdf"
    if writer == "pdfium":
        make_pdf(path, n_pages=0)
    else:
        pikepdf.new().save(path)
    with pytest.raises(EmptyError) as info:
        open_document(path)
    assert info.value.code == ErrorCode.EMPTY


def test_pdf_errors_do_not_leak_between_documents(tmp_path: Path) -> None:
    # PDFium keeps its last error in global state; a refusal must reflect this file only.
    plain = make_pdf(tmp_path / "plain.pdf", n_pages=1)
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="secret", owner="owner", aes=True, R=6))
    empty = make_pdf(tmp_path / "nopages.pdf", n_pages=0)
    with pytest.raises(EncryptedError):
        open_document(locked)
    with pytest.raises(EmptyError):
        open_document(empty)
    assert open_document(plain).page_count == 1


def test_pdf_with_too_many_pages_is_too_large(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "long.pdf", n_pages=3)
    with pytest.raises(TooLargeError):
        open_document(path, IntakeLimits(max_pages=2))


def test_file_over_the_byte_limit_is_too_large(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "big.pdf", n_pages=1)
    with pytest.raises(TooLargeError) as info:
        open_document(path, IntakeLimits(max_file_bytes=10))
    assert info.value.code == ErrorCode.TOO_LARGE


def test_png_named_pdf_is_read_as_an_image(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_png(tmp_path / "src.png").read_bytes())
    doc = open_document(path)
    assert doc.media_type == "image"
    assert doc.page_count == 1


def test_jpeg_is_an_image(tmp_path: Path) -> None:
    path = tmp_path / "scan.jpg"
    Image.new("RGB", (64, 48), "white").save(path, format="JPEG")
    assert open_document(path).media_type == "image"


def test_text_file_is_not_a_document(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_text("2025年部门预算公开说明\n", encoding="utf-8")
    with pytest.raises(NotADocumentError) as info:
        open_document(path)
    assert info.value.code == ErrorCode.NOT_A_DOCUMENT


def test_zip_is_not_a_document(tmp_path: Path) -> None:
    path = tmp_path / "bundle.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 60)
    with pytest.raises(NotADocumentError):
        open_document(path)


def test_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError) as info:
        open_document(tmp_path / "nowhere.pdf")
    assert info.value.code == ErrorCode.NOT_FOUND


def test_decompression_bomb_is_refused_from_the_header(tmp_path: Path, no_decoding: None) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header_only(100_000, 100_000))
    assert path.stat().st_size < 200  # the claim costs nothing to make
    with pytest.raises(TooLargeError) as info:
        open_document(path)
    assert info.value.code == ErrorCode.TOO_LARGE


def test_our_pixel_limit_decides_not_pillows(tmp_path: Path) -> None:
    # 14000 x 14000 = 196 M pixels: over twice Pillow's default MAX_IMAGE_PIXELS,
    # so Image.open would raise DecompressionBombError, yet under our 200 M limit.
    path = tmp_path / "large.png"
    path.write_bytes(png_header_only(14_000, 14_000))
    pil_limit = Image.MAX_IMAGE_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a DecompressionBombWarning would fail the test
        assert open_document(path).page_count == 1
        with pytest.raises(TooLargeError):
            open_document(path, IntakeLimits(max_pixels=100_000_000))
    assert Image.MAX_IMAGE_PIXELS == pil_limit  # PIL's global was left alone


def test_truncated_png_is_corrupt(tmp_path: Path) -> None:
    data = make_png(tmp_path / "full.png", size=(200, 200)).read_bytes()
    path = tmp_path / "cut.png"
    path.write_bytes(data[: len(data) - 20])
    with pytest.raises(CorruptError):
        open_document(path)


def test_truncated_jpeg_is_corrupt(tmp_path: Path) -> None:
    full = tmp_path / "full.jpg"
    Image.effect_noise((256, 256), 64).save(full, format="JPEG", quality=90)
    data = full.read_bytes()
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: int(len(data) * 0.7)])
    with pytest.raises(CorruptError):
        open_document(path)


def _make_tiff(path: Path, n_frames: int) -> Path:
    frames = [Image.new("L", (60, 40), 40 * i) for i in range(n_frames)]
    frames[0].save(path, format="TIFF", save_all=True, append_images=frames[1:])
    return path


def test_multipage_tiff_counts_frames(tmp_path: Path) -> None:
    doc = open_document(_make_tiff(tmp_path / "scan.tif", 4))
    assert (doc.media_type, doc.page_count) == ("image", 4)


def test_tiff_with_too_many_frames_is_too_large(tmp_path: Path) -> None:
    with pytest.raises(TooLargeError):
        open_document(_make_tiff(tmp_path / "scan.tif", 4), IntakeLimits(max_pages=3))


def test_truncated_tiff_is_corrupt(tmp_path: Path) -> None:
    data = _make_tiff(tmp_path / "full.tif", 3).read_bytes()
    path = tmp_path / "cut.tif"
    path.write_bytes(data[: int(len(data) * 0.7)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns about the broken tags it meets
        with pytest.raises(CorruptError):
            open_document(path)


def test_page_refs_cover_every_page(tmp_path: Path) -> None:
    doc = open_document(make_pdf(tmp_path / "b.pdf", n_pages=3))
    refs = page_refs(doc)
    assert [r.index for r in refs] == [0, 1, 2]
    assert [r.number for r in refs] == [1, 2, 3]
    assert {(r.sha256, r.media_type, r.source) for r in refs} == {(doc.sha256, "pdf", "b.pdf")}


# --- iter_inputs ----------------------------------------------------------


def test_folder_expansion_is_sorted_recursive_and_filtered(tmp_path: Path) -> None:
    root = tmp_path / "in"
    names = ["b.pdf", "a.PNG", "sub/c.tif", "sub/z.JPEG", "a/x.jpg", ".hidden.pdf", "notes.txt", ".git/y.pdf"]
    for rel in names:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"x")
    got = [p.relative_to(root).as_posix() for p in iter_inputs([root])]
    assert got == ["a/x.jpg", "a.PNG", "b.pdf", "sub/c.tif", "sub/z.JPEG"]


def test_files_pass_as_given_and_missing_paths_fail_at_their_turn(tmp_path: Path) -> None:
    first = make_pdf(tmp_path / "first.pdf", n_pages=1)
    odd = tmp_path / "scan.bin"  # any extension: intake sniffs it
    odd.write_bytes(make_png(tmp_path / "p.png").read_bytes())
    missing = tmp_path / "missing.pdf"
    inputs = list(iter_inputs([first, missing, odd]))
    assert inputs == [first, missing, odd]
    outcomes: list[str] = []
    for path in inputs:  # the batch goes on past the missing one
        try:
            outcomes.append(open_document(path).media_type)
        except YusuanError as err:
            outcomes.append(err.code.value)
    assert outcomes == ["pdf", "not_found", "image"]
