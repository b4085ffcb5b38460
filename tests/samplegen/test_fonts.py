from __future__ import annotations

from pathlib import Path

import pytest
from PIL import ImageFont
from reportlab.pdfbase.ttfonts import TTFontFile

from samplegen.fonts import FANGSONG, TYPEFACES, Typeface

SPECS = Path(__file__).resolve().parents[2] / "samples" / "spec"
# What the look generator prints besides the specs' text: footers, the unit line, number rows, notes.
FURNITURE = "第 1 页，共 2 页 单位：万元 栏次 注：本表无数据 0123456789,.-"


def _printed_characters() -> set[str]:
    text = FURNITURE + "".join(p.read_text(encoding="utf-8") for p in sorted(SPECS.glob("*.json")))
    text += "".join(p.read_text(encoding="utf-8") for p in sorted(SPECS.glob("*_narrative.txt")))
    return {c for c in text if not c.isspace() and c not in '{}[]"\\'}


@pytest.mark.parametrize("typeface", list(TYPEFACES.values()), ids=list(TYPEFACES))
def test_every_character_the_specs_print_has_a_glyph_with_ink(typeface: Typeface) -> None:
    # reportlab draws from the cmap (a missing code point prints .notdef, the tofu box); Pillow's
    # FreeType rendering shows the mapped glyph is not an empty outline.
    cmap = TTFontFile(str(typeface.path), subfontIndex=typeface.subfont).charToGlyph
    font = ImageFont.truetype(str(typeface.path), 24, index=typeface.subfont)
    chars = _printed_characters()
    assert len(chars) > 800
    unmapped = sorted(c for c in chars if ord(c) not in cmap or cmap[ord(c)] == 0)
    blank = sorted(c for c in chars if c not in unmapped and font.getmask(c).getbbox() is None)
    assert unmapped == [] and blank == [], (typeface.name, "".join(unmapped), "".join(blank))


def test_every_typeface_is_truetype_from_a_debian_package() -> None:
    for typeface in TYPEFACES.values():
        assert typeface.path.suffix in (".ttf", ".ttc") and typeface.path.is_file(), typeface
        assert typeface.package.startswith("fonts-")
    setup = (Path(__file__).resolve().parents[2] / "scripts" / "setup.sh").read_text()
    assert all(t.package in setup for t in TYPEFACES.values())


def test_the_fangsong_stand_in_says_so() -> None:
    assert FANGSONG.stand_in and "FangSong" in FANGSONG.stand_in
    assert all(not t.stand_in for t in TYPEFACES.values() if t is not FANGSONG)
