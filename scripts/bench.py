"""``make bench``: yusuan and the tools a user would pick instead, whole processes, same pages, one run.

    .venv/bin/python scripts/bench.py [--pages N] [--tools yusuan,ocrmypdf+camelot,img2table,camelot]
                                      [--scans A.pdf,B.pdf] [--digital C.pdf,D.pdf] [--long 200]

Scans (default: the four sample scans, mild and harsh): ``yusuan ingest`` (default settings, an
empty data folder, so Prefect's and the engines' start-up are counted), OCRmyPDF (``-l
chi_sim+eng``, its defaults otherwise: ``--deskew --rotate-pages`` would help camelot on the harsh
scans but doubled OCRmyPDF's time on three harsh pages, 18 s against 8 s) then camelot lattice on
its output, and img2table with Tesseract.  Born-digital files (default: both departments' ``*_digital.pdf``): ``yusuan ingest``
and camelot lattice alone.  The peers run in .venv-bench (scripts/setup_bench.sh).

Each row is one process (or OCRmyPDF's chain of them) timed from start to exit, with the peak
resident memory of its whole process tree (RSS, which counts a page shared by forked workers
once per process, and PSS, which splits it among them) and the CPU time of all its processes (psutil,
sampled every ``_SAMPLE_S``; on a machine shared with other work compare CPU time, not wall).  Numeric cells
are scored against the samples' truth grids per page: every table cell whose whole text is a
number (NFKC, thousands commas and spaces dropped) counts, and a truth and a read cell match when
they are on the same page with the same value (each used once): precision = matched / numbers
read, recall = matched / truth numbers.  Position within the table is not compared (the peers'
grids do not index rows like the truth), so these figures bound, not equal, fact accuracy: that
is `yusuan eval`'s job.  ``--pages N`` takes the first N pages of each file (a quick run);
``--long N`` adds one yusuan run over an N-page scan (the harsh scans' pages repeated) for its
peak memory.  ``--one-page RUNS`` adds a table of 1-page runs (see :func:`one_page_table`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pikepdf
import psutil

ROOT = Path(__file__).resolve().parent.parent
YUSUAN = ROOT / ".venv" / "bin" / "yusuan"
PEER_PYTHON = ROOT / ".venv-bench" / "bin" / "python"
OCRMYPDF = ROOT / ".venv-bench" / "bin" / "ocrmypdf"
PEERS = ROOT / "scripts" / "bench_peers.py"
_SAMPLE_S = 0.02  # how often the process tree's resident memory and CPU time are read, seconds
# PSS needs each process's whole memory map read (/proc/PID/smaps), which costs the measured run CPU
# when done every 20 ms on a tree of six processes: read every tenth sample only.
_PSS_EVERY = 10
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


@dataclass(frozen=True, slots=True)
class Measured:
    seconds: float
    peak_rss: int  # bytes: the largest sum of resident memory over the process tree at one sample
    cpu_seconds: float = 0.0  # user + system time of every process of the tree, as last sampled
    peak_pss: int = 0  # bytes: as peak_rss, each page shared by forked processes counted once in all
    failed: str | None = None  # why the run did not finish cleanly


@dataclass(frozen=True, slots=True)
class Scored:
    read: int  # numeric cells the tool produced
    truth: int  # numeric cells in the truth grids of those pages
    matched: int


def run_measured(command: list[str], log: Path, ok_codes: Iterable[int] = (0,)) -> Measured:
    """One command, timed start to exit, its process tree's peak resident memory sampled."""
    start = time.perf_counter()
    peak = peak_pss = 0
    cpu: dict[int, float] = {}  # pid -> its user + system seconds when last seen
    with log.open("ab") as handle:
        process = psutil.Popen(command, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT)
        samples = 0
        while process.poll() is None:
            rss, pss = _sample_tree(process, cpu, with_pss=samples % _PSS_EVERY == 0)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            samples += 1
            time.sleep(_SAMPLE_S)
    seconds = time.perf_counter() - start
    failed = None if process.returncode in tuple(ok_codes) else f"exit {process.returncode} (see {log})"
    return Measured(seconds=seconds, peak_rss=peak, cpu_seconds=sum(cpu.values()), peak_pss=peak_pss, failed=failed)


def _sample_tree(process: psutil.Process, cpu: dict[int, float], with_pss: bool = True) -> tuple[int, int]:
    """The tree's resident memory now, as RSS and (``with_pss``, else 0) as PSS; each member's CPU time
    so far goes into ``cpu``.

    CPU time is the figure to compare on a machine shared with other work (wall time is not)."""
    total = proportional = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0, 0
    for member in members:
        try:
            with member.oneshot():
                memory = member.memory_full_info() if with_pss else member.memory_info()
                total += memory.rss
                proportional += memory.pss if with_pss else 0
                times = member.cpu_times()
                cpu[member.pid] = times.user + times.system
        except psutil.Error:  # ended between listing and reading
            pass
    return total, proportional


