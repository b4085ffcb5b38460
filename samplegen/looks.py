"""Looks: every rendering drawn from named axes, so the pipeline is built and measured across them.

A look fixes one value of each axis:

* typeface (``samplegen.fonts``): hei, song, kai, fangsong;
* page: the spec's orientation, all portrait, or landscape for wide tables (by column count);
* layout: plain (the samples' ruled grid) or excel (grey bold header fills, thick frame and
  hairline rules, the unit above the table's right edge, 第 n 页，共 N 页 footers, titles
  prefixed by the department, no 部门名称 line);
* printing, sub-axes usable with either layout: a column-number row (栏次 1 2 3 …),
  thousands separators, empty tables printed as header and note, narrower label columns
  (long labels wrap), blank amounts printed as 0.00;
* capture (``samplegen.captures``): flatbed, photocopy, fax, gray150, flatbed_lid, phone;
* scan level (``samplegen.scan``): skew, noise, blur, JPEG quality, damaged rules, turned pages;

and a seed.  Named looks are fixed (``LOOKS``); ``draw_look`` draws random ones for fitting.
"""

from __future__ import annotations

import zlib
from dataclasses import asdict, dataclass, field

import numpy as np

from samplegen.captures import CAPTURES, Capture
from samplegen.fonts import TYPEFACES, Typeface
from samplegen.render import PLAIN, PrintStyle
from samplegen.scan import LEVELS, ScanLevel
from samplegen.spec import DocumentSpec
from samplegen.variants import (
    Orientation,
    empty_as_note,
    excel_headings,
    narrow_labels,
    orient,
    rewrite_tables,
    with_number_row,
    with_thousands,
    zero_blanks,
)

ORIENTATIONS: tuple[Orientation, ...] = ("as-spec", "portrait", "wide-landscape")


@dataclass(frozen=True, slots=True)
class Layout:
    """One value of the layout axis: how the printer draws, and whether titles carry the department."""

    name: str
    style: PrintStyle
    department_in_title: bool = False


PLAIN_LAYOUT = Layout("plain", PLAIN)
# An Excel sheet exported to PDF: 0.78 grey header fills (a light grey a copier screens into
# dots), 1.8 pt frame around 0.3 pt hairlines.
EXCEL_LAYOUT = Layout(
    "excel",
    PrintStyle(rule_width=0.3, frame_width=1.8, header_fill=0.78, bold_headings=True, page_footer=True),
    department_in_title=True,
)
LAYOUTS: dict[str, Layout] = {x.name: x for x in (PLAIN_LAYOUT, EXCEL_LAYOUT)}


@dataclass(frozen=True, slots=True)
class Printing:
    """The printing sub-axes: what the cells hold, independent of the layout's drawing."""

    column_numbers: bool = False  # a 栏次 / 1 2 3 … row under each ledger's header
    thousands: bool = False  # 3,015.24 (the truth value stays 3015.24)
    empty_note: bool = False  # an empty table printed as its header and 注：本表无数据, no body rows
    wrap_labels: bool = False  # label columns half as wide: long labels wrap over two lines
    zero_blanks: bool = False  # a labelled row's blank amounts printed as 0.00 (facts then)


@dataclass(frozen=True, slots=True)
class Look:
    name: str
    typeface: Typeface
    page: Orientation
    layout: Layout
    printing: Printing
    capture: Capture
    level: ScanLevel
    seed: int = field(default=0)

    def axes(self) -> dict[str, object]:
        """The axis values, for the sidecar a built file carries."""
        return {
            "look": self.name,
            "seed": self.seed,
            "typeface": self.typeface.name,
            "font": f"{self.typeface.family} ({self.typeface.path})",
            "font_stand_in": self.typeface.stand_in or None,
            "page": self.page,
            "layout": self.layout.name,
            "printing": asdict(self.printing),
            "capture": self.capture.name,
            "level": self.level.name,
        }


def print_spec(spec: DocumentSpec, look: Look) -> DocumentSpec:
    """The spec as this look prints it; the truth is derived from this, so it follows the print."""
    p = look.printing
    steps = [
        *([empty_as_note] if p.empty_note else []),
        *([zero_blanks] if p.zero_blanks else []),
        *([with_thousands] if p.thousands else []),
        *([with_number_row] if p.column_numbers else []),
        *([narrow_labels] if p.wrap_labels else []),
        lambda t: orient(t, look.page),
    ]
    out = rewrite_tables(spec, *steps)
    return excel_headings(out) if look.layout.department_in_title else out


def _look(name: str, typeface: str, page: Orientation, layout: str, capture: str, level: str,
          **printing: bool) -> Look:
    return Look(name, TYPEFACES[typeface], page, LAYOUTS[layout], Printing(**printing), CAPTURES[capture],
                LEVELS[level], seed=zlib.crc32(name.encode()))


# Together they hold every value of every axis; each capture with more than one typeface or layout
# where there are two looks of it, and both layouts over the captures.
NAMED_LOOKS: tuple[Look, ...] = (
    _look("hei-plain-flatbed", "hei", "as-spec", "plain", "flatbed", "mild"),
    _look("song-excel-photocopy", "song", "wide-landscape", "excel", "photocopy", "mild",
          column_numbers=True, thousands=True, empty_note=True),
    _look("kai-plain-fax", "kai", "portrait", "plain", "fax", "mild", wrap_labels=True),
    _look("fangsong-excel-gray150", "fangsong", "wide-landscape", "excel", "gray150", "mild",
          thousands=True, zero_blanks=True, empty_note=True),
    _look("song-plain-lid", "song", "as-spec", "plain", "flatbed_lid", "harsh", column_numbers=True),
    _look("hei-excel-phone", "hei", "wide-landscape", "excel", "phone", "mild",
          column_numbers=True, thousands=True, empty_note=True, wrap_labels=True),
    _look("song-plain-phone", "song", "portrait", "plain", "phone", "harsh", zero_blanks=True),
    _look("kai-excel-flatbed", "kai", "wide-landscape", "excel", "flatbed", "harsh",
          column_numbers=True, empty_note=True, wrap_labels=True),
    _look("fangsong-plain-photocopy", "fangsong", "as-spec", "plain", "photocopy", "harsh", thousands=True),
)
LOOKS: dict[str, Look] = {look.name: look for look in NAMED_LOOKS}

# Random looks draw from every level, the fitting ones included (they are for fitting).
RANDOM_LEVELS = ("mild", "harsh", "fitlight", "fitrough")


def draw_look(seed: int, index: int) -> Look:
    """The ``index``-th random look of ``seed``: each axis value drawn uniformly, each sub-axis a coin."""
    rng = np.random.default_rng([seed, index])
    name = f"random-{seed}-{index}"

    def pick(values):  # noqa: ANN001, ANN202 - a tuple of names in, one of them out
        return values[int(rng.integers(0, len(values)))]

    typeface = pick(tuple(TYPEFACES))
    page = pick(ORIENTATIONS)
    layout = pick(tuple(LAYOUTS))
    capture = pick(tuple(CAPTURES))
    level = pick(RANDOM_LEVELS)
    printing = Printing(*(bool(rng.random() < 0.5) for _ in range(5)))
    return Look(name, TYPEFACES[typeface], page, LAYOUTS[layout], printing, CAPTURES[capture], LEVELS[level],
                seed=zlib.crc32(name.encode()))
