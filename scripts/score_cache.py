"""Developer tool: assemble cached pages (scripts/cache_pages.py) with the current code and score them.

    .venv/bin/python scripts/score_cache.py /tmp/pagecache/x_mild.pages.pickle [...]

Prints the same report as ``yusuan eval`` for the documents given, without re-running OCR.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _pagecache import load_pages
from pipeline.check.catalog import load_default
from pipeline.document import assemble
from evaluation.evaluate import evaluate, format_report
from pipeline.settings import Settings


def main(paths: list[str]) -> None:
    catalog, settings = load_default(), Settings()
    with tempfile.TemporaryDirectory() as tmp:
        records, tables = Path(tmp) / "records.jsonl", Path(tmp) / "tables.jsonl"
        truth_records, truth_tables = [], []
        with records.open("w", encoding="utf-8") as out_r, tables.open("w", encoding="utf-8") as out_t:
            for path in paths:
                document, outcomes = load_pages(Path(path))
                result = assemble(document, outcomes, settings, catalog)
                out_r.writelines(f.model_dump_json() + "\n" for f in result.facts)
                out_t.writelines(t.model_dump_json() + "\n" for t in result.tables)
                stem = Path(document.source).stem
                truth_dir = Path("samples") / stem.rsplit("_", 1)[0] / "truth"
                truth_records.append(truth_dir / f"{stem}.records.jsonl")
                truth_tables.append(truth_dir / f"{stem}.tables.jsonl")
        print(format_report(evaluate(records, truth_records, tables, truth_tables)))


if __name__ == "__main__":
    main(sys.argv[1:])
