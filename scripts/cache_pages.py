"""Developer tool: run the per-page stage over a PDF once and pickle the PageResults.

    .venv/bin/python scripts/cache_pages.py samples/x/x_mild.pdf /tmp/pagecache

Lets work on later stages (forms, codes, confidence) iterate without re-running OCR:
load with ``pickle.load`` and call ``pipeline.document.assemble``.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from pipeline.document import read_page
from pipeline.image.intake import open_document, page_refs
from pipeline.ocr import make_engine
from pipeline.engines import make_cross_check
from pipeline.settings import Settings


def main(pdf: str, out_dir: str) -> None:
    settings = Settings()
    engine = make_engine(settings.ocr_engine)
    cross_check = make_cross_check(settings)
    document = open_document(Path(pdf))
    outcomes = [read_page(ref, settings, engine, cross_check) for ref in page_refs(document)]
    target = Path(out_dir) / (Path(pdf).stem + ".pages.pickle")
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        pickle.dump((document, outcomes), handle)
    print(target)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
