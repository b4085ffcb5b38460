"""Developer tool: one hash of what the pipeline makes of page caches, and of pages read afresh.

    .venv/bin/python scripts/output_hash.py /tmp/pagecache/*.pages.pickle
    .venv/bin/python scripts/output_hash.py --reread samples/x/x_harsh.pdf:1,2,9

For refactoring: the hashes before and after a change that must not change the output are
equal.  A page cache (scripts/cache_pages.py) is assembled with the current code (document
level: tables, facts, codes, checks, confidence); ``--reread`` runs the page stages again on
the pages named (image, grid, OCR) and hashes every cell they read.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from _pagecache import load_pages
from pipeline.check.catalog import load_default
from pipeline.document import assemble, read_page
from pipeline.image.intake import open_document, page_refs
from pipeline.ocr import make_engine
from pipeline.engines import make_cross_check
from models import PageResult
from pipeline.settings import Settings


def assembled_hash(path: Path, settings: Settings) -> str:
    document, outcomes = load_pages(path)
    result = assemble(document, outcomes, settings, load_default())
    digest = hashlib.sha256()
    for record in (*result.facts, *result.tables):
        digest.update(record.model_dump_json().encode())
    return digest.hexdigest()[:16]


def page_digest(outcome: object) -> str:
    """What a page's reading says, independent of how the types hold it: every cell's text,
    geometry and evidence, the phrases around each table, the prose lines."""
    if not isinstance(outcome, PageResult):
        return repr(outcome)
    parts = [repr((outcome.width, outcome.height, outcome.orientation, outcome.char_height, outcome.text))]
    for table in outcome.tables:
        parts.append(repr((table.grid.bbox, table.grid.row_edges, table.grid.col_edges, table.context, table.footer)))
        for c in table.grid.cells:
            parts.append(repr((c.row, c.col, c.row_span, c.col_span, c.bbox, c.text, c.blank, c.second_text,
                               c.confidence, c.evidence.agreement, c.evidence.unexplained_ink,
                               c.evidence.unread_marks)))
    return "\n".join(parts)


def reread_hash(spec: str, settings: Settings) -> str:
    pdf, _, pages = spec.rpartition(":")
    wanted = {int(p) for p in pages.split(",")}
    engine = make_engine(settings.ocr_engine)
    cross_check = make_cross_check(settings)
    digest = hashlib.sha256()
    for ref in page_refs(open_document(Path(pdf))):
        if ref.number in wanted:
            digest.update(page_digest(read_page(ref, settings, engine, cross_check)).encode())
    return digest.hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("caches", nargs="*", type=Path)
    parser.add_argument("--reread", action="append", default=[], help="PDF:1,2,3 — pages to read afresh")
    args = parser.parse_args()
    settings = Settings()
    for path in args.caches:
        print(f"{assembled_hash(path, settings)}  {path.name}")
    for spec in args.reread:
        print(f"{reread_hash(spec, settings)}  {spec}")


if __name__ == "__main__":
    main()
