"""Loading the page pickles of scripts/cache_pages.py, including ones an older checkout wrote."""

from __future__ import annotations

import importlib
import pickle
from dataclasses import fields, replace
from pathlib import Path

from models import DocumentInfo, Evidence, Grid, GridCell, Orientation
from pipeline.read.crosscheck import agreement
from models import PageFailure
from models import PageResult


def load_pages(path: Path, recompute_agreement: bool = False) -> tuple[DocumentInfo, list[PageResult | PageFailure]]:
    """The cached pages; with ``recompute_agreement`` the engines' agreement is measured again
    from the two stored readings, so a change to pipeline.read.crosscheck.agreement needs no new OCR."""
    with path.open("rb") as handle:
        document, outcomes = _Unpickler(handle).load()
    outcomes = [_with_cells_of_today(o) if isinstance(o, PageResult) else o for o in outcomes]
    for outcome in outcomes:
        # Pickles from before PageResult.text lack the slot; such pages read no prose.
        if isinstance(outcome, PageResult) and not hasattr(outcome, "text"):
            object.__setattr__(outcome, "text", ())
    if recompute_agreement:
        outcomes = [_reagreed(o) if isinstance(o, PageResult) else o for o in outcomes]
    return document, outcomes


def _reagreed(page: PageResult) -> PageResult:
    tables = tuple(replace(t, grid=replace(t.grid, cells=tuple(
        replace(c, evidence=replace(c.evidence, agreement=round(agreement(c.text, c.second_text), 4)))
        if c.second_text is not None else c
        for c in t.grid.cells))) for t in page.tables)
    return replace(page, tables=tables)


# Where the classes of older pickles live now: the modules they were moved to, tried in order.
_MOVED_MODULES = {
    "pipeline.orient": "pipeline.image.orient",
    "pipeline.page": "pipeline.page",
    "pipeline.document": "pipeline.document",
}
_NOW_IN = ("models", "models.results", "pipeline.page", "pipeline.document", "pipeline.image.orient")


class _Unpickler(pickle.Unpickler):
    """Finds a class an older checkout pickled under a module that has since moved."""

    def find_class(self, module: str, name: str) -> object:
        if (module, name) == ("models.geometry", "GridCell"):
            return _PickledGridCell
        if name == "Orientation":
            return _PickledOrientation
        if (module, name) == ("models.geometry", "Grid"):
            return _PickledGrid
        try:
            return super().find_class(_MOVED_MODULES.get(module, module), name)
        except (ModuleNotFoundError, AttributeError):
            for candidate in _NOW_IN:
                try:
                    found = getattr(importlib.import_module(candidate), name, None)
                except ModuleNotFoundError:
                    continue
                if found is not None:
                    return found
            raise


class _PickledGridCell:
    """A GridCell as pickled, of today's layout or of the one before models.Evidence."""

    def __setstate__(self, state: tuple) -> None:
        self.state = state

    def today(self) -> GridCell:
        names = [f.name for f in fields(GridCell)]
        if len(self.state) <= len(names) and isinstance(self.state[8], Evidence):
            # Today's layout, or an earlier one with fewer trailing fields (read_by came later).
            return GridCell(**dict(zip(names, self.state)))
        row, col, row_span, col_span, bbox, text, confidence, blank, second_text, agreement, ink, marks = self.state
        return GridCell(row, col, row_span, col_span, bbox, text=text, blank=blank, second_text=second_text,
                        evidence=Evidence(ocr_confidence=confidence, agreement=agreement, unexplained_ink=ink,
                                          unread_marks=marks))


class _PickledOrientation:
    """An Orientation as pickled, with or without the sheet (older pickles have none)."""

    def __setstate__(self, state: tuple) -> None:
        self.state = state

    def today(self) -> Orientation:
        return Orientation(*self.state)


class _PickledGrid:
    """A Grid as pickled, with or without the suspect column lines (older pickles have none)."""

    def __setstate__(self, state: tuple) -> None:
        self.state = state

    def today(self) -> Grid:
        return Grid(*self.state)


def _with_cells_of_today(page: PageResult) -> PageResult:
    tables = tuple(replace(t, grid=t.grid.today() if isinstance(t.grid, _PickledGrid) else t.grid) for t in page.tables)
    page = replace(page, tables=tables)
    tables = tuple(replace(t, grid=replace(t.grid, cells=tuple(
        c.today() if isinstance(c, _PickledGridCell) else c for c in t.grid.cells))) for t in page.tables)
    orientation = page.orientation.today() if isinstance(page.orientation, _PickledOrientation) else page.orientation
    return replace(page, tables=tables, orientation=orientation)
