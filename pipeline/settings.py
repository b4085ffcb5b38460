"""Every tolerance of the pipeline in one validated, frozen settings object.

Lengths named ``*_ch`` are multiples of the measured character height of the
page (so the same settings work at 150 dpi and at 400 dpi); ``*_frac`` are
fractions of a page or region dimension; ``dpi`` is dots per inch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


# The confidence at or above which a fact is accepted, wherever a threshold is not given (ingest,
# the review app, re-validation after an operator's decision).  Chosen with the shipped confidence
# model by scripts/lolo.py --write (its "accept_threshold"; a test holds the two equal): the lowest
# at which every look of make looks, scored by a model fitted without it, accepts at least 0.995
# right facts and sends at least 0.9 of its wrong facts to review.
DEFAULT_ACCEPT_THRESHOLD = 0.965


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # Rendering: 200 dpi keeps 9 pt CJK glyphs ~25 px tall, enough for both engines.
    render_dpi: int = Field(default=200, ge=72, le=600)
    # Pages larger than this many pixels are refused before decoding.
    max_page_pixels: int = Field(default=200_000_000, ge=1)

    # Deskew: search range and step of the projection-profile search, degrees.
    deskew_max_deg: float = Field(default=4.0, ge=0)
    deskew_step_deg: float = Field(default=0.1, gt=0)

    # Ruling lines: shortest line kept, in character heights.
    min_line_length_ch: float = Field(default=1.3, gt=0)
    # Line positions closer than this (character heights) are one grid line.
    line_merge_tol_ch: float = Field(default=0.45, gt=0)
    # A cell boundary exists when at least this share of it is covered by line pixels.
    # Low on purpose: inside a merged cell the line masks hold no ink at all, so any
    # line ink on a boundary means a (broken) line.
    boundary_coverage: float = Field(default=0.15, gt=0, le=1)
    # Text must leave this band (character heights) around a broken boundary blank.
    text_gap_ch: float = Field(default=0.25, gt=0)
    # Table regions smaller than this share of the page are ignored.
    min_table_area_frac: float = Field(default=0.01, gt=0, le=1)

    # Blank cells: a cell is blank when less than this share of its inner area is ink.
    blank_ink_frac: float = Field(default=0.004, ge=0, le=1)

    # OCR engine used for cells; see BENCHMARKS.md for why this is the default.
    ocr_engine: Literal["rapidocr", "tesseract"] = "rapidocr"
    # Read the cells nothing else can check (prose, project names, indicator values) a
    # second time with the other engine; their agreement feeds the confidence model.
    cross_check: bool = True
    # Read a born-digital PDF page from its own text layer (no OCR) when the layer passes the checks
    # of pipeline.read.textlayer; off: every page is OCR'd as a scan.
    text_layer: bool = True

    # Matching: below this rapidfuzz score (0..100) a label is not matched.
    label_match_threshold: float = Field(default=80.0, ge=0, le=100)
    title_match_threshold: float = Field(default=70.0, ge=0, le=100)

    # Facts at or above this confidence are `accepted`, the rest `needs_review`.
    accept_threshold: float = Field(default=DEFAULT_ACCEPT_THRESHOLD, ge=0, le=1)

    # Seconds a page's rendering may take (pipeline.image.render): a page that makes the renderer
    # hang fails with ``timeout`` and the document goes on.
    page_timeout_s: float = Field(default=120.0, gt=0)

    # Where the embedded database, Prefect's home and debug images live.
    data_dir: Path = Path("data")
