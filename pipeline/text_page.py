"""A born-digital page read from its own text layer: the per-page recipe without OCR.

render (for the ruling lines only) -> ruling lines -> table regions -> grids ->
each cell's text from the glyphs centred in it, plus the text above and below
each table and the prose of a page without tables, exactly as the OCR recipe
(pipeline.page) lays them out.  The page's glyphs are checked against its ink
first; a page whose text layer does not match what it shows returns None and is
OCR'd instead.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from models import BBox, Orientation, PageRef, PageResult, PageTable
from pipeline.image.colour import without_coloured_ink
from pipeline.image.preprocess import binarize, measure_char_height
from pipeline.image.render import render_page
from pipeline.read.textcells import fill_grid, phrases_in
from pipeline.read.textlayer import TextLayer, ink_mismatch
from pipeline.settings import Settings

if TYPE_CHECKING:
    from pipeline.page import KeepImage

log = logging.getLogger(__name__)


def read_text_page(ref: PageRef, layer: TextLayer, settings: Settings,
                   keep_image: KeepImage | None = None) -> PageResult | None:
    """The page read from ``layer`` (glyph boxes at ``settings.render_dpi``), or None when its
    glyphs do not match its ink; ``keep_image`` as for pipeline.page.process_page."""
    from pipeline.page import detect_grids, table_text_boxes  # the OCR recipe's own stages

    image = render_page(ref, settings.render_dpi, settings.max_page_pixels)
    # Coloured ink (a seal, a stamp) is taken out as on a scan: no glyph explains it.  The rest of
    # a scan's paper stages (the sheet cut out of a photo, half-tone screens) have nothing to do on
    # a rendered page, which is its own sheet with solid fills, and would move the ink away from the
    # glyph boxes; what the glyphs do not explain, ink_mismatch below sends to OCR.
    gray = without_coloured_ink(image.colour) if image.colour is not None else image.pixels
    char_height = measure_char_height(binarize(gray))
    detection = detect_grids(gray, char_height, settings)
    doubt = ink_mismatch(layer.glyphs, detection.text_ink, char_height)
    if doubt is not None:
        log.info("%s page %d: text layer not used (%s); read by OCR", ref.source, ref.number, doubt)
        return None
    height, width = gray.shape[:2]
    grids = detection.grids
    tables = []
    for index, grid in enumerate(grids):
        context_box, footer_box = table_text_boxes(grids, index, width, height, char_height)
        tables.append(PageTable(grid=fill_grid(grid, layer.glyphs),
                                context=phrases_in(layer.glyphs, context_box, char_height),
                                footer=phrases_in(layer.glyphs, footer_box, char_height)))
    page_box = BBox(0.0, 0.0, float(width), float(height))
    text = () if grids else phrases_in(layer.glyphs, page_box, char_height, split_phrases=False)
    log.debug("%s page %d: read from its text layer, %d glyphs, grids %s", ref.source, ref.number,
              len(layer.glyphs), ", ".join(f"{g.n_rows}x{g.n_cols}" for g in grids) or "none")
    return PageResult(ref=ref, width=int(width), height=int(height),
                      orientation=Orientation(quarter_turns_cw=0, skew_deg=0.0),
                      char_height=char_height, tables=tuple(tables), text=text,
                      image=keep_image(gray, ref.number) if keep_image is not None else None)
