"""A comparison sign's bar read from the ink, on signs drawn in the faces the forms are printed in."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.read.signs import lower_ink_ratio, with_comparison_bar

# Faces scripts/setup.sh installs: the Kai and Song the looks print with (slanted ⩾), and a Hei.
FACES = {
    "kai": "/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",
    "song": "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
    "hei": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
}
SIZE = 26  # pixels: a form's indicator text at 200 dpi
CHAR_HEIGHT = 22.0


def line(text: str, face: str) -> np.ndarray:
    image = Image.new("L", (220, 48), 255)
    ImageDraw.Draw(image).text((8, 8), text, font=ImageFont.truetype(FACES[face], SIZE), fill=0)
    return np.array(image)


@pytest.mark.parametrize("face", sorted(FACES))
@pytest.mark.parametrize(("printed", "read", "meant"), [("≥95%", ">95%", "≥95%"), ("≤3年", "<3年", "≤3年")])
def test_a_barred_sign_read_bare_gets_its_bar_back(face: str, printed: str, read: str, meant: str) -> None:
    assert with_comparison_bar(read, line(printed, face), CHAR_HEIGHT) == meant


@pytest.mark.parametrize("face", sorted(FACES))
@pytest.mark.parametrize("printed", [">95%", "<3年", "＞95%"])
def test_a_bare_sign_stays_bare(face: str, printed: str) -> None:
    assert with_comparison_bar(printed, line(printed, face), CHAR_HEIGHT) == printed


def test_only_a_leading_bare_sign_is_looked_at() -> None:
    image = line("≥95%", "kai")
    assert with_comparison_bar("95%", image, CHAR_HEIGHT) == "95%"
    assert with_comparison_bar("≥95%", image, CHAR_HEIGHT) == "≥95%"
    assert with_comparison_bar(">95%", np.zeros((0, 0), dtype=np.uint8), CHAR_HEIGHT) == ">95%"
    assert lower_ink_ratio(np.full((40, 100), 255, dtype=np.uint8), CHAR_HEIGHT) is None
