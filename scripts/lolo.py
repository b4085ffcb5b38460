"""Leave-one-look-out: every look scored with a confidence model fitted without it.

    make looks                                                   # build/looks/<dept>/<dept>_<look>.pdf + truth
    .venv/bin/python scripts/lolo.py read build/looks samples    # OCR every page once (both cores)
    .venv/bin/python scripts/lolo.py matrix build/looks samples [--markdown]
    .venv/bin/yusuan eval build/lolo --samples build/looks --by-look   # the same figures from the records
    .venv/bin/python scripts/lolo.py matrix build/looks samples --write  # refit the shipped model

``read`` caches each PDF's pages (``<cache>/<stem>.pages.pickle``, the layout of
scripts/cache_pages.py), so the matrix costs seconds once the pages are read.
``matrix`` drafts every document, fits the model once per look on the documents of the
*other* looks (every department), emits that look's facts with it into
``<out>/records.jsonl`` and prints the matrix of evaluation.looks.  A document's look is the
``look`` of the ``.look.json`` beside its PDF; the samples' own mild and harsh scans (one look at
two levels) are held out together as "samples-scan", so neither is fitted on while the other is
scored, and their born-digital PDFs (read from the text layer) as "samples-digital".
``--write`` fits on every document of the looks folder only and stores the weights as the
shipped model: the samples' own scans stay unseen, their figures an out-of-look check.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from _pagecache import load_pages
from evaluation.evaluate import match_facts, read_jsonl
from evaluation.looks import format_matrix, score_by_look
from models import Fact, PageResult
from pipeline.check.catalog import load_default
from pipeline.document import identified_drafts
from pipeline.interpret.facts import DraftFact
from pipeline.score.calibration import FEATURES, ConfidenceModel, features, fit, to_json
from pipeline.score.confidence import DocumentIdentity, finish
from pipeline.settings import Settings

_SAMPLES_SCAN = "samples-scan"
_SAMPLES_DIGITAL = "samples-digital"
_SAMPLES = (_SAMPLES_SCAN, _SAMPLES_DIGITAL)
_READERS: dict[str, object] = {}  # per worker process: the OCR engines, made once


@dataclass(frozen=True)
class _Source:
    pdf: Path
    truth: Path  # <stem>.records.jsonl
    look: str  # the look it is held out with


@dataclass(frozen=True)
class _Document:
    source: _Source
    identity: DocumentIdentity
    drafts: list[DraftFact]
    x: np.ndarray  # one row of features per draft
    y: np.ndarray  # 1.0 where the draft, emitted, matches a truth fact


def _sources(folders: list[Path]) -> list[_Source]:
    sources = []
    for folder in folders:
        for truth in sorted(folder.glob("*/truth/*.records.jsonl")):
            stem = truth.name.removesuffix(".records.jsonl")
            pdf = truth.parent.parent / f"{stem}.pdf"
            if not pdf.is_file():
                continue  # truth of a scan not built here (samplegen levels made on demand)
            described = pdf.with_suffix(".look.json")
            if described.is_file():
                look = json.loads(described.read_text())["look"]
            else:
                look = _SAMPLES_DIGITAL if stem.endswith("_digital") else _SAMPLES_SCAN
            sources.append(_Source(pdf=pdf, truth=truth, look=look))
    return sources


def _read_page(job: tuple[Path, int]) -> object:
    from pipeline.document import read_page
    from pipeline.engines import make_cross_check
    from pipeline.image.intake import open_document, page_refs
    from pipeline.ocr import make_engine

    pdf, index = job
    if not _READERS:
        settings = Settings()
        _READERS.update(settings=settings, engine=make_engine(settings.ocr_engine), cross=make_cross_check(settings))
    document = open_document(pdf)
    return read_page(page_refs(document)[index], _READERS["settings"], _READERS["engine"], _READERS["cross"])


def read(sources: list[_Source], cache: Path, workers: int) -> None:
    from pipeline.image.intake import open_document

    cache.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(workers) as pool:
        for source in sources:
            target = cache / f"{source.pdf.stem}.pages.pickle"
            if target.exists():
                continue
            document = open_document(source.pdf)
            outcomes = list(pool.map(_read_page, [(source.pdf, i) for i in range(document.page_count)]))
            target.write_bytes(pickle.dumps((document, outcomes)))
            print(target, flush=True)


def labelled_drafts(pages_file: Path, truth: Path, recompute_agreement: bool = False
                    ) -> tuple[DocumentIdentity, list[DraftFact], np.ndarray, np.ndarray]:
    """A cached document's drafts, their features and whether each is right (1.0) as ``yusuan eval``
    judges what would be emitted; shared with scripts/fit_confidence.py."""
    info, outcomes = load_pages(pages_file, recompute_agreement=recompute_agreement)
    pages = [o for o in outcomes if isinstance(o, PageResult)]
    _, drafts, who = identified_drafts(pages, Settings(), load_default())
    identity = DocumentIdentity(sha256=info.sha256, source=info.source, fiscal_year=who.fiscal_year,
                                department=who.department)
    neutral = [finish(d, identity, 0.0) for d in drafts]
    matched = {j for _, j in match_facts(read_jsonl(truth, Fact), neutral)}
    x = np.array([features(d) for d in drafts]).reshape(len(drafts), len(FEATURES))
    y = np.array([1.0 if j in matched else 0.0 for j in range(len(drafts))])
    return identity, drafts, x, y


def _document(source: _Source, cache: Path) -> _Document:
    identity, drafts, x, y = labelled_drafts(cache / f"{source.pdf.stem}.pages.pickle", source.truth)
    return _Document(source=source, identity=identity, drafts=drafts, x=x, y=y)


def _fit(documents: list[_Document], l2: float, note: str) -> ConfidenceModel:
    x = np.vstack([d.x for d in documents])
    y = np.concatenate([d.y for d in documents])
    weights = fit(x, y, l2=l2)
    failed_max = max(float(d.x[0, FEATURES.index("document_failed_share")]) if len(d.x) else 0.0 for d in documents)
    return ConfidenceModel(weights=tuple(float(w) for w in weights),
                           fitted_on=tuple(d.source.pdf.stem for d in documents), checked_on=(), note=note,
                           document_failed_max=round(failed_max, 4))


def _cached(sources: list[_Source], cache: Path) -> list[_Source]:
    missing = [s.pdf.stem for s in sources if not (cache / f"{s.pdf.stem}.pages.pickle").is_file()]
    if missing:
        print(f"left out, pages not read yet ({len(missing)}): {', '.join(missing)}", file=sys.stderr)
    return [s for s in sources if s.pdf.stem not in missing]


def matrix(sources: list[_Source], cache: Path, out: Path, l2: float, markdown: bool) -> float:
    """Print the matrix; return the accept threshold chosen on every look of make looks (for --write)."""
    documents = [_document(s, cache) for s in sources]
    by_look: dict[str, list[_Document]] = defaultdict(list)
    for document in documents:
        by_look[document.source.look].append(document)
    models = {look: _fit([d for d in documents if d.source.look != look], l2, f"leave-one-look-out without {look}")
              for look in by_look}
    # Each look's facts as its own model scores them (no threshold yet): what a threshold is chosen on.
    scored = {look: [_Scored(finish(draft, d.identity, 0.0, model=models[look]), bool(right))
                     for d in held for draft, right in zip(d.drafts, d.y)] for look, held in by_look.items()}
    facts: list[Fact] = []
    thresholds = {}
    for look, held_out in sorted(by_look.items()):
        # The threshold too is chosen without the look: on the other looks of make looks.
        thresholds[look] = accept_threshold([v for other, v in scored.items() if other != look and other not in _SAMPLES])
        facts += [finish(draft, d.identity, thresholds[look], model=models[look]) for d in held_out for draft in d.drafts]
    out.mkdir(parents=True, exist_ok=True)
    (out / "records.jsonl").write_text("".join(f.model_dump_json() + "\n" for f in facts), encoding="utf-8")
    print(format_matrix(score_by_look(facts, [s.truth for s in sources]), markdown=markdown))
    print(f"\n{len(documents)} documents; each look scored with a model fitted on the others' "
          f"({len(by_look) - 1} looks) and the accept threshold chosen on them (the lowest of "
          f"{_THRESHOLD_GRID[0]:g}, {_THRESHOLD_GRID[1]:g} … at which each of them accepts at least "
          f"{_TARGET_PRECISION:g} right and sends {_TARGET_WRONG_TO_REVIEW:g} of its wrong to review): " + ", ".join(f"{look} {t:g}" for look, t in sorted(thresholds.items()))
          + f"; records in {out / 'records.jsonl'}")
    return accept_threshold([v for look, v in scored.items() if look not in _SAMPLES])


@dataclass(frozen=True)
class _Scored:
    fact: Fact  # scored by a model fitted without its look, no threshold applied
    right: bool


# Issue 10's bars on looks the model never saw: right facts among the accepted, wrong facts sent to review.
_TARGET_PRECISION = 0.995
_TARGET_WRONG_TO_REVIEW = 0.9
_THRESHOLD_GRID = tuple(round(0.95 + 0.005 * i, 3) for i in range(10))  # 0.95 … 0.995


def accept_threshold(looks: list[list[_Scored]]) -> float:
    """The lowest threshold of _THRESHOLD_GRID at which every look accepts at least
    _TARGET_PRECISION right facts and sends at least _TARGET_WRONG_TO_REVIEW of its wrong ones to
    review (a look that accepts nothing, or has nothing wrong, passes); the highest if none does."""
    for threshold in _THRESHOLD_GRID:
        if all(_meets_bars(look, threshold) for look in looks):
            return threshold
    return _THRESHOLD_GRID[-1]


def _meets_bars(look: list[_Scored], threshold: float) -> bool:
    accepted = [s.right for s in look if s.fact.status == "accepted" and s.fact.confidence >= threshold]
    if accepted and sum(accepted) / len(accepted) < _TARGET_PRECISION:
        return False
    wrong = sum(1 for s in look if not s.right)
    wrong_accepted = len(accepted) - sum(accepted)
    return not wrong or (wrong - wrong_accepted) / wrong >= _TARGET_WRONG_TO_REVIEW


def write_shipped(sources: list[_Source], cache: Path, l2: float, threshold: float) -> None:
    # The samples' born-digital PDFs are the only documents read from a text layer: fitted on, so
    # the model knows such a reading; their scans stay unseen, the figures of make demo.
    fitted = [_document(s, cache) for s in sources if s.look != _SAMPLES_SCAN]
    checked = [s.pdf.stem for s in sources if s.look == _SAMPLES_SCAN]
    model = _fit(fitted, l2, f"scripts/lolo.py --write: every look of make looks and the samples' born-digital "
                             f"PDFs, none of the samples' scans; correctness as in yusuan eval; l2={l2:g}; accept_threshold chosen on "
                             f"the leave-one-look-out scores of those looks for {_TARGET_PRECISION:g} accepted precision and "
                             f"{_TARGET_WRONG_TO_REVIEW:g} of wrong facts sent to review")
    model = replace(model, checked_on=tuple(checked), accept_threshold=threshold)
    Path("pipeline/data/confidence_model.json").write_text(to_json(model) + "\n", encoding="utf-8")
    print("weights:", ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, model.weights)))
    print(f"wrote pipeline/data/confidence_model.json (accept_threshold {threshold:g}: set it as "
          f"pipeline.settings.DEFAULT_ACCEPT_THRESHOLD too; a test holds the two equal)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("step", choices=("read", "matrix"))
    parser.add_argument("folders", nargs="+", type=Path, help="folders of <dept>/<stem>.pdf with <dept>/truth/")
    parser.add_argument("--cache", type=Path, default=Path("build/lolo/pages"))
    parser.add_argument("--out", type=Path, default=Path("build/lolo"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--write", action="store_true", help="also refit the shipped model (see above)")
    args = parser.parse_args()
    sources = _sources(args.folders)
    if not sources:
        sys.exit(f"no PDFs with truth under {', '.join(map(str, args.folders))}")
    if args.step == "read":
        read(sources, args.cache, args.workers)
        return
    sources = _cached(sources, args.cache)
    threshold = matrix(sources, args.cache, args.out, args.l2, args.markdown)
    if args.write:
        write_shipped(sources, args.cache, args.l2, threshold)


if __name__ == "__main__":
    main()
