"""Render a DocumentSpec to a born-digital PDF, recording where every cell landed.

The page furniture copies real 部门预算公开 tables: optional caption top-left,
a large centred title, a department/unit line, then a fully ruled grid.  Long
tables continue on new pages that repeat only the header rows (no title), as
the printed disclosures do.  Everything drawn is measured here, so the truth
bboxes are exact rather than estimated.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from samplegen.fonts import Typeface, register
from samplegen.layout import Grid, PlacedCell, place
from samplegen.spec import DocumentSpec, SpecTable

# The samples' typeface (a Hei/sans face); ``--font`` typesets them in another TrueType CJK face,
# e.g. a Song/Ming one as most disclosures are printed in.  One font per process: the name below
# is what every drawing call asks reportlab for.
DEFAULT_FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
FONT = "SampleCJK"

BODY_SIZE = 9.0
LEADING = 11.5
PAD_X = 3.5
PAD_Y = 3.0
MIN_ROW_H = 17.0
LINE_W = 0.8
MARGIN_X = 36.0
MARGIN_TOP = 40.0
MARGIN_BOTTOM = 40.0
CAPTION_SIZE = 10.0
TITLE_SIZE = 17.0
DEPT_SIZE = 10.0
NOTE_SIZE = 9.0
MAX_NATURAL_COL_W = 170.0  # a long label wraps instead of starving the other columns
FOOTER_SIZE = 8.0
BOLD_STROKE = 0.35  # outline width (pt) that thickens a face with no bold weight, as Excel's PDF export does

# Thousands-separated or plain decimals, optionally negative: printed money.
_NUMBER_RE = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


class RenderError(ValueError):
    """A spec table cannot be drawn (e.g. one row group taller than a page)."""


def register_font(path: Path = DEFAULT_FONT_PATH) -> str:
    """Register the CJK font under FONT, once per process: reportlab keeps the first face
    registered under a name, so asking for another one later is refused rather than ignored."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        registered = pdfmetrics.getFont(FONT).face.filename
        if Path(registered) != Path(path):
            raise RenderError(f"this process already typesets in {registered}; one font per process")
        return FONT
    pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
    return FONT


def is_number(text: str) -> bool:
    return bool(_NUMBER_RE.match(text.strip()))


@dataclass(frozen=True, slots=True)
class PrintStyle:
    """How the printer draws: the font and the rules, fills and page furniture of a layout.

    The defaults are the samples' plain look: every cell ruled alike, no fills, no footer.
    """

    font: str = FONT  # a name registered with reportlab
    rule_width: float = LINE_W  # every cell's border
    frame_width: float | None = None  # a heavier outer frame drawn over the table's border
    header_fill: float | None = None  # grey level (0 black, 1 white) behind the header rows
    bold_headings: bool = False  # header cells and titles outlined to look bold
    page_footer: bool = False  # 第 n 页，共 N 页 under each page of a table


PLAIN = PrintStyle()


@dataclass(frozen=True, slots=True)
class RenderedCell:
    """A cell as drawn on one page; bbox in page fractions, origin top-left."""

    grid_row: int  # row in the spec grid
    page_row: int  # row in this page's grid: header rows, then this page's body rows
    col: int
    row_span: int
    col_span: int
    text: str
    bbox: tuple[float, float, float, float]
    is_header: bool


@dataclass(frozen=True, slots=True)
class TablePage:
    """One table region on one page."""

    table_index: int
    page: int  # 1-based page number in the PDF
    continued: bool
    bbox: tuple[float, float, float, float]
    n_rows: int
    n_cols: int
    cells: tuple[RenderedCell, ...]


@dataclass(frozen=True, slots=True)
class RenderResult:
    pdf: bytes
    page_count: int
    table_pages: tuple[TablePage, ...]  # in page order

    def first_page_of(self, table_index: int) -> int:
        return min(tp.page for tp in self.table_pages if tp.table_index == table_index)


