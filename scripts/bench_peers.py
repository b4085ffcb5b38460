"""The peers of ``make bench``, each as a user would call it; run by scripts/bench.py under .venv-bench.

    .venv-bench/bin/python scripts/bench_peers.py camelot OUT.jsonl A.pdf [B.pdf ...]
    .venv-bench/bin/python scripts/bench_peers.py img2table OUT.jsonl A.pdf [B.pdf ...]

Writes one JSON line per table found: ``{"source": file name, "page": 1-based, "cells": [text, ...]}``
(a merged cell once).  Imports nothing of yusuan: this interpreter holds the peers only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def camelot_tables(pdf: Path) -> list[dict]:
    """camelot's lattice flavour with its default (pdfium) backend: the ruled tables, text from the text layer."""
    import camelot

    out = []
    for table in camelot.read_pdf(str(pdf), pages="all", flavor="lattice", backend="pdfium"):
        # A merged cell's text sits in its first slot; the other slots are empty strings.
        cells = [text for row in table.df.values.tolist() for text in row if str(text).strip()]
        out.append({"source": pdf.name, "page": int(table.page), "cells": cells})
    return out


def img2table_tables(pdf: Path) -> list[dict]:
    """img2table on the rendered pages with Tesseract (chi_sim+eng, both cores), ruled tables only.

    Page by page: img2table 2.0 raises TypeError on some pages (a word Tesseract returns as None),
    which would lose the whole document; such a page yields no table, and is counted on stderr."""
    import pypdfium2
    from img2table.document import PDF
    from img2table.ocr import TesseractOCR

    ocr = TesseractOCR(n_threads=2, lang="chi_sim+eng")
    out, failed = [], 0
    for page_index in range(len(pypdfium2.PdfDocument(str(pdf)))):
        document = PDF(str(pdf), pages=[page_index], detect_rotation=True, pdf_text_extraction=False)
        try:
            found = document.extract_tables(ocr=ocr, implicit_rows=False, borderless_tables=False)
        except TypeError:
            failed += 1
            continue
        for index, tables in found.items():
            for table in tables:
                # A merged cell is the same TableCell in every slot it covers: keep it once (by its box).
                by_box = {}
                for row in table.content.values():
                    for cell in row:
                        by_box[(cell.bbox.x1, cell.bbox.y1, cell.bbox.x2, cell.bbox.y2)] = cell.value or ""
                out.append({"source": pdf.name, "page": index + 1,
                            "cells": [t for t in by_box.values() if t.strip()]})
    if failed:
        print(f"img2table failed on {failed} page(s) of {pdf.name}", file=sys.stderr)
    return out


def main(argv: list[str]) -> None:
    tool, out_path, pdfs = argv[0], Path(argv[1]), [Path(p) for p in argv[2:]]
    read = {"camelot": camelot_tables, "img2table": img2table_tables}[tool]
    with out_path.open("w", encoding="utf-8") as handle:
        for pdf in pdfs:
            for table in read(pdf):
                handle.write(json.dumps(table, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