def chained(*runs: Measured) -> Measured:
    """Processes run one after another: times add, the peak is the largest one."""
    failed = next((r.failed for r in runs if r.failed), None)
    return Measured(seconds=sum(r.seconds for r in runs), peak_rss=max(r.peak_rss for r in runs),
                    cpu_seconds=sum(r.cpu_seconds for r in runs), peak_pss=max(r.peak_pss for r in runs),
                    failed=failed)


def number_key(text: str) -> Decimal | None:
    """The value of a cell whose whole text is a number, else None."""
    key = unicodedata.normalize("NFKC", text)
    key = "".join(key.split()).replace(",", "")
    if not _NUMBER.match(key):
        return None
    try:
        return Decimal(key)
    except InvalidOperation:
        return None


def numbers_by_page(tables: Iterable[dict]) -> dict[tuple[str, int], Counter]:
    """(source, page) -> how often each number stands in a cell of that page's tables."""
    out: dict[tuple[str, int], Counter] = {}
    for table in tables:
        counter = out.setdefault((table["source"], int(table["page"])), Counter())
        for text in table["cells"]:
            value = number_key(text)
            if value is not None:
                counter[value.normalize()] += 1
    return out


def score(read: dict[tuple[str, int], Counter], truth: dict[tuple[str, int], Counter]) -> Scored:
    matched = sum(sum((read.get(page, Counter()) & counts).values()) for page, counts in truth.items())
    return Scored(read=sum(sum(c.values()) for c in read.values()),
                  truth=sum(sum(c.values()) for c in truth.values()), matched=matched)


def truth_tables(pdf: Path, pages: int) -> list[dict]:
    """The truth grids of a sample file's first ``pages`` pages, as the tools' rows are."""
    path = _sample_dir(pdf) / "truth" / f"{pdf.stem}.tables.jsonl"
    tables = []
    for line in path.read_text(encoding="utf-8").splitlines():
        table = json.loads(line)
        if table["page"] <= pages:
            tables.append({"source": pdf.name, "page": table["page"], "cells": [c["text"] for c in table["cells"]]})
    return tables


def _sample_dir(pdf: Path) -> Path:
    """Where a (possibly cut-down) input's truth lives: the sample it was cut from."""
    return ROOT / "samples" / pdf.stem.rsplit("_", 1)[0]


def yusuan_tables(out: Path) -> list[dict]:
    path = out / "tables.jsonl"
    if not path.exists():
        return []
    return [{"source": t["source"], "page": t["page"], "cells": [c["text"] for c in t["cells"]]}
            for t in map(json.loads, path.read_text(encoding="utf-8").splitlines())]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def first_pages(pdfs: list[Path], pages: int | None, into: Path) -> tuple[list[Path], int]:
    """The inputs cut to their first ``pages`` pages (same file names, in ``into``), and the page total."""
    out, total = [], 0
    for pdf in pdfs:
        with pikepdf.open(pdf) as source:
            count = len(source.pages) if pages is None else min(pages, len(source.pages))
            total += count
            if count == len(source.pages):
                out.append(pdf)
                continue
            cut = pikepdf.new()
            cut.pages.extend(source.pages[:count])
            into.mkdir(parents=True, exist_ok=True)
            cut.save(into / pdf.name)
            out.append(into / pdf.name)
    return out, total


def long_scan(pdfs: list[Path], pages: int, into: Path) -> Path:
    """One ``pages``-page scan made of the given scans' pages, repeated in order."""
    document = pikepdf.new()
    sources = [pikepdf.open(p) for p in pdfs]
    all_pages = [page for source in sources for page in source.pages]
    while len(document.pages) < pages:
        document.pages.append(all_pages[len(document.pages) % len(all_pages)])
    into.mkdir(parents=True, exist_ok=True)
    target = into / f"long_{pages}.pdf"
    document.save(target)
    for source in sources:
        source.close()
    return target


def run_yusuan(pdfs: list[Path], work: Path, log: Path, extra: tuple[str, ...] = ()) -> tuple[Measured, list[dict]]:
    out, data = work / "out", work / "data"
    # Exit 1 means some input was rejected: still a finished run whose rows count.
    measured = run_measured([str(YUSUAN), "ingest", *map(str, pdfs), "--out", str(out), "--data-dir", str(data),
                             *extra], log, ok_codes=(0, 1))
    return measured, yusuan_tables(out)