def wrap(text: str, width: float, size: float = BODY_SIZE, font: str = FONT) -> list[str]:
    """Greedy per-character wrap (CJK has no spaces); explicit newlines are kept."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for ch in para:
            if line and pdfmetrics.stringWidth(line + ch, font, size) > width:
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
    return lines


def fit_lines(text: str, width: float, font: str = FONT) -> tuple[list[str], float]:
    """(lines, font size): numbers never wrap (a split number reads as two), they shrink to fit."""
    if is_number(text):
        natural = pdfmetrics.stringWidth(text.strip(), font, BODY_SIZE)
        return [text.strip()], BODY_SIZE if natural <= width else max(5.0, BODY_SIZE * width / natural)
    return wrap(text, width, font=font), BODY_SIZE


def _text_width(text: str, size: float = BODY_SIZE, font: str = FONT) -> float:
    return max((pdfmetrics.stringWidth(line, font, size) for line in text.split("\n")), default=0.0)


def column_widths(table: SpecTable, grid: Grid, usable: float, font: str = FONT) -> list[float]:
    """Widths in points filling ``usable``: the spec's ratios, else natural text widths."""
    if table.col_widths is not None:
        if len(table.col_widths) != grid.n_cols:
            raise RenderError(
                f"table {table.title!r}: col_widths has {len(table.col_widths)} entries, grid has {grid.n_cols} columns"
            )
        natural = list(table.col_widths)
    else:
        natural = [2 * PAD_X + 12.0] * grid.n_cols
        for cell in grid.cells:
            if cell.col_span == 1:
                need = min(_text_width(cell.text, font=font), MAX_NATURAL_COL_W) + 2 * PAD_X
                natural[cell.col] = max(natural[cell.col], need)
        # A spanning header wider than its columns widens them evenly.
        for cell in grid.cells:
            if cell.col_span > 1:
                cols = range(cell.col, cell.last_col + 1)
                short = min(_text_width(cell.text, font=font), MAX_NATURAL_COL_W) + 2 * PAD_X - sum(
                    natural[c] for c in cols)
                for c in cols:
                    natural[c] += max(0.0, short) / cell.col_span
    scale = usable / sum(natural)
    return [w * scale for w in natural]


def row_heights(grid: Grid, widths: list[float], font: str = FONT) -> list[float]:
    """Rows grow to fit their wrapped text; a rowspan's excess goes to its last row."""
    heights = [MIN_ROW_H] * grid.n_rows

    def need(cell: PlacedCell) -> float:
        w = sum(widths[cell.col : cell.last_col + 1]) - 2 * PAD_X
        return len(fit_lines(cell.text, w, font)[0]) * LEADING + 2 * PAD_Y

    for cell in grid.cells:
        if cell.row_span == 1:
            heights[cell.row] = max(heights[cell.row], need(cell))
    for cell in grid.cells:
        if cell.row_span > 1:
            have = sum(heights[cell.row : cell.last_row + 1])
            heights[cell.last_row] += max(0.0, need(cell) - have)
    return heights


def body_blocks(grid: Grid, header_rows: int) -> list[tuple[int, int]]:
    """Runs of body rows [start, end) that no rowspan crosses: the units a page break may fall between."""
    blocks: list[tuple[int, int]] = []
    start = header_rows
    reach = start
    for r in range(header_rows, grid.n_rows):
        reach = max([reach] + [c.last_row for c in grid.row_cells(r)])
        if reach == r:
            blocks.append((start, r + 1))
            start = r + 1
            reach = start
    return blocks


@dataclass(frozen=True, slots=True)
class _PagePlan:
    body_rows: tuple[int, ...]
    first: bool


def paginate(table: SpecTable, grid: Grid, heights: list[float], page_h: float) -> list[_PagePlan]:
    header_h = sum(heights[: table.header_rows])
    first_avail = page_h - MARGIN_TOP - MARGIN_BOTTOM - _top_block_height(table) - header_h
    cont_avail = page_h - MARGIN_TOP - MARGIN_BOTTOM - header_h
    limit = table.max_body_rows_per_page
    pages: list[list[int]] = [[]]
    used, avail = 0.0, first_avail
    for start, end in body_blocks(grid, table.header_rows):
        block_h = sum(heights[start:end])
        rows = list(range(start, end))
        too_tall = used + block_h > avail
        too_many = limit is not None and len(pages[-1]) + len(rows) > limit
        if pages[-1] and (too_tall or too_many):
            pages.append([])
            used, avail = 0.0, cont_avail
        if block_h > avail:
            raise RenderError(f"table {table.title!r}: rows {start}-{end - 1} are taller than a page")
        pages[-1].extend(rows)
        used += block_h
    return [_PagePlan(tuple(rows), i == 0) for i, rows in enumerate(pages)]


def _top_block_height(table: SpecTable) -> float:
    h = 0.0
    if table.caption:
        h += CAPTION_SIZE + 6
    h += TITLE_SIZE + 14
    if table.department or table.unit:
        h += DEPT_SIZE + 8
    return h


def _align(table: SpecTable, cell: PlacedCell) -> str:
    if cell.align is not None:
        return cell.align
    if cell.row < table.header_rows:
        return "center"
    # Codes (201, 2011301) look like numbers but are printed flush left, like labels.
    if cell.col in {g.code_col for g in table.groups} or (table.layout == "catalog" and cell.col == 0):
        return "left"
    return "right" if is_number(cell.text) else "left"


