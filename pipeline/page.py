"""One page from pixels to read grids: the per-page recipe.

render -> upright/deskew -> ruling lines -> table regions -> grids ->
cell OCR, plus the text above each table (caption, title, 部门名称, 单位).
A PDF page whose own text layer can be trusted takes pipeline.text_page instead
(the same grids, the text from the layer, no OCR).
Pages are processed one at a time and hold no state between calls.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from models import BBox, Grid, PageRef, PageResult, PageTable, StoredPageImage, TextPhrase
from pipeline.read.cells import read_grid
from pipeline.read.crosscheck import CrossCheck
from pipeline.image.grid import GridTolerances, build_grid
from pipeline.image.lines import RulingLines, detect_ruling_lines, find_table_regions, remove_grid_lines, remove_lines
from pipeline.ocr.base import OcrEngine
from pipeline.image.orient import upright
from pipeline.image.preprocess import (
    binarize,
    binarize_for_lines,
    measure_char_height,
    remove_specks,
    smoothed_for_reading,
)
from pipeline.image.render import render_page
from pipeline.image.sheet import as_paper
from pipeline.settings import Settings
from pipeline.read.textlayer import read_text_layer
from pipeline.read.textlines import crop, find_lines_in_box, without_tall_ink

log = logging.getLogger(__name__)

# Text further above a table than this many character heights is not its title block.
_CONTEXT_MAX_CH = 14.0


@dataclass(frozen=True, slots=True)
class GridDetection:
    """What the line and grid stages found on an upright page, before any OCR."""

    ink: np.ndarray
    lines: RulingLines
    grids: tuple[Grid, ...]
    text_ink: np.ndarray  # ink without the grids' ruling lines: what OCR crops are cut from


def detect_grids(gray: np.ndarray, char_height: float, settings: Settings) -> GridDetection:
    ink = remove_specks(binarize(gray))
    lines = detect_ruling_lines(binarize_for_lines(gray), settings.min_line_length_ch * char_height)
    # Only for judging broken lines: everything line-like is off this mask.
    rough_text_ink = remove_lines(ink, lines)
    tolerances = GridTolerances(
        merge_px=settings.line_merge_tol_ch * char_height,
        min_segment_px=settings.min_line_length_ch * char_height,
        boundary_coverage=settings.boundary_coverage,
        text_gap_px=settings.text_gap_ch * char_height,
    )
    grids: list[Grid] = []
    # A row is at most a few character heights tall; see lines._with_border_rows.
    for region in find_table_regions(lines, settings.min_table_area_frac, reach_px=3 * char_height):
        grid = build_grid(region, lines, rough_text_ink, tolerances, gray)
        if grid is not None:
            grids.append(grid)
    text_ink = remove_grid_lines(ink, lines, grids, tolerances.merge_px)
    return GridDetection(ink=ink, lines=lines, grids=tuple(grids), text_ink=text_ink)


KeepImage = Callable[[np.ndarray, int], StoredPageImage | None]


def process_page(ref: PageRef, settings: Settings, engine: OcrEngine,
                 cross_check: CrossCheck | None = None, keep_image: KeepImage | None = None) -> PageResult:
    """The page read; ``keep_image(upright page, page number)`` (the caller's: pipeline.output.pages
    keeps them under the data folder) is given the upright page the result's boxes refer to."""
    if ref.media_type == "pdf" and settings.text_layer:
        # A born-digital page is read from its own text layer, when that can be trusted
        # (pipeline.read.textlayer); any other page, and one whose layer fails a check, by OCR.
        from pipeline.text_page import read_text_page

        layer = read_text_layer(ref.path, ref.index, settings.render_dpi)
        if layer.distrust is not None:
            log.info("%s page %d: text layer not used (%s); read by OCR", ref.source, ref.number, layer.distrust)
        elif layer.usable and (page := read_text_page(ref, layer, settings, keep_image)) is not None:
            return page
    image = render_page(ref, settings.render_dpi, settings.max_page_pixels, settings.page_timeout_s)
    paper, sheet = as_paper(image.pixels, image.colour, image.dpi)
    char_height = measure_char_height(binarize(paper))
    gray, orientation = upright(paper, char_height, engine, settings.deskew_max_deg, settings.deskew_step_deg)
    orientation = replace(orientation, sheet=sheet)
    detection = detect_grids(gray, char_height, settings)
    grids, text_ink = detection.grids, detection.text_ink
    # A fax's stair-stepped glyphs are shown to the recogniser smoothed; lines and ink are found as they are.
    reading = smoothed_for_reading(gray) if image.bilevel else gray
    log.debug("%s page %d: character height %.1f px, %d ruling lines, grids %s", ref.source, ref.number,
              char_height, len(detection.lines.horizontal) + len(detection.lines.vertical),
              ", ".join(f"{g.n_rows}x{g.n_cols}" for g in grids) or "none")
    tables = []
    for index, grid in enumerate(grids):
        grid = read_grid(grid, reading, text_ink, char_height, engine, settings.blank_ink_frac, cross_check)
        context_box, footer_box = table_text_boxes(grids, index, gray.shape[1], gray.shape[0], char_height)
        context = _read_phrases(reading, text_ink, context_box, char_height, engine)
        footer = _read_phrases(reading, text_ink, footer_box, char_height, engine)
        tables.append(PageTable(grid=grid, context=context, footer=footer))
    # Prose pages are read whole: their figures check the tables (pipeline.check.narrative).
    page_box = BBox(0.0, 0.0, float(gray.shape[1]), float(gray.shape[0]))
    text = () if grids else _read_phrases(reading, without_tall_ink(text_ink, char_height), page_box, char_height,
                                           engine, split_phrases=False)
    return PageResult(
        ref=ref,
        width=int(gray.shape[1]),
        height=int(gray.shape[0]),
        orientation=orientation,
        char_height=char_height,
        tables=tuple(tables),
        text=text,
        image=keep_image(gray, ref.number) if keep_image is not None else None,
    )


