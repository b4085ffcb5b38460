"""Scores grouped by look: one row per way of printing and capturing, the documents of every
department in that look scored together.

A truth file ``<folder>/<department>/truth/<department>_<look>.records.jsonl`` names its look:
what follows the department's folder name (``mild`` and ``harsh`` for the samples' own scans,
``song-excel-photocopy`` … for ``make looks``).  The matrix is what ``yusuan eval --by-look``
prints and what ``scripts/lolo.py`` fills with confidences from models fitted without each look.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from models import Fact
from evaluation.evaluate import EvalReport, read_jsonl, score, source_name

_RECORDS_SUFFIX = ".records.jsonl"


def look_of(truth_path: Path) -> str:
    """The look a truth file is for: its stem after the department folder's name."""
    stem = truth_path.name.removesuffix(_RECORDS_SUFFIX)
    department = truth_path.parent.parent.name
    return stem.removeprefix(department + "_") if stem.startswith(department + "_") else stem


@dataclass(frozen=True, slots=True)
class LookScore:
    look: str
    documents: int
    report: EvalReport


def score_by_look(emitted: Sequence[Fact], truth_paths: Sequence[Path]) -> list[LookScore]:
    """Each look's documents scored together (facts of sources without truth are left out)."""
    paths_by_look: dict[str, list[Path]] = defaultdict(list)
    for path in truth_paths:
        paths_by_look[look_of(path)].append(path)
    emitted_by_stem: dict[str, list[Fact]] = defaultdict(list)
    for fact in emitted:
        emitted_by_stem[Path(source_name(fact.source)).stem].append(fact)
    scores = []
    for look, paths in sorted(paths_by_look.items()):
        stems = [p.name.removesuffix(_RECORDS_SUFFIX) for p in paths]
        truth = [f for p in paths for f in read_jsonl(p, Fact)]
        facts = [f for stem in stems for f in emitted_by_stem.get(stem, [])]
        scores.append(LookScore(look=look, documents=len(paths), report=score(facts, truth, truth_stems=stems)))
    return scores


def _figure(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


MATRIX_HEADER = ("look", "docs", "fact P", "fact R", "accepted P", "wrong → review", "review rate", "ECE")


def matrix_rows(scores: Sequence[LookScore]) -> list[tuple[str, ...]]:
    rows = []
    for s in scores:
        facts, review = s.report.facts, s.report.review
        rows.append((
            s.look, str(s.documents), _figure(facts.precision), _figure(facts.recall),
            f"{_figure(review.accepted_precision, 4)} ({review.n_accepted - review.n_accepted_matched} wrong)",
            f"{_figure(review.wrong_to_review)} ({review.n_wrong_needs_review}/{review.n_wrong})",
            _figure(review.review_rate), _figure(s.report.calibration.ece),
        ))
    return rows


def format_matrix(scores: Sequence[LookScore], markdown: bool = False) -> str:
    rows = [MATRIX_HEADER, *matrix_rows(scores)]
    if markdown:
        lines = ["| " + " | ".join(r) + " |" for r in rows]
        lines.insert(1, "|" + "---|" * len(MATRIX_HEADER))
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in rows) for i in range(len(MATRIX_HEADER))]
    return "\n".join("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in
                               enumerate(zip(r, widths))) for r in rows)
