"""Ingest throughput in one process and on 1 and 2 Dask workers, and the cost of a no-op re-ingest.

    .venv/bin/python scripts/bench_scaleout.py [--pdf samples/shanyin_commerce/shanyin_commerce_mild.pdf]
                                               [--docs 4] [--pages-per-doc 3] [--json out/bench_scaleout.json]

The first DOCS x PAGES_PER_DOC pages of the sample are split into DOCS PDFs.  One real
``prefect server start`` on 127.0.0.1 serves every run; each configuration is one
``yusuan ingest`` subprocess with its own PREFECT_HOME (no page cache shared), timed from
start to exit (process start, Prefect, Dask cluster start and worker model loading included,
as a user would see it).  Then the batch is ingested into a database and ingested again:
the second run reads nothing (every document is already stored) and its time per document
is the no-op re-ingest cost.  Everything started here is stopped here.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "flows"))

from _procs import prefect_env, run_yusuan, start_prefect_server, stop  # noqa: E402


def split_pdf(pdf: Path, folder: Path, docs: int, pages_per_doc: int) -> list[Path]:
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(str(pdf))
    if len(source) < docs * pages_per_doc:
        raise SystemExit(f"{pdf} has {len(source)} pages, fewer than {docs} x {pages_per_doc}")
    paths = []
    for d in range(docs):
        out = pdfium.PdfDocument.new()
        out.import_pages(source, list(range(d * pages_per_doc, (d + 1) * pages_per_doc)))
        path = folder / f"{pdf.stem}_part{d + 1}.pdf"
        out.save(str(path))
        paths.append(path)
    return paths


def timed_ingest(name: str, inputs: list[Path], api: str, work: Path, extra: list[str]) -> float:
    env = prefect_env(work / f"home_{name}", api)
    args = ["ingest", *map(str, inputs), "--out", str(work / f"out_{name}"), "--data-dir", str(work / f"data_{name}"),
            *extra]
    log = work / f"{name}.log"
    start = time.perf_counter()
    status = run_yusuan(args, env, log, timeout=1800)
    seconds = time.perf_counter() - start
    if status not in (0, 1):
        raise SystemExit(f"{name}: exit {status}\n{log.read_text(errors='replace')[-3000:]}")
    return seconds


def noop_check_ms(inputs: list[Path], data_dir: Path, repeat: int = 5) -> float:
    """What a stored document costs before it is skipped: intake (with its sha256) and one query."""
    from pipeline import PIPELINE_VERSION
    from pipeline.image.intake import open_document
    from pipeline.output.store import default_url, open_store

    with open_store(default_url(data_dir)) as store:
        start = time.perf_counter()
        for _ in range(repeat):
            for path in inputs:
                assert store.has_document(open_document(path).sha256, PIPELINE_VERSION)
        return round(1000 * (time.perf_counter() - start) / (repeat * len(inputs)), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdf", type=Path, default=ROOT / "samples/shanyin_commerce/shanyin_commerce_mild.pdf")
    parser.add_argument("--docs", type=int, default=4)
    parser.add_argument("--pages-per-doc", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--noop-only", action="store_true", help="Skip the throughput runs.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="yusuan-bench-") as tmp:
        work = Path(tmp)
        inputs = split_pdf(args.pdf, work, args.docs, args.pages_per_doc)
        pages = args.docs * args.pages_per_doc
        server, api = start_prefect_server(work / "server_home", work / "server.log")
        results: dict[str, object] = {"pdf": str(args.pdf.relative_to(ROOT) if args.pdf.is_relative_to(ROOT) else args.pdf),
                                      "documents": args.docs, "pages": pages}
        try:
            configs = (("in_process", ["--no-db"]), ("dask_1", ["--no-db", "--dask", "local:1"]),
                       ("dask_2", ["--no-db", "--dask", "local:2"]))
            for name, extra in configs if not args.noop_only else ():
                seconds = timed_ingest(name, inputs, api, work, extra)
                results[name] = {"seconds": round(seconds, 1), "pages_per_minute": round(60 * pages / seconds, 1)}
                print(f"{name:>10}: {seconds:6.1f} s  {60 * pages / seconds:5.1f} pages/min", flush=True)
            for name in ("first", "noop"):  # same data dir and PREFECT_HOME: the second run is the no-op
                seconds = timed_ingest(name, inputs, api, work, ["--data-dir", str(work / "data_db")])
                results[f"db_{name}"] = {"seconds": round(seconds, 1)}
            one = timed_ingest("noop_one", inputs[:1], api, work, ["--data-dir", str(work / "data_db")])
            noop = results["db_noop"]["seconds"]  # type: ignore[index]
            results["db_noop_one_document"] = {"seconds": round(one, 1)}
            results["noop_per_document_s"] = round(noop / args.docs, 2)
            results["noop_marginal_per_document_s"] = round((noop - one) / max(1, args.docs - 1), 3)
            print(f"  no-op re-ingest: {noop:.1f} s for {args.docs} documents, {one:.1f} s for one "
                  f"(marginal {(noop - one) / max(1, args.docs - 1):.3f} s per document)")
            results["noop_check_in_process_ms"] = noop_check_ms(inputs, work / "data_db")
            print(f"  no-op check in process (intake + sha256 + has_document): "
                  f"{results['noop_check_in_process_ms']} ms per document")
        finally:
            stop(server)
    text = json.dumps(results, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
