"""A document's pages, read one at a time, become facts and tables: the recipe.

intake -> (per page) process_page -> resolve tables -> draft facts ->
document-level codes -> confidence -> records.  Page failures are recorded
and the document ends partially processed, never with a crash.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from models import DocumentInfo, DocumentResult, PageFailure, PageRef, PageResult, StoredPageImage
from pipeline.check.aliases import apply_aliases
from pipeline.check.catalog import Catalog
from pipeline.check.codes import assign_codes
from pipeline.score.confidence import DocumentIdentity, finish
from pipeline.score.table_signals import with_table_signals
from pipeline.read.crosscheck import CrossCheck
from pipeline.engines import engine_names
from pipeline.output.emit import table_record
from pipeline.output.pages import keep_page_images
from pipeline.errors import YusuanError
from pipeline.interpret.facts import (
    DraftFact,
    draft_facts,
    with_bracket_reasons,
    with_comparison_sign_reasons,
    with_doubled_character_reasons,
    with_incomplete_indicator_reasons,
    with_unconfirmed_repair_reasons,
    without_confirmed_format_doubts,
    with_unread_mark_reasons,
)
from pipeline.interpret.forms import form_facts_for_document
from pipeline.interpret.identity import Identity, identify
from pipeline.check.shapes import with_value_shapes
from pipeline.check.match import canonical_labels
from pipeline.check.narrative import apply_narrative_checks, check_narrative, read_narrative_figures
from pipeline.ocr.base import OcrEngine, OcrEngineError
from pipeline.page import process_page
from pipeline.interpret.marks import without_stray_marks
from pipeline.interpret.resolve import ResolvedTable, resolve_tables
from pipeline.check.validate import validate
from pipeline.settings import Settings


log = logging.getLogger(__name__)


def read_page(ref: PageRef, settings: Settings, engine: OcrEngine,
              cross_check: CrossCheck | None = None) -> PageResult | PageFailure:
    """One page, its failure recorded instead of raised."""
    try:
        return process_page(ref, settings, engine, cross_check)
    except YusuanError as exc:
        return PageFailure(page=ref.number, category=str(exc.code), message=exc.message)
    except OcrEngineError as exc:
        return PageFailure(page=ref.number, category="ocr_engine", message=str(exc))


def assemble(document: DocumentInfo, outcomes: Iterable[PageResult | PageFailure], settings: Settings,
             catalog: Catalog, page_images: Iterable[StoredPageImage] = ()) -> DocumentResult:
    """The document's facts and tables; ``page_images`` (pipeline.output.pages) are the kept upright
    pages their boxes refer to, named on every fact and table of those pages."""
    outcomes = list(outcomes)
    pages = [o for o in outcomes if isinstance(o, PageResult)]
    failures = tuple(o for o in outcomes if isinstance(o, PageFailure))
    page_images = tuple(page_images)
    images = {image.page: image.sha256 for image in page_images}
    resolved, drafts, who = identified_drafts(pages, settings, catalog)
    identity = DocumentIdentity(sha256=document.sha256, source=document.source, fiscal_year=who.fiscal_year,
                                department=who.department)
    engines = engine_names(settings)
    facts = tuple(finish(d, identity, settings.accept_threshold, engines, images.get(d.page)) for d in drafts)
    tables = tuple(table_record(t, document.sha256, document.source, page_image_sha256=images.get(t.page.ref.number))
                   for t in resolved)
    log.info("%s: %d of %d pages read, %d tables, %d facts (%d need review)", document.source, len(pages),
             document.page_count, len(tables), len(facts), sum(f.status == "needs_review" for f in facts))
    return DocumentResult(document=document, facts=facts, tables=tables, failures=failures,
                          pages_processed=len(pages), page_images=page_images)


def draft_document(pages: list[PageResult], settings: Settings,
                   catalog: Catalog) -> tuple[list[ResolvedTable], list[DraftFact]]:
    """Every fact of the document with its evidence, before confidence and status."""
    pages = sorted((without_stray_marks(p) for p in pages), key=lambda p: p.ref.index)
    resolved = resolve_tables(pages, settings.title_match_threshold)
    drafts = [draft for index, table in enumerate(resolved) for draft in draft_facts(index, table)]
    # Stable sort by table keeps document order with the forms (read over the whole document) merged in.
    drafts = sorted(drafts + form_facts_for_document(resolved), key=lambda d: d.table_index)
    # Labels operators corrected read their way, before codes are implied from labels.
    drafts = apply_aliases(drafts, catalog.aliases)
    drafts = assign_codes(drafts, catalog, settings.label_match_threshold)
    drafts = canonical_labels(drafts, catalog, settings.label_match_threshold)
    logical = logical_tables(resolved)
    drafts = validate(drafts, logical).drafts
    figures = [figure for page in pages
               for figure in read_narrative_figures([line.text for line in page.text], page.ref.number)]
    drafts = apply_narrative_checks(drafts, check_narrative(figures, drafts))
    drafts = with_table_signals(drafts, logical)
    drafts = with_incomplete_indicator_reasons(with_comparison_sign_reasons(drafts))
    drafts = without_confirmed_format_doubts(with_unconfirmed_repair_reasons(drafts))
    return resolved, with_doubled_character_reasons(with_bracket_reasons(with_unread_mark_reasons(drafts)))


def identified_drafts(pages: list[PageResult], settings: Settings,
                      catalog: Catalog) -> tuple[list[ResolvedTable], list[DraftFact], Identity]:
    """draft_document's tables and drafts, the document's identity decided from them, and the checks
    that need it: a 主管部门及代码 is checked against the document's own department."""
    resolved, drafts = draft_document(pages, settings, catalog)
    who = identify(resolved, drafts)
    return resolved, with_value_shapes(drafts, who.department), who


def logical_tables(resolved: list[ResolvedTable]) -> dict[int, int]:
    """Table index -> index of the first page of the table it belongs to (continuations joined)."""
    out: dict[int, int] = {}
    for index, table in enumerate(resolved):
        out[index] = out[index - 1] if table.continued and index > 0 and resolved[index - 1].kind == table.kind else index
    return out


def process_document(document: DocumentInfo, refs: list[PageRef], settings: Settings, engine: OcrEngine,
                     catalog: Catalog, on_page: Callable[[int], None] | None = None,
                     cross_check: CrossCheck | None = None, image_folder: Path | None = None) -> DocumentResult:
    """Sequential reference implementation; the Prefect flow runs the same steps as tasks.
    With ``image_folder``, the upright page images are kept there (pipeline.output.pages)."""
    outcomes: list[PageResult | PageFailure] = []
    for ref in refs:
        outcomes.append(read_page(ref, settings, engine, cross_check))
        if on_page is not None:
            on_page(ref.number)
    pages = [o for o in outcomes if isinstance(o, PageResult)]
    images = keep_page_images(pages, settings, image_folder) if image_folder is not None else ()
    return assemble(document, outcomes, settings, catalog, images)