def _draw_text(canvas: Canvas, cell: PlacedCell, align: str, x0: float, x1: float, top: float, bottom: float,
               font: str = FONT, bold: bool = False) -> None:
    """Draw wrapped lines vertically centred; canvas y grows upwards."""
    lines, size = fit_lines(cell.text, x1 - x0 - 2 * PAD_X, font)
    block_top = (top + bottom) / 2 + len(lines) * LEADING / 2
    canvas.setFont(font, size)
    mode = 2 if bold else None  # 2: fill and stroke the outline; None leaves plain output as it was
    for i, line in enumerate(lines):
        baseline = block_top - i * LEADING - LEADING / 2 - 0.35 * size
        if align == "right":
            canvas.drawRightString(x1 - PAD_X, baseline, line, mode=mode)
        elif align == "center":
            canvas.drawCentredString((x0 + x1) / 2, baseline, line, mode=mode)
        else:
            canvas.drawString(x0 + PAD_X, baseline, line, mode=mode)


def _frac(x0: float, top: float, x1: float, bottom: float, w: float, h: float) -> tuple[float, float, float, float]:
    """Canvas points (y up) to page fractions (origin top-left), rounded for stable JSON."""
    return (round(x0 / w, 5), round((h - top) / h, 5), round(x1 / w, 5), round((h - bottom) / h, 5))


def _draw_top_block(canvas: Canvas, table: SpecTable, page_w: float, y: float,
                    style: PrintStyle = PLAIN) -> float:
    """Caption, title, department/unit line; returns the y where the grid starts."""
    font = style.font
    if table.caption:
        y -= CAPTION_SIZE
        canvas.setFont(font, CAPTION_SIZE)
        canvas.drawString(MARGIN_X, y, table.caption)
        y -= 6
    y -= TITLE_SIZE + 4
    canvas.setFont(font, TITLE_SIZE)
    if style.bold_headings:
        canvas.setLineWidth(BOLD_STROKE)
        canvas.drawCentredString(page_w / 2, y, table.title, mode=2)
    else:
        canvas.drawCentredString(page_w / 2, y, table.title)
    y -= 10
    if table.department or table.unit:
        y -= DEPT_SIZE
        canvas.setFont(font, DEPT_SIZE)
        if table.department:
            canvas.drawString(MARGIN_X, y, table.department)
        if table.unit:
            canvas.drawRightString(page_w - MARGIN_X, y, f"单位：{table.unit}")
        y -= 8
    return y


def _draw_table(canvas: Canvas, index: int, table: SpecTable, first_page: int,
                style: PrintStyle = PLAIN) -> list[TablePage]:
    page_w, page_h = landscape(A4) if table.orientation == "landscape" else A4
    font = style.font
    grid = place(table)
    widths = column_widths(table, grid, page_w - 2 * MARGIN_X, font)
    xs = [MARGIN_X + sum(widths[:i]) for i in range(grid.n_cols + 1)]
    heights = row_heights(grid, widths, font)
    plans = paginate(table, grid, heights, page_h)
    header = tuple(range(table.header_rows))
    out: list[TablePage] = []
    for k, plan in enumerate(plans):
        canvas.setPageSize((page_w, page_h))
        y = page_h - MARGIN_TOP
        if plan.first:
            y = _draw_top_block(canvas, table, page_w, y, style)
        rows = header + plan.body_rows
        page_row = {r: i for i, r in enumerate(rows)}
        tops: dict[int, float] = {}
        for r in rows:
            tops[r] = y
            y -= heights[r]
        grid_top, grid_bottom = tops[rows[0]] if rows else y, y
        placed = [c for c in grid.cells if c.row in page_row]

        def box(cell: PlacedCell) -> tuple[float, float, float, float]:
            top = tops[cell.row]
            return xs[cell.col], top, xs[cell.last_col + 1], top - sum(heights[cell.row : cell.last_row + 1])

        if style.header_fill is not None:
            # Fills first: a later cell's fill would paint over the rules already drawn.
            canvas.setFillGray(style.header_fill)
            for cell in placed:
                if cell.row < table.header_rows:
                    x0, top, x1, bottom = box(cell)
                    canvas.rect(x0, bottom, x1 - x0, top - bottom, stroke=0, fill=1)
            canvas.setFillGray(0)
        canvas.setLineWidth(style.rule_width)
        cells: list[RenderedCell] = []
        for cell in placed:
            x0, top, x1, bottom = box(cell)
            canvas.rect(x0, bottom, x1 - x0, top - bottom, stroke=1, fill=0)
            if cell.text:
                bold = style.bold_headings and cell.row < table.header_rows
                if bold:
                    canvas.setLineWidth(BOLD_STROKE)
                _draw_text(canvas, cell, _align(table, cell), x0, x1, top, bottom, font, bold)
                if bold:
                    canvas.setLineWidth(style.rule_width)
            cells.append(
                RenderedCell(
                    grid_row=cell.row,
                    page_row=page_row[cell.row],
                    col=cell.col,
                    row_span=cell.row_span,
                    col_span=cell.col_span,
                    text=cell.text,
                    bbox=_frac(x0, top, x1, bottom, page_w, page_h),
                    is_header=cell.row < table.header_rows,
                )
            )
        if style.frame_width is not None and rows:
            canvas.setLineWidth(style.frame_width)
            canvas.rect(xs[0], grid_bottom, xs[-1] - xs[0], grid_top - grid_bottom, stroke=1, fill=0)
        if table.note and k == len(plans) - 1:
            canvas.setFont(font, NOTE_SIZE)
            canvas.drawString(MARGIN_X, grid_bottom - NOTE_SIZE - 5, table.note)
        if style.page_footer:
            # An Excel sheet numbers its own printed pages.
            canvas.setFont(font, FOOTER_SIZE)
            canvas.drawCentredString(page_w / 2, MARGIN_BOTTOM / 2, f"第 {k + 1} 页，共 {len(plans)} 页")
        out.append(
            TablePage(
                table_index=index,
                page=first_page + k,
                continued=not plan.first,
                bbox=_frac(xs[0], grid_top, xs[-1], grid_bottom, page_w, page_h),
                n_rows=len(rows),
                n_cols=grid.n_cols,
                cells=tuple(cells),
            )
        )
        canvas.showPage()
    return out


