"""In-process speed (and cell accuracy) of the per-page stage, engines and peers side by side in one run.

    .venv/bin/python scripts/bench_engines.py [--pdf samples/shanyin_commerce/shanyin_commerce_harsh.pdf]
                                      [--pages 1,3,5,9,16,20,23,29] [--engines rapidocr,rapidocr+cross,tesseract]

For each engine, every listed page goes through ``process_page`` (render, upright,
lines, grid, cell OCR, titles) after one warm-up page; ``+cross`` adds the
cross-check (the other engine re-reads the cells nothing else checks, the
default of ``yusuan ingest``); the share of truth grid cells
whose text the engine read exactly (compared after NFKC and whitespace removal, on
cells at the same grid position) comes from the sample's truth tables.  Peers on the
same pages: whole-page OCR with RapidOCR (detector + recogniser) and with Tesseract,
the usual way to OCR a scan, timed only (their output has no grid to score).
Ratios are against the fastest row of this run on this machine.
"""

from __future__ import annotations

import argparse
import json
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np

from pipeline.image.intake import open_document, page_refs
from pipeline.ocr import make_engine
from pipeline.page import process_page
from pipeline.engines import make_cross_check
from pipeline.image.render import render_page
from pipeline.settings import Settings


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _truth_cells(truth_tables: Path, pages: list[int]) -> dict[int, dict[tuple[int, int], str]]:
    cells: dict[int, dict[tuple[int, int], str]] = {p: {} for p in pages}
    with truth_tables.open(encoding="utf-8") as handle:
        for line in handle:
            table = json.loads(line)
            if table["page"] in cells:
                for cell in table["cells"]:
                    cells[table["page"]][(cell["row"], cell["col"])] = _key(cell["text"])
    return cells


def _time_pages(run: Callable[[int], object], pages: list[int]) -> tuple[float, list[object]]:
    run(pages[0])  # warm-up: model loading is not per-page cost
    start = time.perf_counter()
    outputs = [run(p) for p in pages]
    return (time.perf_counter() - start) / len(pages), outputs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdf", type=Path, default=Path("samples/shanyin_commerce/shanyin_commerce_harsh.pdf"))
    parser.add_argument("--pages", default="1,3,5,9,16,20,23,29")
    parser.add_argument("--engines", default="rapidocr,rapidocr+cross,tesseract")
    parser.add_argument("--no-peers", action="store_true")
    args = parser.parse_args()
    pages = [int(p) for p in args.pages.split(",")]
    document = open_document(args.pdf)
    refs = page_refs(document)
    truth_path = args.pdf.parent / "truth" / f"{args.pdf.stem}.tables.jsonl"
    truth = _truth_cells(truth_path, pages)
    rows: list[tuple[str, float, str]] = []
    for name in args.engines.split(","):
        engine_name, _, cross = name.partition("+")
        settings = Settings(ocr_engine=engine_name, cross_check=bool(cross))  # type: ignore[arg-type]
        engine = make_engine(engine_name)
        cross_check = make_cross_check(settings)
        seconds, results = _time_pages(lambda p: process_page(refs[p - 1], settings, engine, cross_check), pages)
        right = total = 0
        for page, result in zip(pages, results):
            read = {(c.row, c.col): _key(c.text) for t in result.tables for c in t.grid.cells}  # type: ignore[attr-defined]
            for slot, text in truth[page].items():
                if text:
                    total += 1
                    right += read.get(slot) == text
        label = f"{engine_name} + {'tesseract' if engine_name == 'rapidocr' else 'rapidocr'} cross-check" if cross else engine_name
        rows.append((f"yusuan per-page pipeline, {label}", seconds, f"{right}/{total} = {right / max(total, 1):.3f}"))
    if not args.no_peers:
        from rapidocr import RapidOCR
        import pytesseract

        images = {p: render_page(refs[p - 1], 200, 10**9).pixels for p in pages}
        rapid = RapidOCR()
        seconds, _ = _time_pages(lambda p: rapid(np.dstack([images[p]] * 3)), pages)
        rows.append(("whole-page RapidOCR (det+rec), no grid", seconds, "n/a (no grid)"))
        seconds, _ = _time_pages(lambda p: pytesseract.image_to_string(images[p], lang="chi_sim+eng"), pages)
        rows.append(("whole-page Tesseract chi_sim+eng, no grid", seconds, "n/a (no grid)"))
    fastest = min(s for _, s, _ in rows)
    print(f"{args.pdf.name}, pages {args.pages}, 200 dpi, {len(pages)} timed pages after 1 warm-up\n")
    print("| what | s/page | pages/min | × fastest | truth cells read exactly |")
    print("|---|---|---|---|---|")
    for name, seconds, cells in rows:
        print(f"| {name} | {seconds:.2f} | {60 / seconds:.1f} | {seconds / fastest:.2f} | {cells} |")


if __name__ == "__main__":
    main()
