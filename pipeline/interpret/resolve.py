"""Which table each grid is: kind, title, unit, and continuation across pages.

Runs over a document's pages in order, because a continuation page (the
header repeated, no title) can only be recognised against the table before it.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from models import FORM_KINDS, Grid, PageResult, PageTable, TableKind, TextPhrase
from pipeline.code_syntax import CATALOG_CODE, clean_code
from pipeline.interpret.classify import classify_by_signature, classify_title
from pipeline.interpret.structure import TableLayout, analyse, relaid, rows_before_data, with_header_rows
from pipeline.interpret.merge import (
    first_row_cells,
    without_col_edge,
    without_empty_columns,
    without_first_row,
    without_streaks_through_numbers,
)
from pipeline.interpret.templates import (
    HeaderFit,
    TemplateColumn,
    depth,
    fit_header,
    table_year,
    template_path,
    templates,
    with_year,
)
from pipeline.interpret.columns import column_key
from pipeline.text import normalize, parse_decimal

log = logging.getLogger(__name__)

_UNIT = re.compile(r"单位[:：]?\s*(万元|千元|亿元|元)")
# Header rows that agree this well (rapidfuzz ratio) are the same header repeated.
_SAME_HEADER_SCORE = 85.0
_SAME_COLUMNS_SHARE = 0.6
# An untitled table is given the kind its header fits whole only when that fit beats every other
# kind's by this much (0..100; three_public and operating_expenses differ by their label column,
# 项目 against 单位名称, a fifth of their columns: 20), and is surer of it than of a title's kind.
_HEADER_KIND_MARGIN = 10.0
_HEADER_KIND_DISCOUNT = 0.9
_DEFAULT_UNITS = {TableKind.PERFORMANCE_PROJECT: "元", TableKind.PROCUREMENT_CATALOG: None}


@dataclass(frozen=True, slots=True)
class TableQuality:
    """How well a table's grid and header fit what its kind can be (pipeline.interpret.templates)."""

    header_fit: float  # 0..100, the header matched as a whole against the kind's template; 100 without one
    fits: bool  # one grid column per template column, in order, matching fairly (True without a template)
    renamed: int = 0  # columns named by the template because their printed header could not be read


_NO_TEMPLATE = TableQuality(header_fit=100.0, fits=True)


@dataclass(frozen=True, slots=True)
class ResolvedTable:
    page: PageResult
    table: PageTable
    kind: TableKind
    kind_score: float  # 0..100, how sure the kind is
    title: str
    unit: str | None
    continued: bool
    layout: TableLayout | None  # None for forms, which have no column header
    quality: TableQuality = _NO_TEMPLATE


def resolve_tables(pages: list[PageResult], title_threshold: float) -> list[ResolvedTable]:
    resolved: list[ResolvedTable] = []
    for page in pages:
        for table in _without_rivals(page, resolved[-1] if resolved else None, title_threshold):
            previous = resolved[-1] if resolved else None
            one = _resolve_one(page, table, previous, title_threshold)
            log.debug("page %d, %dx%d grid: %s (score %.0f%s), %d header rows", page.ref.number,
                      table.grid.n_rows, table.grid.n_cols, one.kind, one.kind_score,
                      ", continued" if one.continued else f", title {one.title!r}" if one.title else ", by its words",
                      one.layout.header_rows if one.layout is not None else 0)
            resolved.append(one)
    return resolved


# A kind's signature words are looked for in this many first rows of its grid: a frame drawn round the
# title too (a photo's shadow) puts two rows of title above a form's 项目名称.
_SIGNATURE_ROWS = 5
# A grid is the 目录 by its body when at least this many first-column cells, and this share of them, are 目录 codes.
_CATALOG_ROWS = 5
_CATALOG_SHARE = 0.6
# How sure a kind known by its body alone is (below a title's, as a signature's).
_SIGNATURE_BY_BODY_SCORE = 85.0
# How sure a continuation known only by its shape (next page, same columns) is, against the table it continues.
_SHAPE_CONTINUATION_DISCOUNT = 0.8
# Two grids on a page sharing this much of the smaller one's area are two readings of one table (a
# phone photo's sheet edge or shadow taken for a frame around the real one, a table found twice):
# two tables printed on one page never overlap at all.
_RIVAL_OVERLAP = 0.5


def _overlap(a: PageTable, b: PageTable) -> float:
    """The share of the smaller grid's area that lies inside the other."""
    x = min(a.grid.bbox.x1, b.grid.bbox.x1) - max(a.grid.bbox.x0, b.grid.bbox.x0)
    y = min(a.grid.bbox.y1, b.grid.bbox.y1) - max(a.grid.bbox.y0, b.grid.bbox.y0)
    if x <= 0 or y <= 0:
        return 0.0
    smaller = min(a.grid.bbox.width * a.grid.bbox.height, b.grid.bbox.width * b.grid.bbox.height)
    return x * y / smaller if smaller > 0 else 0.0