def render(spec: DocumentSpec, font_path: Path = DEFAULT_FONT_PATH, style: PrintStyle | None = None,
           typeface: Typeface | None = None) -> RenderResult:
    """Draw every table (each from a new page) and return the PDF bytes with the geometry.

    Without ``style`` and ``typeface`` this is the samples' look in the face at ``font_path``
    (one such face per process); a ``typeface`` is registered under a name of its own, so one
    process can print in every typeface, and ``style`` gives the layout's rules and fills.
    """
    font = register(typeface) if typeface is not None else register_font(font_path)
    style = replace(style or PLAIN, font=font)
    buf = io.BytesIO()
    # invariant=1: no timestamp or random document id, so builds are byte-identical.
    canvas = Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle(f"{spec.department} {spec.year}")
    pages: list[TablePage] = []
    for index, table in enumerate(spec.tables):
        pages.extend(_draw_table(canvas, index, table, len({p.page for p in pages}) + 1, style))
    prose_pages = _draw_prose(canvas, spec.narrative, font)
    canvas.save()
    return RenderResult(buf.getvalue(), len({p.page for p in pages}) + prose_pages, tuple(pages))


PROSE_SIZE = 10.5
PROSE_LEADING = 1.7  # line height, in font sizes
PROSE_INDENT = 2  # a paragraph's first line starts two characters in


def _draw_prose(canvas: Canvas, paragraphs: list[str], font: str = FONT) -> int:
    """Typeset paragraphs on A4 pages after the tables, wrapping by character; the pages used."""
    if not paragraphs:
        return 0
    page_w, page_h = A4
    width = page_w - 2 * MARGIN_X
    line_h = PROSE_SIZE * PROSE_LEADING
    pages, y = 1, page_h - MARGIN_TOP
    canvas.setPageSize((page_w, page_h))
    canvas.setFont(font, PROSE_SIZE)
    for paragraph in paragraphs:
        line, indent = "", PROSE_INDENT * PROSE_SIZE
        lines: list[tuple[float, str]] = []
        for char in paragraph:
            if pdfmetrics.stringWidth(line + char, font, PROSE_SIZE) > width - indent:
                lines.append((indent, line))
                line, indent = "", 0.0
            line += char
        lines.append((indent, line))
        for indent, text in lines:
            if y - line_h < MARGIN_BOTTOM:
                canvas.showPage()
                canvas.setPageSize((page_w, page_h))
                canvas.setFont(font, PROSE_SIZE)
                pages, y = pages + 1, page_h - MARGIN_TOP
            y -= line_h
            canvas.drawString(MARGIN_X + indent, y, text)
        y -= line_h * 0.4
    canvas.showPage()
    return pages
