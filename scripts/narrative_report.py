"""What the 第三部分 prose of a disclosure says about its tables, per document.

    .venv/bin/python scripts/narrative_report.py samples/shanyin_commerce/shanyin_commerce_mild.pdf [...]

Reads every page as ``yusuan ingest`` does (default settings), then prints the prose lines
read, the figures pipeline.check.narrative finds in them, and how each figure's check came out
against the document's facts (agree / disagree / mixed / no cell prints it).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from pipeline.check.catalog import load_default
from pipeline.document import draft_document, read_page
from pipeline.image.intake import open_document, page_refs
from pipeline.check.narrative import check_narrative, read_narrative_figures
from pipeline.ocr import make_engine
from models import PageResult
from pipeline.engines import make_cross_check
from pipeline.settings import Settings


def main(paths: list[str]) -> None:
    settings, catalog = Settings(), load_default()
    engine, cross_check = make_engine(settings.ocr_engine), make_cross_check(settings)
    for path in paths:
        document = open_document(Path(path))
        pages = [p for p in (read_page(ref, settings, engine, cross_check) for ref in page_refs(document))
                 if isinstance(p, PageResult)]
        figures = [f for p in pages for f in read_narrative_figures([t.text for t in p.text], p.ref.number)]
        _, drafts = draft_document(pages, settings, catalog)
        checks = check_narrative(figures, drafts)
        verdicts = Counter(c.verdict.value for c in checks)
        confirmed = {i for c in checks for i in c.agreeing}
        print(f"{Path(path).name}: prose lines {sum(len(p.text) for p in pages)}, figures {len(figures)}, "
              f"verdicts {dict(sorted(verdicts.items()))}, cells confirmed {len(confirmed)}")
        for check in checks:
            if check.verdict.value != "agree":
                print(f"  {check.verdict.value}: {check.figure.measure.value} {check.figure.amount} (p{check.figure.page})")


if __name__ == "__main__":
    main(sys.argv[1:])