def _rank(one: ResolvedTable) -> tuple[bool, bool, float, int]:
    """Which reading of a table to believe: a known kind, a grid fitting its template, the better
    header, then more cells with text (a fragment of the table found on its own has fewer)."""
    filled = sum(1 for c in one.table.grid.cells if c.text.strip())
    return (one.kind != TableKind.UNKNOWN, one.quality.fits, one.quality.header_fit, filled)


def _with_context_of(kept: PageTable, dropped: PageTable) -> PageTable:
    """The kept table with the text the dropped reading held above it as its own context: a frame
    drawn around a table by a shadow holds the title, which the table's own context then lacks."""
    above = [TextPhrase(text=c.text, confidence=c.evidence.ocr_confidence, bbox=c.bbox)
             for c in dropped.grid.cells if c.text.strip() and c.bbox.y1 <= kept.grid.bbox.y0 + 1]
    known = {p.text for p in kept.context}
    extra = tuple(p for p in above if p.text not in known)
    return replace(kept, context=kept.context + extra) if extra else kept


def _without_rivals(page: PageResult, previous: ResolvedTable | None, threshold: float) -> list[PageTable]:
    """The page's tables, of each group of overlapping grids only the one whose reading ranks best."""
    kept: list[PageTable] = []
    for table in page.tables:
        rival = next((k for k in kept if _overlap(k, table) >= _RIVAL_OVERLAP), None)
        if rival is None:
            kept.append(table)
            continue
        best = max((rival, table), key=lambda t: _rank(_resolve_one(page, t, previous, threshold)))
        best = _with_context_of(best, table if best is rival else rival)
        log.debug("page %d: two grids over one table (%dx%d, %dx%d), kept the %dx%d", page.ref.number,
                  rival.grid.n_rows, rival.grid.n_cols, table.grid.n_rows, table.grid.n_cols,
                  best.grid.n_rows, best.grid.n_cols)
        kept[kept.index(rival)] = best
    return kept


def _resolve_one(page: PageResult, table: PageTable, previous: ResolvedTable | None, threshold: float) -> ResolvedTable:
    if table.grid.suspect_col_edges:
        table = replace(table, grid=without_streaks_through_numbers(table.grid))
    table = _with_title_row_as_context(table, threshold)
    phrases = [p.text for p in table.context]
    unit = _unit(phrases)
    by_title = classify_title(phrases, threshold)
    first_texts = [c.text for c in table.grid.cells if c.row < _SIGNATURE_ROWS]
    if by_title is not None:
        kind, score, title = by_title.kind, by_title.score, by_title.title
        return _make(page, table, kind, score, title, unit, continued=False, previous=None)
    layout = analyse(table.grid)  # untitled: the header decides whether it continues
    by_header = _kind_by_header(layout)
    # A header that names another kind than the table before (单位名称 after 项目: 机关运行经费 after
    # 三公经费, the other columns alike) starts that kind, however much of it repeats the last one's.
    if (previous is not None and (by_header is None or by_header[0] == previous.kind)
            and _continues(table, layout, previous)):
        return _make(page, table, previous.kind, previous.kind_score, previous.title, unit or previous.unit,
                     continued=True, previous=previous, layout=layout)
    by_signature = classify_by_signature(first_texts)
    if by_signature is not None:
        return _make(page, table, by_signature.kind, by_signature.score, "", unit, continued=False, previous=None,
                     layout=layout)
    if _rows_of_catalog_codes(table):
        # The 目录's header is three words a photocopy can wipe out; its body is unmistakable.
        goes_on = previous is not None and previous.kind == TableKind.PROCUREMENT_CATALOG
        return _make(page, table, TableKind.PROCUREMENT_CATALOG, _SIGNATURE_BY_BODY_SCORE,
                     previous.title if goes_on and previous is not None else "", unit, continued=goes_on,
                     previous=previous if goes_on else None, layout=layout)
    if by_header is not None:
        # A title the copy or the lid's shadow made unreadable (家公学一公经文出长表), over a header that
        # names one kind's columns and no other's: the header is that kind's, whatever the title says.
        kind, fit = by_header
        log.debug("untitled %dx%d grid: %s by its header (fit %.0f)", table.grid.n_rows, table.grid.n_cols,
                  kind, fit.score)
        return _make(page, table, kind, fit.score * _HEADER_KIND_DISCOUNT, "", unit, continued=False, previous=None,
                     layout=layout)
    if previous is not None and previous.kind in FORM_KINDS:
        # A form running onto the next page: no title, no header, same form.
        return _make(page, table, previous.kind, previous.kind_score * 0.9, previous.title, previous.unit,
                     continued=True, previous=previous)
    if previous is not None and _continues_by_shape(page, table, previous):
        # A header too damaged to compare (a photocopy's dot screen over its grey fill), on the page
        # after a table of as many columns, with no title of its own: that table going on.  Its
        # columns are named by the kind's template where they stand one to one (_fitted).
        return _make(page, table, previous.kind, previous.kind_score * _SHAPE_CONTINUATION_DISCOUNT, previous.title,
                     unit or previous.unit, continued=True, previous=previous, layout=layout)
    return _make(page, table, TableKind.UNKNOWN, 0.0, "", unit, continued=False, previous=None, layout=layout)


