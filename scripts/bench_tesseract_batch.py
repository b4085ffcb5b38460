"""Tesseract on many line images per call (pipeline.ocr.tesseract) against one process per line.

    .venv/bin/python scripts/bench_tesseract_batch.py [--pdf samples/shanyin_commerce/shanyin_commerce_harsh.pdf]
                                                      [--pages 1,20,23] [--lines 150]

The line images are the ones the pipeline cuts on those pages (recorded from a RapidOCR
run); each Tesseract reading is compared with RapidOCR's (``pipeline.read.crosscheck.agreement``),
batched (``--psm 6`` on one sheet) and one process per line (``--psm 7``), both with one
OpenMP thread, timed on the same images in one run.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pytesseract

from pipeline.read.crosscheck import agreement
from pipeline.image.intake import open_document, page_refs
from pipeline.ocr import LineReading, make_engine
from pipeline.ocr.tesseract import TesseractEngine
from pipeline.page import process_page
from pipeline.settings import Settings


class _Recorder:
    """RapidOCR, keeping every line image with its reading."""

    name = "recorder"

    def __init__(self) -> None:
        self.inner = make_engine("rapidocr")
        self.lines: list[tuple[np.ndarray, LineReading]] = []

    def read_lines(self, images):
        readings = self.inner.read_lines(images)
        self.lines.extend(zip(images, readings))
        return readings


def _one_per_process(image: np.ndarray) -> str:
    data = pytesseract.image_to_data(np.pad(image, 10, constant_values=255), lang="chi_sim+eng",
                                     config="--psm 7 --oem 1", output_type=pytesseract.Output.DICT)
    return "".join(w for w, c in zip(data["text"], data["conf"]) if str(w).strip() and float(c) >= 0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdf", type=Path, default=Path("samples/shanyin_commerce/shanyin_commerce_harsh.pdf"))
    parser.add_argument("--pages", default="1,20,23")
    parser.add_argument("--lines", type=int, default=150)
    args = parser.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    recorder = _Recorder()
    refs = page_refs(open_document(args.pdf))
    for page in (int(p) for p in args.pages.split(",")):
        process_page(refs[page - 1], Settings(cross_check=False), recorder)
    # Sure readings of real text (not orientation probes): RapidOCR as the reference.
    lines = [(image, r) for image, r in recorder.lines if len(r.text) >= 2 and r.confidence > 0.9][-args.lines:]
    start = time.perf_counter()
    batched = TesseractEngine().read_lines([image for image, _ in lines])
    batched_s = time.perf_counter() - start
    start = time.perf_counter()
    single = [_one_per_process(image) for image, _ in lines]
    single_s = time.perf_counter() - start
    print(f"{len(lines)} line images of {args.pdf.name} pages {args.pages}\n")
    print("| Tesseract | seconds | × batched | lines agreeing exactly with RapidOCR | mean agreement |")
    print("|---|---|---|---|---|")
    for name, texts, seconds in (("batched, --psm 6", [b.text for b in batched], batched_s),
                                 ("one process per line, --psm 7", single, single_s)):
        scores = [agreement(r.text, t) for (_, r), t in zip(lines, texts)]
        print(f"| {name} | {seconds:.1f} | {seconds / batched_s:.1f} | {sum(s == 1.0 for s in scores)}/{len(scores)} "
              f"| {np.mean(scores):.3f} |")


if __name__ == "__main__":
    main()
