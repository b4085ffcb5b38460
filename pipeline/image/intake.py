"""Intake: decide whether an input is a document we can read, before any work.

``open_document`` sniffs the real type from the file's first bytes (the
extension is never trusted), refuses what cannot be processed with a named
:mod:`pipeline.errors` exception, and returns a frozen :class:`DocumentInfo`.
It reads headers only: no page is rendered and no image is decoded at full
size, so a hostile file costs a few reads, not gigabytes of memory.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import pypdfium2  # noqa: F401  (importing it initialises the PDFium library)
import pypdfium2.raw as pdfium_raw
from PIL import Image, ImageFile, JpegImagePlugin, PngImagePlugin, TiffImagePlugin

from models.document import DocumentInfo, PageRef
from pipeline.errors import (
    CorruptError,
    EmptyError,
    EncryptedError,
    InputNotFoundError,
    NotADocumentError,
    TooLargeError,
)

# Extensions picked up when a folder is expanded; files named explicitly are
# taken whatever their extension, since intake sniffs their real type.
INPUT_SUFFIXES = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"})

_SNIFF_BYTES = 1024  # PDF allows junk before %PDF- within the first 1024 bytes
_PDF_MAGIC = b"%PDF-"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"
# Classic TIFF (II*\0, MM\0*) and BigTIFF (II+\0, MM\0+), which Pillow also reads.
_TIFF_MAGICS = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")

# Errors Pillow raises from a header it cannot parse (its plugins use
# SyntaxError for "not this format / broken", struct.error for short reads).
_PIL_PARSE_ERRORS = (SyntaxError, OSError, EOFError, ValueError, IndexError, TypeError, struct.error)

# TIFF tags locating each frame's image data (TIFF 6.0, sections 3 and 15).
_TAG_STRIP_OFFSETS, _TAG_STRIP_BYTE_COUNTS = 273, 279
_TAG_TILE_OFFSETS, _TAG_TILE_BYTE_COUNTS = 324, 325


@dataclass(frozen=True, slots=True)
class IntakeLimits:
    """What intake refuses as too large.  Defaults suit county disclosures.

    ``max_pixels`` is per image frame (width * height) and guards against
    decompression bombs: a few-KB PNG can claim 10^10 pixels.
    """

    max_file_bytes: int = 500 * 1024 * 1024
    max_pixels: int = 200_000_000
    max_pages: int = 2000


class _Sniffed(Enum):
    PDF = "pdf"
    PNG = "png"
    JPEG = "jpeg"
    TIFF = "tiff"


def sniff(head: bytes) -> _Sniffed | None:
    """The real type of a file from its first bytes, or None when unsupported."""
    if head.startswith(_PNG_MAGIC):
        return _Sniffed.PNG
    if head.startswith(_JPEG_MAGIC):
        return _Sniffed.JPEG
    if head.startswith(_TIFF_MAGICS):
        return _Sniffed.TIFF
    if _PDF_MAGIC in head[:_SNIFF_BYTES]:
        return _Sniffed.PDF
    return None


def open_document(
    path: Path, limits: IntakeLimits = IntakeLimits(), source: str | None = None
) -> DocumentInfo:
    """Check one input and describe it, or raise a :class:`~pipeline.errors.YusuanError`."""
    name = source if source is not None else path.name
    size = _file_size(path, name)
    if size == 0:
        raise EmptyError(name, "the file is zero bytes long")
    if size > limits.max_file_bytes:
        raise TooLargeError(name, f"the file is {size} bytes, over the limit of {limits.max_file_bytes}")
    kind = sniff(_read_head(path, name))
    if kind is None:
        raise NotADocumentError(name, "the file is neither a PDF nor a PNG, JPEG or TIFF image")
    if kind is _Sniffed.PDF:
        page_count = _pdf_page_count(path, limits, name)
    else:
        page_count = _image_page_count(path, kind, limits, name, size)
    return DocumentInfo(
        path=path,
        source=name,
        sha256=sha256_file(path),
        media_type="pdf" if kind is _Sniffed.PDF else "image",
        page_count=page_count,
        size_bytes=size,
    )


def page_refs(doc: DocumentInfo) -> list[PageRef]:
    """One reference per page, in order."""
    return [
        PageRef(path=doc.path, source=doc.source, sha256=doc.sha256, media_type=doc.media_type, index=i)
        for i in range(doc.page_count)
    ]


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, streamed so a 500 MB scan is never held in memory."""
    with path.open("rb") as fp:
        return hashlib.file_digest(fp, "sha256").hexdigest()


def iter_inputs(paths: Sequence[Path]) -> Iterator[Path]:
    """The inputs named on the command line, folders expanded, in a stable order.

    A folder yields its supported files (recursively, hidden entries skipped,
    sorted by path).  A file is yielded as given.  A path that does not exist
    is yielded too, at its turn: raising here would end the generator and the
    rest of the batch with it, so :func:`open_document` raises
    :class:`InputNotFoundError` for it and the caller records one rejection.
    """
    for path in paths:
        if path.is_dir():
            yield from _expand_folder(path)
        else:
            yield path


def _expand_folder(folder: Path) -> list[Path]:
    found: list[Path] = []
    # os.walk does not follow symlinked folders, so a link loop cannot recurse forever.
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith(".") and Path(name).suffix.lower() in INPUT_SUFFIXES:
                candidate = Path(root) / name
                if candidate.is_file():  # skips dangling symlinks
                    found.append(candidate)
    # Sort by path components, so "a/x.pdf" and "a.pdf" order the same on every OS.
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def _file_size(path: Path, name: str) -> int:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputNotFoundError(name, "no such file") from None
    except OSError as exc:
        raise InputNotFoundError(name, f"cannot be read ({exc.strerror})") from None
    if path.is_dir():
        raise NotADocumentError(name, "is a folder, not a file")
    return st.st_size