def _with_title_row_as_context(table: PageTable, threshold: float) -> PageTable:
    """A first row that prints a table's title or its 单位 line (the frame drawn around it, or a
    copier's band read as the top rule above it) read with the text over the table, the lines
    nearest to it, and no longer as a level of its header."""
    top = first_row_cells(table.grid)
    wide = [c for c in top if table.grid.n_cols >= 3 and 2 * c.col_span >= table.grid.n_cols]
    texts = [c.text for c in top]
    # A title names a 表 (header words match titles loosely: 部门预算支出经济科目名称 scores 75).
    titled = any("表" in c.text and classify_title([c.text], threshold) is not None for c in wide)
    if not wide or not (titled or _unit(texts) is not None):
        return table
    phrases = tuple(TextPhrase(text=c.text, confidence=c.confidence, bbox=c.bbox) for c in top)
    return replace(table, grid=without_first_row(table.grid), context=(*table.context, *phrases))


def _kind_by_header(layout: TableLayout) -> tuple[TableKind, HeaderFit] | None:
    """The one kind whose template the header fits whole, by a margin over every other kind's fit;
    None when none fits, or two fit alike (一般公共预算 and 政府性基金 支出表 print the same header)."""
    if not layout.header_rows:
        return None
    fits = sorted(((fit.score, kind, fit) for kind in templates()
                   if (fit := fit_header(kind, layout.column_paths)) is not None), key=lambda f: -f[0])
    if not fits or not fits[0][2].whole or fits[0][1] in _header_twins():
        return None
    if len(fits) > 1 and fits[0][0] - fits[1][0] < _HEADER_KIND_MARGIN:
        return None
    return fits[0][1], fits[0][2]


@functools.cache
def _header_twins() -> frozenset[TableKind]:
    """Kinds whose columns read alike but for the levels above them, which departments print or
    leave out (项目/科目编码 or 科目编码): 预算支出总表, 一般公共预算支出表 and 政府性基金预算支出表.
    A header cannot tell them apart, however well it reads."""
    by_columns: dict[tuple[tuple[str, ...], ...], list[TableKind]] = {}
    for kind, template in templates().items():
        lowest = tuple(column_key(column.path.replace("{year}", "2000"))[-1:] for column in template)
        by_columns.setdefault(lowest, []).append(kind)
    return frozenset(kind for kinds in by_columns.values() if len(kinds) > 1 for kind in kinds)


def _make(page: PageResult, table: PageTable, kind: TableKind, score: float, title: str, unit: str | None,
          continued: bool, previous: ResolvedTable | None, layout: TableLayout | None = None) -> ResolvedTable:
    """``layout``: the grid's analysis when the caller already made it."""
    if unit is None and kind in _DEFAULT_UNITS:
        unit = _DEFAULT_UNITS[kind]
    if kind in FORM_KINDS:
        layout = None
    else:
        layout = layout or analyse(table.grid)
        if continued and previous is not None and previous.layout is not None and layout.header_rows == 0:
            # A continuation without a repeated header keeps the header it continues.
            return ResolvedTable(page=page, table=table, kind=kind, kind_score=score, title=title, unit=unit,
                                 continued=continued, layout=replace(previous.layout, header_rows=0, number_rows=()),
                                 quality=previous.quality)
    quality = _NO_TEMPLATE
    if layout is not None:
        table, layout, quality = _fitted(kind, table, layout, title)
    return ResolvedTable(page=page, table=table, kind=kind, kind_score=score, title=title, unit=unit,
                         continued=continued, layout=layout, quality=quality)