def run_ocrmypdf_camelot(pdfs: list[Path], work: Path, log: Path) -> tuple[Measured, list[dict]]:
    ocred = work / "ocr"
    ocred.mkdir(parents=True, exist_ok=True)
    runs = [run_measured([str(OCRMYPDF), "-q", "-l", "chi_sim+eng", "--output-type", "pdf", str(pdf),
                          str(ocred / pdf.name)], log) for pdf in pdfs]
    tables = work / "camelot.jsonl"
    runs.append(run_measured([str(PEER_PYTHON), str(PEERS), "camelot", str(tables),
                              *(str(ocred / pdf.name) for pdf in pdfs)], log))
    return chained(*runs), read_jsonl(tables)


def one_page_copies(pdf: Path, page: int, runs: int, into: Path) -> list[Path]:
    """``runs`` one-page PDFs of ``pdf``'s ``page`` (1-based), each with bytes of its own (a title
    naming the run), so that no run finds the page already read or stored."""
    into.mkdir(parents=True, exist_ok=True)
    copies = []
    with pikepdf.open(pdf) as source:
        for run in range(runs):
            one = pikepdf.new()
            one.pages.append(source.pages[page - 1])
            with one.open_metadata() as meta:
                meta["dc:title"] = f"{pdf.stem} page {page}, run {run}"
            target = into / f"{pdf.stem}_p{page}_run{run}.pdf"
            one.save(target)
            copies.append(target)
    return copies


def _spread(values: list[float]) -> str:
    ordered = sorted(values)
    return f"{ordered[len(ordered) // 2]:.1f} ({ordered[0]:.1f}–{ordered[-1]:.1f})"


def one_page_table(inputs: list[str], runs: int, work: Path, log: Path, with_camelot: bool) -> str:
    """1-page runs, whole processes, ``runs`` of each: yusuan with the data folder of an earlier run
    (warm: Prefect's database made, as for any user after the first run) and with a new data folder
    each time (Prefect's database copied from the template in the user's cache, which the warm-up
    run made if it was missing), and camelot alone on the born-digital page.  Median (min–max)."""
    lines = ["| tool | input | data folder | runs | seconds, median (min–max) | CPU s, median (min–max) | peak RSS (MB) "
             "| peak PSS (MB) |", "|---|---|---|---|---|---|---|---|"]
    for spec in inputs:
        name, page = spec.rsplit(":", 1)
        pdf = ROOT / name
        copies = one_page_copies(pdf, int(page), 2 * runs + 1, work / "input-one-page")
        warm = work / "one-page-warm"
        run_yusuan([copies[0]], warm, log)  # the warm-up: makes the data folder (and the template)
        timed = {"warm": [run_yusuan([copy], warm, log)[0] for copy in copies[1:runs + 1]], "new": []}
        for copy in copies[runs + 1:]:
            with tempfile.TemporaryDirectory(dir=work) as fresh:
                timed["new"].append(run_yusuan([copy], Path(fresh), log)[0])
        for folder, measured in timed.items():
            lines.append(f"| yusuan ingest | {pdf.stem} page {page} | {folder} | {len(measured)} | "
                         f"{_spread([m.seconds for m in measured])} | {_spread([m.cpu_seconds for m in measured])} | "
                         f"{max(m.peak_rss for m in measured) / 2**20:.0f} | {max(m.peak_pss for m in measured) / 2**20:.0f} |")
        if with_camelot and "digital" in pdf.stem:
            measured = []
            for copy in copies[1:runs + 1]:
                measured.append(run_peer("camelot", [copy], work, log)[0])
            lines.append(f"| camelot lattice | {pdf.stem} page {page} | – | {len(measured)} | "
                         f"{_spread([m.seconds for m in measured])} | {_spread([m.cpu_seconds for m in measured])} | "
                         f"{max(m.peak_rss for m in measured) / 2**20:.0f} | {max(m.peak_pss for m in measured) / 2**20:.0f} |")
    return "\n".join(lines)


def run_peer(tool: str, pdfs: list[Path], work: Path, log: Path) -> tuple[Measured, list[dict]]:
    tables = work / f"{tool}.jsonl"
    measured = run_measured([str(PEER_PYTHON), str(PEERS), tool, str(tables), *map(str, pdfs)], log)
    return measured, read_jsonl(tables)


@dataclass(frozen=True, slots=True)
class Row:
    what: str
    inputs: str
    pages: int
    measured: Measured
    scored: Scored | None


