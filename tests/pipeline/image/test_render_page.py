"""Rendering keeps colour where a page has it (seals are told apart by colour) and nothing else changes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from models import PageRef
from pipeline.image.render import render_page


def _ref(path: Path, media_type: str) -> PageRef:
    return PageRef(path=path, source=path.name, sha256="0" * 64, media_type=media_type, index=0)  # type: ignore[arg-type]


def test_a_colour_pdf_page_keeps_its_colour_in_rgb_order(tmp_path: Path) -> None:
    picture = np.full((120, 160, 3), 255, np.uint8)
    picture[40:80, 40:120] = (220, 30, 30)  # red
    Image.fromarray(picture).save(tmp_path / "seal.pdf", resolution=72)
    page = render_page(_ref(tmp_path / "seal.pdf", "pdf"), 72, 10**8)
    assert page.colour is not None and page.colour.shape[2] == 3
    r, g, b = page.colour[60, 80]
    assert r > 180 and g < 80 and b < 80
    assert page.pixels.shape == page.colour.shape[:2]


def test_a_grey_page_has_no_colour_copy(tmp_path: Path) -> None:
    Image.fromarray(np.full((100, 100), 200, np.uint8)).save(tmp_path / "grey.pdf", resolution=72)
    page = render_page(_ref(tmp_path / "grey.pdf", "pdf"), 72, 10**8)
    assert page.colour is None and page.pixels.ndim == 2


def test_transparent_parts_of_an_image_are_paper(tmp_path: Path) -> None:
    rgba = np.zeros((50, 80, 4), np.uint8)  # fully transparent black
    rgba[10:20, 10:20] = (0, 0, 0, 255)  # one opaque black square
    Image.fromarray(rgba, mode="RGBA").save(tmp_path / "alpha.png")
    page = render_page(_ref(tmp_path / "alpha.png", "image"), 200, 10**8)
    assert page.pixels[40, 60] == 255 and page.pixels[15, 15] == 0


def test_a_page_drawn_by_a_1_bit_image_is_bilevel_and_a_grey_one_is_not(tmp_path: Path) -> None:
    fax = np.full((100, 100), 255, np.uint8)
    fax[40:60, 20:80] = 0
    Image.fromarray(fax).convert("1").save(tmp_path / "fax.pdf", resolution=72)
    Image.fromarray(fax).convert("1").save(tmp_path / "fax.png")
    Image.fromarray(np.full((100, 100), 200, np.uint8)).save(tmp_path / "grey.pdf", resolution=72)
    assert render_page(_ref(tmp_path / "fax.pdf", "pdf"), 72, 10**8).bilevel
    assert render_page(_ref(tmp_path / "fax.png", "image"), 200, 10**8).bilevel
    assert not render_page(_ref(tmp_path / "grey.pdf", "pdf"), 72, 10**8).bilevel