def _fitted(kind: TableKind, table: PageTable, layout: TableLayout,
            title: str) -> tuple[PageTable, TableLayout, TableQuality]:
    """The table matched against its kind's template: a suspect column line (a streak) taken out where
    that makes the grid fit; where the header's words could not be read, its rows taken to be those
    before the first row of plain data; where its columns stand one to one for the template's, each
    column whose header could not be read named by its place; and how well it fits."""
    template = templates().get(kind)
    if template is None:
        return table, layout, _NO_TEMPLATE
    layout, fit = _header_fit(kind, table.grid, layout, template)
    if not fit.one_to_one:
        # A header whose words are unreadable may look like data: then its rows are those before the data.
        header_rows = layout.header_rows or rows_before_data(table.grid, depth(template) + 1)
        # Columns nothing is printed in (a scanner lid's border), then one line at a time.
        # Built one at a time, as tried: the first that fits ends the search.
        doubtful = _doubtful_col_edges(table.grid, header_rows)
        candidates = itertools.chain(
            [("empty columns", without_empty_columns(table.grid))],
            ((f"column line {edge}", without_col_edge(table.grid, edge)) for edge in doubtful),
            # Last, a line between two columns no data row prints an amount on both sides of (a streak
            # through the label column, starting where it cut a header word in two): a rule between
            # two amounts is never taken out to make a grid fit.
            ((f"column line {edge} (no amounts on both sides)", without_col_edge(table.grid, edge))
             for edge in _col_edges_without_amounts_across(table.grid, header_rows) if edge not in doubtful))
        for what, merged in candidates:
            if merged is None:
                continue
            merged_layout, merged_fit = _header_fit(kind, merged, analyse(merged), template)
            if merged_fit.one_to_one:
                log.debug("%s: %s taken out (the grid fits its template without)", kind, what)
                table, layout, fit = replace(table, grid=merged), merged_layout, merged_fit
                break
    if not fit.one_to_one:
        log.debug("%s header does not fit its template: score %.0f, %d extra, %d missing columns", kind,
                  fit.score, fit.extra, len(fit.missing))
        return table, layout, TableQuality(header_fit=fit.score, fits=False)
    grid = table.grid
    year = table_year(title, [c.text for c in grid.cells if c.row < layout.header_rows])
    above = [normalize(p.text) for p in table.context]
    paths = list(layout.column_paths)
    renamed = 0
    for col, matched in enumerate(fit.matched):
        if matched is None:
            continue
        column = fit.template[matched]
        if _to_canonical(grid, layout, col, paths[col], column, above):
            named = template_path(column, year, paths[col])
        else:
            # Kept as printed, but every dated column of a ledger prints the table's one year: a
            # header cell under a dot screen read 2026 where the title prints 2025.
            named = with_year(paths[col], year) if "{year}" in column.path else paths[col]
        if named != paths[col]:
            log.debug("column %d of %s: %r named %r by the template", col, kind, paths[col], named)
            paths[col], renamed = named, renamed + 1
    if renamed:
        layout = relaid(grid, layout, tuple(paths))
    return table, layout, TableQuality(header_fit=fit.score, fits=True, renamed=renamed)


def _col_edges_without_amounts_across(grid: Grid, header_rows: int) -> list[int]:
    """Column lines with no data row printing an amount on both sides of them."""
    found = []
    for edge in range(1, grid.n_cols):
        left = {c.row: c.text for c in grid.cells if c.row >= header_rows and c.col + c.col_span == edge}
        right = {c.row: c.text for c in grid.cells if c.row >= header_rows and c.col == edge}
        if not any(parse_decimal(left[row]) is not None and parse_decimal(text) is not None
                   for row, text in right.items() if row in left):
            found.append(edge)
    return found


def _doubtful_col_edges(grid: Grid, header_rows: int) -> list[int]:
    """Column lines that may be no rule, to try taking out: the streaks (pipeline.image.grid), then
    lines no header cell starts at.  Every column of a ledger has a header of its own, so a line
    the whole header spans across (a toner streak or a dot screen's trace that stops at the
    header's fill) made a column the national format does not have."""
    headerless = [edge for edge in range(1, grid.n_cols) if header_rows and edge not in grid.suspect_col_edges
                  and not any(c.col == edge for c in grid.cells if c.row < header_rows)]
    return list(grid.suspect_col_edges) + headerless


