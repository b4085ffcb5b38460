"""The national format's column headers of each ledger kind, and how well a read header fits them.

Apart from the year, the 13 tables' headers are fixed by the national format
(data/header_templates.csv, each column with the place in the seed disclosure it was
read from).  A header whose cells OCR damaged (or a copier's dot screen turned into
noise) still has the right number of columns in the right order: matched as a whole
against its kind's template, each grid column gets the template column it stands for,
and a damaged cell is named by the template instead of by its garbled text.  A grid
that matches its template badly — columns too many or too few, headers that fit no
column — is a table whose structure the pipeline should not vouch for.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from rapidfuzz import fuzz

from models import TableKind
from pipeline.interpret.columns import column_key
from pipeline.text import confusion_key

# A header fits its template as a whole when its columns align one to one in order and they
# match this well on average (0..100): low enough for a few garbled cells, high enough that
# another kind's header does not pass.
FIT_SCORE = 55.0
# Aligning a grid column with no template column (or the other way round) costs this much (0..100).
_GAP_COST = 40.0
_YEAR = re.compile(r"(?:19|20)\d{2}")


@dataclass(frozen=True, slots=True)
class TemplateColumn:
    path: str  # with {year} where the year is printed
    role: str  # code | label | value


@dataclass(frozen=True, slots=True)
class HeaderFit:
    """How a grid's header fits its kind's template."""

    template: tuple[TemplateColumn, ...]
    matched: tuple[int | None, ...]  # per grid column, the template column it stands for (None: extra)
    scores: tuple[float, ...]  # per grid column, the similarity of its printed path to that column's
    missing: tuple[int, ...]  # template columns no grid column stands for

    @property
    def extra(self) -> int:
        return sum(1 for m in self.matched if m is None)

    @property
    def score(self) -> float:
        """Mean similarity over the template's columns (a missing one counts 0), 0..100."""
        matched = [s for m, s in zip(self.matched, self.scores) if m is not None]
        return sum(matched) / max(1, len(self.template))

    @property
    def one_to_one(self) -> bool:
        """One grid column per template column, in order (however well their words read)."""
        return not self.extra and not self.missing

    @property
    def whole(self) -> bool:
        """One grid column per template column, in order, and a fair match as a whole."""
        return self.one_to_one and self.score >= FIT_SCORE


@cache
def templates() -> dict[TableKind, tuple[TemplateColumn, ...]]:
    rows: dict[TableKind, list[tuple[int, TemplateColumn]]] = {}
    with resources.files("pipeline.data").joinpath("header_templates.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.setdefault(TableKind(row["kind"]), []).append((int(row["col"]), TemplateColumn(row["path"], row["role"])))
    return {kind: tuple(column for _, column in sorted(columns, key=lambda c: c[0])) for kind, columns in rows.items()}


@lru_cache(maxsize=4096)  # every untitled table's header is compared with every template column
def _key(path: str) -> str:
    return confusion_key("/".join(column_key(path.replace("{year}", "2000"))))


def similarity(printed: str, column: TemplateColumn) -> float:
    """How well a printed column path names a template column (0..100), the year and generic words aside."""
    a, b = _key(printed), _key(column.path)
    if not a and not b:
        return 100.0
    return float(fuzz.ratio(a, b))


def fit_header(kind: TableKind, printed_paths: tuple[str, ...]) -> HeaderFit | None:
    """The best order-keeping alignment of the grid's columns to the kind's template (None: no template)."""
    template = templates().get(kind)
    if template is None:
        return None
    n, m = len(printed_paths), len(template)
    sims = [[similarity(path, column) for column in template] for path in printed_paths]
    # best[i][j]: best total over the first i grid columns and j template columns.
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    step = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            options = []
            if i and j:
                options.append((best[i - 1][j - 1] + sims[i - 1][j - 1], "match"))
            if i:
                options.append((best[i - 1][j] - _GAP_COST, "extra"))
            if j:
                options.append((best[i][j - 1] - _GAP_COST, "missing"))
            best[i][j], step[i][j] = max(options)
    matched: list[int | None] = [None] * n
    scores = [0.0] * n
    missing: list[int] = []
    i, j = n, m
    while i or j:
        move = step[i][j]
        if move == "match":
            matched[i - 1], scores[i - 1] = j - 1, sims[i - 1][j - 1]
            i, j = i - 1, j - 1
        elif move == "extra":
            i -= 1
        else:
            missing.append(j - 1)
            j -= 1
    return HeaderFit(template=template, matched=tuple(matched), scores=tuple(scores), missing=tuple(sorted(missing)))


def depth(template: tuple[TemplateColumn, ...]) -> int:
    """How many header levels the template's deepest column has."""
    return max(column.path.count("/") + 1 for column in template)


def table_year(title: str, header_texts: list[str]) -> str | None:
    """The year a table prints, for naming its columns by the template: the title's, else the one
    most of its header cells print (one cell under a dot screen may read 2026 for 2025)."""
    found = _YEAR.search(title)
    if found:
        return found.group()
    years = Counter(m.group() for text in header_texts if (m := _YEAR.search(text)))
    return years.most_common(1)[0][0] if years else None


def template_path(column: TemplateColumn, year: str | None, printed: str) -> str:
    """The canonical path of a template column, with the year the document prints; where no year can
    be read, the printed path is kept rather than a year invented."""
    if "{year}" not in column.path:
        return column.path
    if year is None:
        return printed
    return column.path.replace("{year}", year)


def with_year(printed: str, year: str | None) -> str:
    """A printed path with the year it prints replaced by ``year`` (unchanged without one)."""
    return printed if year is None else _YEAR.sub(year, printed)
