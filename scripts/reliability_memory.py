"""Peak memory of one long document: ``python scripts/reliability_memory.py PAGES [DPI]``.

Builds a PAGES-page scanned PDF (the flow tests' budget page on every page, its image stored once),
reads it with the document recipe (pipeline.document.process_document: pages one at a time, each
rendered in the guarded child) and a fake OCR engine (the OCR is not what is measured), and prints
one JSON line: pages, seconds, this process's peak RSS and the children's (the render children).
BENCHMARKS.md ("Reliability") records the 500-page figure.
"""

from __future__ import annotations

import io
import json
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pikepdf

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "flows"))

from _inputs import budget_pdf_bytes  # noqa: E402

from pipeline.check.catalog import load_default  # noqa: E402
from pipeline.document import process_document  # noqa: E402
from pipeline.image.intake import open_document, page_refs  # noqa: E402
from pipeline.ocr.base import LineReading  # noqa: E402
from pipeline.ocr.fake import FakeEngine  # noqa: E402
from pipeline.settings import Settings  # noqa: E402


def main(pages: int, dpi: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "long.pdf"
        source = pikepdf.open(io.BytesIO(budget_pdf_bytes()))
        pdf = pikepdf.new()
        for _ in range(pages):
            pdf.pages.append(source.pages[0])
        pdf.save(path)
        document = open_document(path)
        engine = FakeEngine(lambda image: LineReading(text="100.00", confidence=0.99))
        settings = Settings(render_dpi=dpi, cross_check=False)
        started = time.monotonic()
        result = process_document(document, page_refs(document), settings, engine, load_default(None))
        seconds = time.monotonic() - started
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    failures = dict(Counter(f.category for f in result.failures))
    print(json.dumps({"pages": pages, "dpi": dpi, "pages_read": result.pages_processed, "failures": failures,
                      "facts": len(result.facts),
                      "seconds": round(seconds, 1), "peak_rss_mb": round(peak_self),
                      "peak_rss_children_mb": round(peak_children)}))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 200)
