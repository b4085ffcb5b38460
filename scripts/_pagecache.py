"""Loading the page pickles of scripts/cache_pages.py, including ones an older checkout wrote."""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

from models import DocumentInfo
from pipeline.crosscheck import agreement
from pipeline.document import PageFailure
from pipeline.page import PageResult


def load_pages(path: Path, recompute_agreement: bool = False) -> tuple[DocumentInfo, list[PageResult | PageFailure]]:
    """The cached pages; with ``recompute_agreement`` the engines' agreement is measured again
    from the two stored readings, so a change to pipeline.crosscheck.agreement needs no new OCR."""
    document, outcomes = pickle.loads(path.read_bytes())
    for outcome in outcomes:
        # Pickles from before PageResult.text lack the slot; such pages read no prose.
        if isinstance(outcome, PageResult) and not hasattr(outcome, "text"):
            object.__setattr__(outcome, "text", ())
    if recompute_agreement:
        outcomes = [_reagreed(o) if isinstance(o, PageResult) else o for o in outcomes]
    return document, outcomes


def _reagreed(page: PageResult) -> PageResult:
    tables = tuple(replace(t, grid=replace(t.grid, cells=tuple(
        replace(c, agreement=round(agreement(c.text, c.second_text), 4)) if c.second_text is not None else c
        for c in t.grid.cells))) for t in page.tables)
    return replace(page, tables=tables)
