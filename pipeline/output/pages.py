"""The upright page images an operator reviews facts on, kept by content under the data directory.

Every box of a page's results (cells, facts, tables) is a fraction of the upright page the pipeline
read (coloured ink taken out, the sheet rectified, turned, deskewed).  That page is made again here
from the rendered input with :func:`pipeline.image.orient.reapply` (nothing is decided twice), written
once as a grayscale PNG named
by the sha256 of its bytes (``<folder>/<first 2 hex>/<sha256>.png``) and referred to by that hash
alone: the input file may since have been moved (``yusuan serve`` moves it to ``processed/``), and
the same page ingested twice is stored once.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np

from models import PageResult, StoredPageImage
from pipeline.image.orient import reapply
from pipeline.image.render import render_page
from pipeline.settings import Settings

log = logging.getLogger(__name__)

PAGES_FOLDER = "pages"
# Lossless and deterministic: the same pixels give the same bytes, hence the same name.  zlib's
# fastest level: on a 200-dpi scan 56 ms a page against level 6's 205 ms, for 18 % more bytes
# (1.40 MB against 1.19 MB); on a born-digital page 21 against 31 ms, 152 against 128 KB.
_PNG_COMPRESSION = 1
_SHA256 = re.compile(r"[0-9a-f]{64}")


def page_image_folder(data_dir: Path) -> Path:
    return data_dir / PAGES_FOLDER


def page_image_path(folder: Path, sha256: str) -> Path:
    """Where the image named ``sha256`` lives in ``folder``; refuses anything but 64 lowercase hex digits,
    so no caller can turn a name into another path."""
    if not _SHA256.fullmatch(sha256):
        raise ValueError("not a sha256 hex digest")
    return folder / sha256[:2] / f"{sha256}.png"


def keep_page_image(page: PageResult, settings: Settings, folder: Path) -> StoredPageImage:
    """Render ``page`` again, turn it upright as the pipeline did, and keep its PNG (once) in ``folder``."""
    image = render_page(page.ref, settings.render_dpi, settings.max_page_pixels)
    gray = reapply(image.pixels, page.orientation, image.colour, image.dpi)
    return keep_upright_image(gray, page.ref.number, folder)


def keep_upright_image(gray: np.ndarray, page_number: int, folder: Path) -> StoredPageImage:
    """Keep ``gray``, a page as the pipeline read it (upright), as its PNG (once) in ``folder``."""
    ok, encoded = cv2.imencode(".png", gray, [cv2.IMWRITE_PNG_COMPRESSION, _PNG_COMPRESSION])
    if not ok:
        raise RuntimeError(f"page {page_number}: the page image could not be encoded")
    data = encoded.tobytes()
    sha256 = hashlib.sha256(data).hexdigest()
    path = page_image_path(folder, sha256)
    if not path.exists():
        _write_atomically(path, data)
    return StoredPageImage(page=page_number, sha256=sha256, width=int(gray.shape[1]), height=int(gray.shape[0]))


def kept_by_reader(gray: np.ndarray, page_number: int, folder: Path) -> StoredPageImage | None:
    """The page reader's own upright image, kept where the cores are (the document's assembly, one
    process, made every image again and was the slowest step of a born-digital run): the page
    recipe's ``keep_image``.  None when keeping fails: the assembly then tries again and says why
    if it fails too."""
    try:
        return keep_upright_image(gray, page_number, folder)
    except (OSError, RuntimeError) as exc:  # disk full, an unwritable folder
        log.warning("page %d: page image not kept by its reader (%s)", page_number, exc)
        return None


def keep_page_images(pages: Iterable[PageResult], settings: Settings, folder: Path) -> tuple[StoredPageImage, ...]:
    """Every page's upright image kept in ``folder``, in page order; a page whose reader kept it
    (and whose file is there: a cached reading may come from another data folder) is not made again."""
    return tuple(page.image if page.image is not None and page_image_path(folder, page.image.sha256).exists()
                 else keep_page_image(page, settings, folder) for page in sorted(pages, key=lambda p: p.ref.index))


def _write_atomically(path: Path, data: bytes) -> None:
    """Readers never see half a file; two writers of the same name write the same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