def format_rows(rows: list[Row]) -> str:
    yusuan_seconds = {r.inputs: r.measured.seconds for r in rows if r.what.startswith("yusuan") and not r.measured.failed}
    yusuan_cpu = {r.inputs: r.measured.cpu_seconds for r in rows if r.what.startswith("yusuan") and not r.measured.failed}
    lines = ["| tool | inputs | pages | seconds | pages/min | its time ÷ yusuan's | CPU s | its CPU ÷ yusuan's "
             "| peak RSS (MB) | peak PSS (MB) | numeric P | numeric R |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        m = row.measured
        if m.failed:
            lines.append(f"| {row.what} | {row.inputs} | {row.pages} | failed: {m.failed} | | | | | | | | |")
            continue
        base = yusuan_seconds.get(row.inputs)
        ratio = f"{m.seconds / base:.2f}" if base else ""
        p = r = ""
        if row.scored is not None:
            s = row.scored
            p = f"{s.matched / s.read:.3f} ({s.matched}/{s.read})" if s.read else "– (0 read)"
            r = f"{s.matched / s.truth:.3f} ({s.matched}/{s.truth})" if s.truth else ""
        base_cpu = yusuan_cpu.get(row.inputs)
        cpu_ratio = f"{m.cpu_seconds / base_cpu:.2f}" if base_cpu else ""
        lines.append(f"| {row.what} | {row.inputs} | {row.pages} | {m.seconds:.1f} | {60 * row.pages / m.seconds:.1f} "
                     f"| {ratio} | {m.cpu_seconds:.0f} | {cpu_ratio} | {m.peak_rss / 2**20:.0f} | {m.peak_pss / 2**20:.0f} | {p} | {r} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scans", default=",".join(f"samples/{name}/{name}_{level}.pdf" for level in ("mild", "harsh")
                                                    for name in ("shanyin_commerce", "yanggao_education")))
    parser.add_argument("--digital", default="samples/shanyin_commerce/shanyin_commerce_digital.pdf,"
                                             "samples/yanggao_education/yanggao_education_digital.pdf")
    parser.add_argument("--tools", default="yusuan,ocrmypdf+camelot,img2table,camelot",
                        help="yusuan and camelot run on the born-digital files, all but camelot on the scans")
    parser.add_argument("--pages", type=int, default=None, help="only the first N pages of each file")
    parser.add_argument("--long", type=int, default=0, help="also one yusuan run over an N-page scan (memory)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--one-page", type=int, default=0, metavar="RUNS",
                        help="also time 1-page runs, RUNS of each (median, min, max): warm and new data folders")
    parser.add_argument("--one-page-inputs", default="samples/shanyin_commerce/shanyin_commerce_digital.pdf:3,"
                                                     "samples/shanyin_commerce/shanyin_commerce_mild.pdf:3",
                        help="FILE:PAGE of each 1-page input")
    args = parser.parse_args()
    tools = args.tools.split(",")
    args.work.mkdir(parents=True, exist_ok=True)
    log = args.work / "bench.log"
    log.write_text("", encoding="utf-8")
    rows: list[Row] = []
    for kind, names in (("scans", args.scans), ("born-digital", args.digital)):
        if not names:
            continue
        pdfs, pages = first_pages([ROOT / n for n in names.split(",")], args.pages, args.work / f"input-{kind}")
        truth = numbers_by_page(t for pdf in pdfs for t in truth_tables(pdf, args.pages or 10**6))
        inputs = f"{kind} ({', '.join(p.stem for p in pdfs)})"
        runs = {"yusuan": lambda w: run_yusuan(pdfs, w, log)}
        if kind == "scans":
            runs["ocrmypdf+camelot"] = lambda w: run_ocrmypdf_camelot(pdfs, w, log)
            runs["img2table"] = lambda w: run_peer("img2table", pdfs, w, log)
        else:
            runs["camelot"] = lambda w: run_peer("camelot", pdfs, w, log)
        for tool, run in runs.items():
            if tool not in tools:
                continue
            with tempfile.TemporaryDirectory(dir=args.work) as work:
                measured, tables = run(Path(work))
            name = {"yusuan": "yusuan ingest", "ocrmypdf+camelot": "OCRmyPDF, then camelot lattice",
                    "img2table": "img2table + Tesseract", "camelot": "camelot lattice"}[tool]
            rows.append(Row(name, inputs, pages, measured, score(numbers_by_page(tables), truth)))
            print(f"{name} on {inputs}: {measured.seconds:.1f} s", file=sys.stderr, flush=True)
    if args.one_page:
        print(one_page_table(args.one_page_inputs.split(","), args.one_page, args.work, log, "camelot" in tools))
        print()
    if args.long:
        pdf = long_scan([ROOT / n for n in args.scans.split(",")], args.long, args.work / "input-long")
        with tempfile.TemporaryDirectory(dir=args.work) as work:
            measured, _ = run_yusuan([pdf], Path(work), log)
        rows.append(Row("yusuan ingest", f"one {args.long}-page scan", args.long, measured, None))
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end; whole processes, "
          "cold start included; one run each\n")
    print(format_rows(rows))


if __name__ == "__main__":
    main()
