"""Build every sample of ``samples/spec/*.json``: digital, mild and harsh PDFs with their truth.

Layout per spec ``<name>``::

    samples/<name>/<name>_digital.pdf
    samples/<name>/<name>_mild.pdf
    samples/<name>/<name>_harsh.pdf
    samples/<name>/truth/<name>_<variant>.records.jsonl
    samples/<name>/truth/<name>_<variant>.tables.jsonl

A look (``samplegen.looks``) is built the same way as ``<name>_<look>.pdf`` with its truth, and
a sidecar ``<name>_<look>.look.json`` naming the look and its axis values.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from samplegen.captures import PageInk, capture_document
from samplegen.looks import Look, print_spec
from samplegen.render import DEFAULT_FONT_PATH, RenderResult, render
from samplegen.scan import DEFAULT_LEVELS, LEVELS, ScanLevel, page_turns, scan
from samplegen.spec import DocumentSpec
from samplegen.truth import Target, derive_facts, derive_tables, identity_map


@dataclass(frozen=True, slots=True)
class BuiltFile:
    path: Path
    sha256: str
    pages: int
    size: int
    facts: int
    tables: int

    def summary(self) -> str:
        return (
            f"{self.path}  pages={self.pages}  size={self.size / 1024:.0f} KB  "
            f"facts={self.facts}  table_pages={self.tables}  sha256={self.sha256[:12]}"
        )


def load_spec(path: Path) -> DocumentSpec:
    return DocumentSpec.model_validate_json(path.read_text(encoding="utf-8"))


def scan_seed(name: str, level: ScanLevel) -> int:
    # crc32, not hash(): Python's str hash is salted per process and would break determinism.
    return zlib.crc32(f"{name}/{level.name}".encode())


def write_variant(
    spec: DocumentSpec, result: RenderResult, out_dir: Path, variant: str, pdf: bytes, target_map=identity_map
) -> BuiltFile:
    path = out_dir / f"{spec.name}_{variant}.pdf"
    path.write_bytes(pdf)
    sha = hashlib.sha256(pdf).hexdigest()
    target = Target(document=sha, source=path.name, bbox_map=target_map)
    facts = derive_facts(spec, result, target)
    tables = derive_tables(spec, result, target)
    truth = out_dir / "truth"
    truth.mkdir(exist_ok=True)
    _write_jsonl(truth / f"{path.stem}.records.jsonl", (f.model_dump_json() for f in facts))
    _write_jsonl(truth / f"{path.stem}.tables.jsonl", (t.model_dump_json() for t in tables))
    return BuiltFile(path, sha, result.page_count, len(pdf), len(facts), len(tables))


def _write_jsonl(path: Path, lines: Iterable[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def build_spec(spec: DocumentSpec, out_root: Path,
               levels: Sequence[ScanLevel] = tuple(LEVELS[name] for name in DEFAULT_LEVELS),
               font_path: Path = DEFAULT_FONT_PATH) -> list[BuiltFile]:
    out_dir = out_root / spec.name
    out_dir.mkdir(parents=True, exist_ok=True)
    result = render(spec, font_path)
    built = [write_variant(spec, result, out_dir, "digital", result.pdf)]
    page_cells: dict[int, list] = {}
    for tp in result.table_pages:
        page_cells.setdefault(tp.page, []).extend(c.bbox for c in tp.cells)
    first_pages = [result.first_page_of(i) for i in range(len(spec.tables))]
    for level in levels:
        turns = page_turns(level, result.page_count, first_pages)
        scanned = scan(result.pdf, level, scan_seed(spec.name, level), page_cells, turns)
        built.append(write_variant(spec, result, out_dir, level.name, scanned.pdf, scanned.map_bbox))
    return built


def page_inks(spec: DocumentSpec, result: RenderResult, turns: dict[int, int],
              sealed: set[int]) -> list[PageInk]:
    """What the capture needs to know of each page: its cells and table region, its turn, its seal."""
    cells: dict[int, list] = {}
    regions: dict[int, tuple] = {}
    for tp in result.table_pages:
        cells.setdefault(tp.page, []).extend(c.bbox for c in tp.cells)
        regions.setdefault(tp.page, tp.bbox)
    seal_text = spec.department.removesuffix("（部门）")
    return [
        PageInk(p, tuple(cells.get(p, ())), regions.get(p), turns.get(p, 0), p in sealed, seal_text)
        for p in range(1, result.page_count + 1)
    ]


def sealed_pages(result: RenderResult, share: float, rng: np.random.Generator) -> set[int]:
    """Table pages stamped with a seal: each with chance ``share``, at least one when ``share`` > 0."""
    if share <= 0:
        return set()
    pages = sorted({tp.page for tp in result.table_pages})
    chosen = {p for p in pages if rng.random() < share}
    return chosen or {pages[int(rng.integers(0, len(pages)))]}


def look_seed(spec: DocumentSpec, look: Look) -> list[int]:
    # crc32, not hash(): Python's str hash is salted per process and would break determinism.
    return [look.seed, zlib.crc32(spec.name.encode())]


def build_look(spec: DocumentSpec, look: Look, out_root: Path) -> BuiltFile:
    """``<name>_<look>.pdf``: the spec printed and captured as the look says, with its truth and sidecar."""
    out_dir = out_root / spec.name
    out_dir.mkdir(parents=True, exist_ok=True)
    printed = print_spec(spec, look)
    result = render(printed, style=look.layout.style, typeface=look.typeface)
    rng = np.random.default_rng(look_seed(spec, look))
    first_pages = [result.first_page_of(i) for i in range(len(printed.tables))]
    turns = page_turns(look.level, result.page_count, first_pages)
    sealed = sealed_pages(result, look.capture.seal_share, rng)
    inks = page_inks(spec, result, turns, sealed)
    captured = capture_document(result.pdf, look.capture, look.level, rng, inks)
    built = write_variant(printed, result, out_dir, look.name, captured.pdf, captured.map_bbox)
    sidecar = {
        **look.axes(), "spec": spec.name, "file": built.path.name, "sha256": built.sha256,
        "turned_pages": {str(p): d for p, d in sorted(turns.items())}, "sealed_pages": sorted(sealed),
    }
    (out_dir / f"{spec.name}_{look.name}.look.json").write_text(
        json.dumps(sidecar, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return built
