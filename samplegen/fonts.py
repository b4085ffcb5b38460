"""The typeface axis: the CJK faces a disclosure may be printed in, each a Debian-packaged TrueType file.

reportlab's ``TTFont`` reads TrueType outlines (``glyf``) only, so the CFF-based Noto CJK
faces cannot be used; every face here is a ``.ttf``/``.ttc`` with ``glyf`` outlines, and
``scripts/setup.sh`` installs its package.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont


@dataclass(frozen=True, slots=True)
class Typeface:
    """One value of the typeface axis."""

    name: str  # the axis value: hei, song, kai, fangsong
    family: str  # the face's own name
    path: Path
    package: str  # the Debian package that installs it
    subfont: int = 0  # index in a .ttc collection
    # Set when the face is not of the named style but the closest one Debian has: what it is and why.
    stand_in: str = ""

    @property
    def font_name(self) -> str:
        """The name drawing calls ask reportlab for; one per typeface, so one process can use all of them."""
        return f"Look-{self.name}"


HEI = Typeface("hei", "WenQuanYi Zen Hei", Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
               "fonts-wqy-zenhei")
SONG = Typeface("song", "AR PL SungtiL GB", Path("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"),
                "fonts-arphic-gbsn00lp")
KAI = Typeface("kai", "AR PL KaitiM GB", Path("/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf"),
               "fonts-arphic-gkai00mp")
# Debian bookworm packages no FangSong face that covers simplified Chinese: fonts-cwtex-fs (cwTeX 仿宋)
# maps traditional characters only and lacks 273 of the characters the specs print (县, 预, 项, 财 …).
# LXGW WenKai's even, slender strokes on Kai structures are the nearest face that covers them.
FANGSONG = Typeface(
    "fangsong", "LXGW WenKai", Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"),
    "fonts-lxgw-wenkai",
    stand_in="LXGW WenKai (霞鹜文楷) stands in: no FangSong face in Debian bookworm covers simplified Chinese",
)
TYPEFACES: dict[str, Typeface] = {t.name: t for t in (HEI, SONG, KAI, FANGSONG)}


def register(typeface: Typeface) -> str:
    """Register the face with reportlab (once per process) and return the name to draw with."""
    name = typeface.font_name
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(typeface.path), subfontIndex=typeface.subfont))
    return name
