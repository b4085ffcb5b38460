"""Grid reconstruction: a table region's ruling lines become rows, columns and merged cells.

Grid lines are the clustered positions of ruling segments.  Two neighbouring
grid slots belong to one merged cell when the boundary between them is not
inked.  Scans break lines, so three repairs follow, each resting on a fact of
printed tables rather than on a sample:

1. a boundary counts as present when line ink covers a fair share of it;
2. a missing boundary on a grid line that the other rows (or columns) do
   print, with text on both sides and none crossing it, is a broken line;
3. merged cells are rectangles: a non-rectangular merge is a broken line,
   and the best-evidenced boundary inside it is restored until none is left.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from models import BBox, Grid, GridCell
from pipeline.image.lines import RulingLines, Segment

# Share of a grid line's slots that must show the line before a gap in it is
# taken for a break rather than a merged cell.
_LINE_SUPPORT = 0.6
# A faint line: darker than the paper beside it by this many grey levels ...
_FAINT_LINE_CONTRAST = 35
# ... along at least this share of the boundary (dashes and breaks allowed).
_FAINT_LINE_SHARE = 0.35
_LONE_FAINT_LINE_SHARE = 0.6
# Line masks covering this share of a boundary settle it whatever the text does.
_SURE_COVERAGE = 0.5
# A broken line still leaves a trace along part of the gap: pieces in the line masks, or
# grey darker than the paper beside it (scan lines with text beside the gap not counted).
# A boundary with neither is text that happens to pause there (a wrapped line's full-width
# comma or a 〕（ pair), not a line.  Measured over the sample scans' restorations without a
# mask piece: real ones >= 0.29, false ones <= 0.12.
_BROKEN_LINE_TRACE = 0.18


# A line that runs this many minimum segment lengths past both outer rules of its table is a streak.
_STREAK_REACH_SEGMENTS = 2.0
# ... or past either one and on to within this share of the page's length of its edge (printed
# margins are 10 mm or more, over 3 % of an A4 page).
_STREAK_EDGE_SHARE = 0.015


@dataclass(frozen=True, slots=True)
class GridTolerances:
    merge_px: float  # line positions closer than this are one grid line
    min_segment_px: float  # segments shorter than this do not make a grid line
    boundary_coverage: float  # share of a slot boundary that must be inked
    text_gap_px: float  # half-width of the band around a boundary that text must leave blank


@dataclass(frozen=True, slots=True)
class _Boundary:
    """The edge between slot (row, col) and its right (vertical) or lower (horizontal) neighbour."""

    row: int
    col: int
    vertical: bool


def build_grid(region: BBox, lines: RulingLines, text_ink: np.ndarray, tol: GridTolerances,
               gray: np.ndarray | None = None) -> Grid | None:
    """The grid of one table region, or None when it has fewer than one row or column."""
    pad = tol.merge_px
    h_clusters = _clusters([s for s in lines.horizontal if _segment_in(s, region, True, pad)], tol)
    v_clusters = _clusters([s for s in lines.vertical if _segment_in(s, region, False, pad)], tol)
    # A ruling line spans at least one whole cell; touching glyphs in a long label
    # can form a short "line" that spans none.
    h_clusters, v_clusters, streaks = _within_borders(h_clusters, v_clusters, tol, text_ink.shape[:2])
    rough_cols = _with_implied_borders([c.position for c in v_clusters], h_clusters, tol)
    row_edges = [c.position for c in h_clusters if c.spans_an_interval(rough_cols)]
    col_edges = [c.position for c in v_clusters if c.spans_an_interval(row_edges)]
    col_edges = _with_implied_borders(col_edges, h_clusters, tol)
    row_edges = _with_implied_borders(row_edges, v_clusters, tol)
    if len(row_edges) < 2 or len(col_edges) < 2:
        return None
    slots = _SlotGeometry(row_edges, col_edges)
    coverage = _boundary_coverage(slots, lines, text_ink, tol)
    present = set(coverage_present(coverage, slots, text_ink, tol))
    present |= _broken_lines(slots, coverage, present, text_ink, tol, gray)
    if gray is not None:
        present |= _faint_lines(slots, present, gray, text_ink, tol)
    present = _restore_rectangles(slots, coverage, present)
    cells = _cells(slots, present)
    bbox = BBox(col_edges[0], row_edges[0], col_edges[-1], row_edges[-1])
    suspects = tuple(i for i, x in enumerate(col_edges) if 0 < i < len(col_edges) - 1
                     and any(abs(x - s) <= tol.merge_px for s in streaks))
    return Grid(bbox=bbox, row_edges=tuple(row_edges), col_edges=tuple(col_edges), cells=tuple(cells),
                suspect_col_edges=suspects)


@dataclass(frozen=True, slots=True)
class _SlotGeometry:
    row_edges: list[float]
    col_edges: list[float]

    @property
    def n_rows(self) -> int:
        return len(self.row_edges) - 1

    @property
    def n_cols(self) -> int:
        return len(self.col_edges) - 1

    def boundaries(self) -> list[_Boundary]:
        out = []
        for r in range(self.n_rows):
            for c in range(self.n_cols):
                if c + 1 < self.n_cols:
                    out.append(_Boundary(r, c, True))
                if r + 1 < self.n_rows:
                    out.append(_Boundary(r, c, False))
        return out

    def slot_box(self, r: int, c: int) -> BBox:
        return BBox(self.col_edges[c], self.row_edges[r], self.col_edges[c + 1], self.row_edges[r + 1])


def _segment_in(segment: Segment, region: BBox, horizontal: bool, pad: float) -> bool:
    if horizontal:
        return (region.y0 - pad <= segment.position <= region.y1 + pad
                and segment.end >= region.x0 - pad and segment.start <= region.x1 + pad)
    return (region.x0 - pad <= segment.position <= region.x1 + pad
            and segment.end >= region.y0 - pad and segment.start <= region.y1 + pad)


@dataclass(frozen=True, slots=True)
class _Cluster:
    position: float  # length-weighted mean of its segments
    segments: tuple[Segment, ...]

    @property
    def extent(self) -> tuple[float, float]:
        return min(s.start for s in self.segments), max(s.end for s in self.segments)

    @property
    def covered(self) -> float:
        """Length covered by the union of the segments (overlaps counted once)."""
        total, reach = 0.0, float("-inf")
        for segment in sorted(self.segments, key=lambda s: s.start):
            start = max(segment.start, reach)
            if segment.end > start:
                total += segment.end - start
            reach = max(reach, segment.end)
        return total

    def spans_an_interval(self, edges: list[float], share: float = 0.8) -> bool:
        """Covers at least ``share`` of one interval between consecutive crossing lines."""
        for lo, hi in zip(edges, edges[1:]):
            covered = sum(max(0.0, min(s.end, hi) - max(s.start, lo)) for s in self.segments)
            if hi > lo and covered >= share * (hi - lo):
                return True
        return False


def _with_implied_borders(edges: list[float], crossing: list[_Cluster], tol: GridTolerances) -> list[float]:
    """Add an outer border the scan lost, where the crossing rules all end.

    When the table's left (or right, top, bottom) border is too faint to find,
    the rules that cross it still stop there: most of them end at one position
    beyond the outermost line found.
    """
    if len(edges) < 1 or len(crossing) < 3:
        return edges
    edges = sorted(edges)
    starts = sorted(c.extent[0] for c in crossing)
    ends = sorted(c.extent[1] for c in crossing)
    start, end = starts[len(starts) // 2], ends[len(ends) // 2]
    gap = 3 * tol.merge_px  # more than a line's width and a skew's drift
    out = list(edges)
    if start < edges[0] - gap and sum(1 for s in starts if abs(s - start) <= tol.merge_px) >= 0.6 * len(starts):
        out.insert(0, start)
    if end > edges[-1] + gap and sum(1 for e in ends if abs(e - end) <= tol.merge_px) >= 0.6 * len(ends):
        out.append(end)
    return out


def _within_borders(h_clusters: list[_Cluster], v_clusters: list[_Cluster], tol: GridTolerances,
                    page_shape: tuple[int, int]) -> tuple[list[_Cluster], list[_Cluster], tuple[float, ...]]:
    """The lines inside the table's outer border, clipped to it.

    A ruled table is framed by long lines (at least half its width or height);
    strokes of a large title glyph just above it are not, and fall away, as do
    the bits of column lines that a closing joined to them.  Vertical lines that run on past the
    table into the page's margin (streaks: pipeline.image.grid._streaks) are kept, clipped like the
    others, and their positions returned: a streak can lie along a real column rule.
    """
    if not h_clusters or not v_clusters:
        return h_clusters, v_clusters, ()
    height, width = page_shape
    streaks = tuple(c.position for c in _streaks(v_clusters, h_clusters, tol, height))
    # A horizontal streak is dropped outright: rows are not checked against a template.
    h_clusters = [c for c in h_clusters if c not in _streaks(h_clusters, v_clusters, tol, width)]
    if not h_clusters or not v_clusters:
        return h_clusters, v_clusters, streaks
    width = max(c.extent[1] for c in h_clusters) - min(c.extent[0] for c in h_clusters)
    height = max(c.extent[1] for c in v_clusters) - min(c.extent[0] for c in v_clusters)
    long_h = [c.position for c in h_clusters if c.covered >= 0.5 * width]
    long_v = [c.position for c in v_clusters if c.covered >= 0.5 * height]
    if len(long_h) < 2 or len(long_v) < 2:
        return h_clusters, v_clusters, streaks
    pad = tol.merge_px
    # Where most long rules start and end also marks the border, if the border line itself was lost.
    h_starts = sorted(c.extent[0] for c in h_clusters if c.covered >= 0.5 * width)
    h_ends = sorted(c.extent[1] for c in h_clusters if c.covered >= 0.5 * width)
    v_starts = sorted(c.extent[0] for c in v_clusters if c.covered >= 0.5 * height)
    v_ends = sorted(c.extent[1] for c in v_clusters if c.covered >= 0.5 * height)
    left = min(min(long_v), h_starts[len(h_starts) // 2]) - pad
    right = max(max(long_v), h_ends[len(h_ends) // 2]) + pad
    top = min(min(long_h), v_starts[len(v_starts) // 2]) - pad
    bottom = max(max(long_h), v_ends[len(v_ends) // 2]) + pad
    return (_clip([c for c in h_clusters if top <= c.position <= bottom], left, right, tol),
            _clip([c for c in v_clusters if left <= c.position <= right], top, bottom, tol), streaks)


def _streaks(clusters: list[_Cluster], crossing: list[_Cluster], tol: GridTolerances,
             page_length: int) -> list[_Cluster]:
    """The lines that are streaks: a copier's or scanner's stripe down (or across) the page runs
    through the table and on past its outer rules into the page's margins, as no ruling line does.

    The outer rules are the first and last of the crossing lines that span at least half the
    table.  A line reaching _STREAK_REACH_SEGMENTS minimum segment lengths past both, or past
    either and on to the page's edge (a stripe that starts or ends inside the table), is a streak.
    A rule running on past a lost border stops at the table's end, inside the margin.
    """
    if not crossing:
        return []
    span = max(c.extent[1] for c in crossing) - min(c.extent[0] for c in crossing)
    frame = [c.position for c in crossing if c.covered >= 0.5 * span]
    if len(frame) < 2:
        return []
    reach = _STREAK_REACH_SEGMENTS * tol.min_segment_px
    edge = _STREAK_EDGE_SHARE * page_length
    first, last = min(frame), max(frame)

    def is_streak(c: _Cluster) -> bool:
        start, end = c.extent
        both = start < first - reach and end > last + reach
        to_an_edge = (start < first - reach and start <= edge) or (end > last + reach and end >= page_length - edge)
        return both or to_an_edge

    return [c for c in clusters if is_streak(c)]


def _clip(clusters: list[_Cluster], lo: float, hi: float, tol: GridTolerances) -> list[_Cluster]:
    out = []
    for cluster in clusters:
        kept = tuple(
            Segment(s.position, max(s.start, lo), min(s.end, hi))
            for s in cluster.segments
            if min(s.end, hi) - max(s.start, lo) >= tol.min_segment_px
        )
        if kept:
            out.append(_Cluster(cluster.position, kept))
    return out


def _clusters(segments: list[Segment], tol: GridTolerances) -> list[_Cluster]:
    """Nearly collinear segments grouped into one grid line each."""
    kept = sorted((s for s in segments if s.length >= tol.min_segment_px), key=lambda s: s.position)
    groups: list[list[Segment]] = []
    for segment in kept:
        if groups and segment.position - groups[-1][-1].position <= tol.merge_px:
            groups[-1].append(segment)
        else:
            groups.append([segment])
    return [_Cluster(sum(s.position * s.length for s in g) / sum(s.length for s in g), tuple(g)) for g in groups]


def _profile(mask: np.ndarray, edge: float, half_width: float, vertical: bool) -> np.ndarray:
    limit = mask.shape[1] if vertical else mask.shape[0]
    lo = max(0, int(round(edge - half_width)))
    hi = min(limit, int(round(edge + half_width)) + 1)
    band = mask[:, lo:hi] if vertical else mask[lo:hi, :]
    return band.max(axis=1 if vertical else 0) > 0


def _share(profile: np.ndarray, start: float, end: float) -> float:
    lo, hi = int(round(start)), int(round(end))
    # Ignore the ends, where the crossing lines sit and always ink the band.
    margin = max(1, (hi - lo) // 10)
    segment = profile[lo + margin : hi - margin]
    return float(segment.mean()) if segment.size else 1.0


def _boundary_coverage(slots: _SlotGeometry, lines: RulingLines, text_ink: np.ndarray,
                       tol: GridTolerances) -> dict[_Boundary, float]:
    half_width = tol.merge_px
    v_profiles = [_profile(lines.vertical_mask, x, half_width, True) for x in slots.col_edges]
    h_profiles = [_profile(lines.horizontal_mask, y, half_width, False) for y in slots.row_edges]
    coverage = {}
    for b in slots.boundaries():
        if b.vertical:
            coverage[b] = _share(v_profiles[b.col + 1], slots.row_edges[b.row], slots.row_edges[b.row + 1])
        else:
            coverage[b] = _share(h_profiles[b.row + 1], slots.col_edges[b.col], slots.col_edges[b.col + 1])
    return coverage


def coverage_present(coverage: dict[_Boundary, float], slots: _SlotGeometry, text_ink: np.ndarray,
                     tol: GridTolerances) -> list[_Boundary]:
    """Boundaries the line masks show.

    Half covered is a line.  Less is a line only if no text straddles the
    boundary: strokes of two neighbouring glyphs (the 一 of 合 and the 十 of 计)
    can line up into a short "ruling line" across a merged header cell.
    """
    return [b for b, share in coverage.items()
            if share >= _SURE_COVERAGE or (share >= tol.boundary_coverage and not _ink_crosses(text_ink, b, slots, tol.text_gap_px))]


def _line_support(slots: _SlotGeometry, present: set[_Boundary], b: _Boundary) -> float:
    """Share of the slots along the same grid line where the line is present."""
    if b.vertical:
        along = [_Boundary(r, b.col, True) for r in range(slots.n_rows)]
    else:
        along = [_Boundary(b.row, c, False) for c in range(slots.n_cols)]
    return sum(1 for x in along if x in present) / len(along)


def _broken_lines(slots: _SlotGeometry, coverage: dict[_Boundary, float], present: set[_Boundary],
                  text_ink: np.ndarray, tol: GridTolerances, gray: np.ndarray | None = None) -> set[_Boundary]:
    restored = set()
    for b in coverage:
        if b in present or _line_support(slots, present, b) < _LINE_SUPPORT:
            continue
        first = slots.slot_box(b.row, b.col)
        second = slots.slot_box(b.row, b.col + 1) if b.vertical else slots.slot_box(b.row + 1, b.col)
        if not (_has_ink(text_ink, first, tol.text_gap_px) and _has_ink(text_ink, second, tol.text_gap_px)):
            continue
        if _ink_crosses(text_ink, b, slots, tol.text_gap_px):
            continue
        # Pieces of the line in the masks are a trace; without them the grey levels must show one.
        if coverage[b] == 0.0 and gray is not None and _dark_share(gray, b, slots, tol.merge_px, text_ink) < _BROKEN_LINE_TRACE:
            continue
        restored.add(b)
    return restored


def _faint_lines(slots: _SlotGeometry, present: set[_Boundary], gray: np.ndarray, text_ink: np.ndarray,
                 tol: GridTolerances) -> set[_Boundary]:
    """Boundaries drawn too faint or too dashed for the line masks, seen in the grey levels.

    Along a missing boundary on a supported grid line, count the scan lines where
    the pixels on the line are clearly darker than the paper beside it.  Inside a
    merged cell that only happens where text crosses, which is excluded.
    """
    restored = set()
    for b in slots.boundaries():
        if b in present or _ink_crosses(text_ink, b, slots, tol.text_gap_px):
            continue
        dark = _dark_share(gray, b, slots, tol.merge_px)
        # On a line the other rows print, a dashed trace will do; elsewhere it must be plain.
        needed = _FAINT_LINE_SHARE if _line_support(slots, present, b) >= _LINE_SUPPORT else _LONE_FAINT_LINE_SHARE
        if dark >= needed:
            restored.add(b)
    return restored


def _dark_share(gray: np.ndarray, b: _Boundary, slots: _SlotGeometry, reach: float,
                text_ink: np.ndarray | None = None) -> float:
    """Share of the scan lines across a boundary where the line's place is darker than the paper beside it.

    With ``text_ink``, scan lines where text lies beside the line's place are left out: a glyph
    standing close to where a line would run (the curve of a full-width bracket) is no trace of one.
    """
    near = max(2, int(round(reach * 0.25)))
    far = max(near + 3, int(round(reach)))
    if b.vertical:
        x = int(round(slots.col_edges[b.col + 1]))
        y0, y1 = int(slots.row_edges[b.row]), int(slots.row_edges[b.row + 1])
        margin = max(1, (y1 - y0) // 8)
        band = gray[y0 + margin:y1 - margin, :].astype(np.int16)
        on_line = band[:, max(0, x - near):x + near + 1].min(axis=1)
        paper = np.median(np.hstack([band[:, max(0, x - far):max(0, x - near - 1)], band[:, x + near + 2:x + far + 1]]), axis=1)
        if text_ink is not None:
            ink = text_ink[y0 + margin:y1 - margin, :] > 0
            beside = ink[:, max(0, x - far):max(0, x - near - 1)].any(axis=1) | ink[:, x + near + 2:x + far + 1].any(axis=1)
    else:
        y = int(round(slots.row_edges[b.row + 1]))
        x0, x1 = int(slots.col_edges[b.col]), int(slots.col_edges[b.col + 1])
        margin = max(1, (x1 - x0) // 8)
        band = gray[:, x0 + margin:x1 - margin].astype(np.int16)
        on_line = band[max(0, y - near):y + near + 1, :].min(axis=0)
        paper = np.median(np.vstack([band[max(0, y - far):max(0, y - near - 1), :], band[y + near + 2:y + far + 1, :]]), axis=0)
        if text_ink is not None:
            ink = text_ink[:, x0 + margin:x1 - margin] > 0
            beside = ink[max(0, y - far):max(0, y - near - 1), :].any(axis=0) | ink[y + near + 2:y + far + 1, :].any(axis=0)
    if on_line.size == 0:
        return 0.0
    dark = on_line < paper - _FAINT_LINE_CONTRAST
    if text_ink is not None:
        dark = dark[~beside]
    return float(np.mean(dark)) if dark.size else 0.0


def _has_ink(text_ink: np.ndarray, box: BBox, inset: float) -> bool:
    x0, y0 = int(box.x0 + inset), int(box.y0 + inset)
    x1, y1 = int(box.x1 - inset), int(box.y1 - inset)
    if x1 <= x0 or y1 <= y0:
        return False
    return int(np.count_nonzero(text_ink[y0:y1, x0:x1])) > inset


def _ink_crosses(text_ink: np.ndarray, b: _Boundary, slots: _SlotGeometry, half_width: float) -> bool:
    """Text runs across the boundary: glyph ink close before and close after it on the same scan lines.

    Glyphs of one word sit a few pixels apart; text and a real cell border keep a
    padding of about half a character.  Thin ink lying along the boundary (the
    stub of a broken ruling line) is left out first, so it cannot pass for text.
    """
    reach = max(4, int(round(half_width * 1.4)))  # ~0.35 character heights
    thin = max(3, int(round(half_width * 1.6)))  # a stub (blurred line piece) is at most this thick across it
    if b.vertical:
        x = int(round(slots.col_edges[b.col + 1]))
        y0, y1 = int(slots.row_edges[b.row] + half_width), int(slots.row_edges[b.row + 1] - half_width)
        lo = max(0, x - 2 * reach)
        window = text_ink[max(0, y0):max(0, y1), lo:x + 2 * reach + 1]
    else:
        y = int(round(slots.row_edges[b.row + 1]))
        x0, x1 = int(slots.col_edges[b.col] + half_width), int(slots.col_edges[b.col + 1] - half_width)
        lo = max(0, y - 2 * reach)
        window = text_ink[lo:y + 2 * reach + 1, max(0, x0):max(0, x1)].T
    origin = (x if b.vertical else y) - lo
    if window.size == 0:
        return False
    window = np.ascontiguousarray(window)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(window, connectivity=8)
    start = stats[:, cv2.CC_STAT_LEFT]
    width = stats[:, cv2.CC_STAT_WIDTH]
    # Residue of the line itself: narrow, and lying on (or within a skew's drift of) the boundary.
    stub = (width <= thin) & (start <= origin + 3) & (start + width >= origin - 3)
    stub[0] = True
    glyphs = ~stub[labels]
    before = glyphs[:, max(0, origin - reach):max(0, origin - 1)].any(axis=1)
    after = glyphs[:, origin + 2:origin + reach + 1].any(axis=1)
    return int(np.count_nonzero(before & after)) >= 3


def _components(slots: _SlotGeometry, present: set[_Boundary]) -> list[list[tuple[int, int]]]:
    parent = list(range(slots.n_rows * slots.n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for b in slots.boundaries():
        if b in present:
            continue
        a = b.row * slots.n_cols + b.col
        other = a + 1 if b.vertical else a + slots.n_cols
        ra, rb = find(a), find(other)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(slots.n_rows):
        for c in range(slots.n_cols):
            groups.setdefault(find(r * slots.n_cols + c), []).append((r, c))
    return list(groups.values())


def _is_rectangle(component: list[tuple[int, int]]) -> bool:
    rows = {r for r, _ in component}
    cols = {c for _, c in component}
    return len(component) == len(rows) * len(cols) and max(rows) - min(rows) + 1 == len(rows) and max(cols) - min(cols) + 1 == len(cols)


def _restore_rectangles(slots: _SlotGeometry, coverage: dict[_Boundary, float], present: set[_Boundary]) -> set[_Boundary]:
    present = set(present)
    while True:
        broken = [set(c) for c in _components(slots, present) if not _is_rectangle(c)]
        if not broken:
            return present
        component = broken[0]
        inside = [
            b for b in coverage
            if b not in present and (b.row, b.col) in component
            and ((b.row, b.col + 1) if b.vertical else (b.row + 1, b.col)) in component
        ]
        best = max(inside, key=lambda b: (_line_support(slots, present, b), coverage[b]))
        present.add(best)


def _cells(slots: _SlotGeometry, present: set[_Boundary]) -> list[GridCell]:
    cells = []
    for component in _components(slots, present):
        r0, r1 = min(r for r, _ in component), max(r for r, _ in component)
        c0, c1 = min(c for _, c in component), max(c for _, c in component)
        cells.append(GridCell(row=r0, col=c0, row_span=r1 - r0 + 1, col_span=c1 - c0 + 1,
                              bbox=BBox(slots.col_edges[c0], slots.row_edges[r0], slots.col_edges[c1 + 1], slots.row_edges[r1 + 1])))
    return sorted(cells, key=lambda cell: (cell.row, cell.col))