def table_text_boxes(grids: Sequence[Grid], index: int, width: float, height: float,
                     char_height: float) -> tuple[BBox, BBox]:
    """Where the text of table ``index`` stands outside its grid: its title block above (down from the
    previous table, at most _CONTEXT_MAX_CH character heights), and its notes right below."""
    grid = grids[index]
    previous_bottom = grids[index - 1].bbox.y1 if index > 0 else 0.0
    context_top = max(previous_bottom, grid.bbox.y0 - _CONTEXT_MAX_CH * char_height)
    # Titles and the 部门名称/单位 line sit over the table, not in the page margins,
    # where scanner edges and shadows leave ink.
    margin = 2 * char_height
    context_box = BBox(max(0.0, grid.bbox.x0 - margin), context_top,
                       min(float(width), grid.bbox.x1 + margin), grid.bbox.y0 - 2)
    next_top = grids[index + 1].bbox.y0 if index + 1 < len(grids) else height
    footer_box = BBox(grid.bbox.x0, grid.bbox.y1 + 2, grid.bbox.x1, min(next_top, grid.bbox.y1 + 3 * char_height))
    return context_box, footer_box


def _read_phrases(gray: np.ndarray, text_ink: np.ndarray, box: BBox, char_height: float,
                  engine: OcrEngine, split_phrases: bool = True) -> tuple[TextPhrase, ...]:
    """The text in ``box``, top to bottom: phrases (a title line's 部门名称 apart from its 单位),
    or with ``split_phrases=False`` whole lines (prose).  A lone wrapped mark is left out."""
    if box.height < char_height * 0.5:
        return ()
    crops = [c for c in find_lines_in_box(text_ink, box, char_height, split_phrases=split_phrases) if not c.mark]
    if not crops:
        return ()
    readings = engine.read_lines([crop(gray, c.bbox) for c in crops])
    return tuple(
        TextPhrase(text=r.text.strip(), confidence=r.confidence, bbox=c.bbox)
        for c, r in zip(crops, readings)
        if r.text.strip()
    )