def _to_canonical(grid: Grid, layout: TableLayout, col: int, printed: str, column: TemplateColumn,
                  above: list[str]) -> bool:
    """Whether a column of a header that fits its template one to one is named by the template (its
    canonical spelling, with the year the document prints): not where it prints the template's words
    (the year and generic words aside), nor where it prints only the last level (科目编码 without 项目
    over it: a printer's choice; but 合计 cut off from the cell spanning it is renamed).  A near miss
    (基本支 for 基本支出, こ合计, 财政拨 for 财政拨款) is a misreading."""
    if "/" not in printed and normalize(printed) == column.path.rsplit("/", 1)[-1]:
        return (_lost_upper_level(grid, layout, col, printed, column.path)
                or _printed_above(column.path, above))
    # The same words but for the year and the generic ones: a printer's spelling (2025预算数 or
    # 2025年预算数 in the 机关运行经费 table, department by department), kept as printed.
    same_levels = printed.count("/") == column.path.count("/")
    return not (same_levels and column_key(printed) == column_key(column.path.replace("{year}", "2000")))


def _printed_above(path: str, above: list[str]) -> bool:
    """Whether the template column's upper level (2025年预算数) stands among the lines just above the
    grid: a header row whose top rule was lost, read as text outside the table."""
    if "/" not in path:
        return False
    upper = re.escape(normalize(path.rsplit("/", 1)[0].split("/")[-1])).replace(re.escape("{year}"), r"\d{4}")
    return any(re.fullmatch(upper, phrase) for phrase in above)


def _lost_upper_level(grid: Grid, layout: TableLayout, col: int, printed: str, template_path: str) -> bool:
    """Whether a column printed with fewer header levels than its template column sits under a blank
    header cell: the cell spanning it above (2025年预算数 over 合计) was cut off by a broken rule, not
    left out by the printer (a 科目编码 printed alone spans the header rows, nothing blank above it)."""
    if printed.count("/") >= template_path.count("/"):
        return False
    above = [c for c in grid.cells if c.row < layout.header_rows and c.row not in layout.number_rows
             and c.col <= col < c.col + c.col_span]
    first_text = min((c.row for c in above if c.text.strip()), default=None)
    return first_text is not None and any(not c.text.strip() and c.row < first_text for c in above)


def _header_fit(kind: TableKind, grid: Grid, layout: TableLayout,
                template: tuple[TemplateColumn, ...]) -> tuple[TableLayout, HeaderFit]:
    """The layout and its fit; where the header does not fit whole, the rows before the first row of
    plain data tried as the header instead (the header's words may be unreadable)."""
    fit = fit_header(kind, layout.column_paths)
    if fit.whole:
        return layout, fit
    rows = rows_before_data(grid, depth(template) + 1)
    if rows and rows != layout.header_rows:
        candidate = with_header_rows(grid, rows)
        candidate_fit = fit_header(kind, candidate.column_paths)
        # Its columns standing one to one for the template's, it wins: words are named by place next.
        if candidate_fit.one_to_one:
            log.debug("%s: header taken as the %d rows before the first row of data", kind, rows)
            return candidate, candidate_fit
    return layout, fit


def _continues(table: PageTable, layout: TableLayout, previous: ResolvedTable) -> bool:
    if previous.layout is None:
        return False
    if layout.header_rows > 0 and fuzz.ratio(layout.header_signature, previous.layout.header_signature) >= _SAME_HEADER_SCORE:
        # The same header repeated: the same table, even where one of the two grids gained or lost a
        # column at its edge (a scanner lid's border taken for a rule).
        return True
    if table.grid.n_cols != previous.table.grid.n_cols:
        return False
    if layout.header_rows == 0:
        return True
    # One damaged header word must not break the chain: most columns keep their path.
    same = sum(1 for a, b in zip(layout.column_paths, previous.layout.column_paths) if a and a == b)
    return same >= _SAME_COLUMNS_SHARE * len(layout.column_paths)


def _rows_of_catalog_codes(table: PageTable) -> bool:
    """Whether the grid's first column is 目录 codes (A06, A0604, B0102 …) row after row."""
    first = [c.text for c in table.grid.cells if c.col == 0 and c.text.strip()]
    codes = sum(1 for text in first if CATALOG_CODE.match(clean_code(text)))
    return codes >= _CATALOG_ROWS and codes >= _CATALOG_SHARE * len(first)


def _continues_by_shape(page: PageResult, table: PageTable, previous: ResolvedTable) -> bool:
    """Whether an untitled table whose header matched nothing is the previous table going on: the
    next page, as many columns, and the previous one a ledger of a known kind."""
    return (previous.kind != TableKind.UNKNOWN and previous.kind not in FORM_KINDS and previous.layout is not None
            and page.ref.index == previous.page.ref.index + 1 and table.grid.n_cols == previous.table.grid.n_cols)


def _unit(phrases: list[str]) -> str | None:
    for phrase in phrases:
        match = _UNIT.search(normalize(phrase).replace(":", "："))
        if match:
            return match.group(1)
    return None