def _read_head(path: Path, name: str) -> bytes:
    try:
        with path.open("rb") as fp:
            return fp.read(_SNIFF_BYTES)
    except OSError as exc:
        raise InputNotFoundError(name, f"cannot be read ({exc.strerror})") from None


def _pdf_page_count(path: Path, limits: IntakeLimits, name: str) -> int:
    # The raw API, not PdfDocument: PdfDocument treats a page count below 1 as
    # a load failure and reports FPDF_GetLastError, which PDFium leaves stale
    # in that case (a zero-page file after an encrypted one read "password").
    handle = pdfium_raw.FPDF_LoadDocument(_c_path(path), None)
    if not handle:
        err_code = pdfium_raw.FPDF_GetLastError()  # fresh: every failed load sets it
        if err_code in (pdfium_raw.FPDF_ERR_PASSWORD, pdfium_raw.FPDF_ERR_SECURITY):
            raise EncryptedError(name, "the PDF is protected by a password")
        raise CorruptError(name, f"the PDF cannot be parsed (PDFium error {err_code})")
    try:
        n_pages = pdfium_raw.FPDF_GetPageCount(handle)
    finally:
        pdfium_raw.FPDF_CloseDocument(handle)
    if n_pages <= 0:
        raise EmptyError(name, "the PDF has no pages")
    if n_pages > limits.max_pages:
        raise TooLargeError(name, f"the PDF has {n_pages} pages, over the limit of {limits.max_pages}")
    return n_pages


def _c_path(path: Path) -> bytes:
    """A NUL-terminated path for PDFium, encoded the way pypdfium2 does it on POSIX."""
    return (str(path) + "\x00").encode("utf-8", errors="surrogateescape")


# The Pillow plugin for each image type.  Instantiating the plugin class
# directly parses the header exactly as Image.open would, but skips
# Image.open's own decompression-bomb check, which uses PIL's process-wide
# MAX_IMAGE_PIXELS (about 89 M, error above 179 M) and would otherwise reject
# or warn before our configured limit is consulted.
_PIL_PLUGINS: dict[_Sniffed, type[ImageFile.ImageFile]] = {
    _Sniffed.PNG: PngImagePlugin.PngImageFile,
    _Sniffed.JPEG: JpegImagePlugin.JpegImageFile,
    _Sniffed.TIFF: TiffImagePlugin.TiffImageFile,
}


def _image_page_count(path: Path, kind: _Sniffed, limits: IntakeLimits, name: str, size: int) -> int:
    try:
        with path.open("rb") as fp:
            image = _PIL_PLUGINS[kind](fp)
            if kind is _Sniffed.TIFF:
                return _tiff_frames(image, limits, name, size)
            _check_pixels(image.size, limits, name)
            _check_complete(image, kind, name)
            return 1
    except Image.DecompressionBombError:
        # Not expected (we check first), but a plugin may call PIL's guard itself.
        raise TooLargeError(name, "the image claims more pixels than Pillow allows") from None
    except _PIL_PARSE_ERRORS as exc:
        raise CorruptError(name, f"the image header cannot be read ({exc})") from None


def _check_pixels(size: tuple[int, int], limits: IntakeLimits, name: str) -> None:
    width, height = size
    if width * height > limits.max_pixels:
        raise TooLargeError(
            name, f"an image of {width}x{height} pixels is over the limit of {limits.max_pixels} pixels"
        )


def _tiff_frames(image: ImageFile.ImageFile, limits: IntakeLimits, name: str, size: int) -> int:
    """Count frames by walking the IFD chain, checking each frame before moving on."""
    n_frames = 0
    while True:
        n_frames += 1
        if n_frames > limits.max_pages:
            raise TooLargeError(name, f"the TIFF has more than {limits.max_pages} pages")
        _check_pixels(image.size, limits, name)
        _check_tiff_extents(image, name, size)
        try:
            image.seek(n_frames)  # reads the next IFD only, no pixel data
        except EOFError:
            return n_frames


def _check_tiff_extents(image: ImageFile.ImageFile, name: str, size: int) -> None:
    """A truncated TIFF has strips or tiles that point past the end of the file."""
    tags = image.tag_v2  # type: ignore[attr-defined]
    offsets = tags.get(_TAG_STRIP_OFFSETS) or tags.get(_TAG_TILE_OFFSETS)
    counts = tags.get(_TAG_STRIP_BYTE_COUNTS) or tags.get(_TAG_TILE_BYTE_COUNTS)
    if offsets is None or counts is None:
        return
    offsets = offsets if isinstance(offsets, tuple) else (offsets,)
    counts = counts if isinstance(counts, tuple) else (counts,)
    if any(o + c > size for o, c in zip(offsets, counts)):
        raise CorruptError(name, "the TIFF is truncated: its image data runs past the end of the file")


def _check_complete(image: ImageFile.ImageFile, kind: _Sniffed, name: str) -> None:
    """Detect a truncated PNG or JPEG cheaply; called only after the pixel check passed.

    PNG: ``verify`` walks the chunks to IEND checking CRCs, without inflating.
    JPEG: decode at 1/8 scale (libjpeg's DCT scaling, 1/64 of the memory): it
    reads every entropy-coded byte, so a missing tail raises "truncated".
    """
    try:
        if kind is _Sniffed.PNG:
            image.verify()
        else:
            image.draft(None, (1, 1))
            image.load()
    except _PIL_PARSE_ERRORS as exc:
        raise CorruptError(name, f"the image is truncated or damaged ({exc})") from None
