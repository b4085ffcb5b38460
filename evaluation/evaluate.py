"""Score emitted records and tables against hand-made truth.

Implements "How accuracy is measured" of RECORDS.md.  A truth fact and an
emitted fact match when ``table``, the row key (``code`` where the truth has
one, else the first of ``labels``), ``column`` and the value (numerically for
``kind == "number"``, by comparison key otherwise) agree.  Each truth fact
matches at most one emitted fact and vice versa (a maximum bipartite
matching, so duplicates count once and the result does not depend on order).

Facts are scored per source file; emitted sources without truth are listed
and skipped.  Tables are paired by (source, page, table kind, order on the
page) and scored by the share of truth grid cells recovered with their span.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePath
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from models.records import Fact, TableKind, TableRecord

N_CALIBRATION_BINS = 10  # equal-width confidence bins for the ECE
N_WORST_TABLES = 10
N_EXAMPLES = 20

# --- comparison keys ------------------------------------------------------
# Kept local on purpose: pipeline/text.py is the pipeline's normaliser; the
# scorer must not share code with what it scores.

_WS_RE = re.compile(r"\s+")
# ①..⑳, ㉑..㉟, ㊱..㊿ — stripped before NFKC, which would turn ① into a bare "1".
_CIRCLED_RE = re.compile(r"^[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf]")
# After NFKC: 一、 十六、 (一) (1) 1. 1、 — "1." only when no digit follows (not "1.5").
_ENUM_RE = re.compile(r"^(?:[一二三四五六七八九十百零〇]+[、.]|\([一二三四五六七八九十百零〇\d]+\)|\d+[.、](?!\d))")


def compare_key(text: str) -> str:
    """Labels and text values as compared: NFKC, no whitespace, no leading enumeration."""
    stripped = _CIRCLED_RE.sub("", _WS_RE.sub("", text))
    normal = _WS_RE.sub("", unicodedata.normalize("NFKC", stripped))
    return _ENUM_RE.sub("", normal, count=1)


def _plain_key(text: str | None) -> str:
    """Codes and column headers: NFKC and no whitespace, nothing else dropped."""
    return _WS_RE.sub("", unicodedata.normalize("NFKC", text or ""))


def _value_key(fact: Fact) -> Decimal | str:
    """A number compares by value (1030.5 == 1030.50); anything else by text key."""
    if fact.kind == "number":
        try:
            number = Decimal(fact.value.strip())
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite():
            return number
    return compare_key(fact.value)


def _first_label_key(fact: Fact) -> str:
    return compare_key(fact.labels[0]) if fact.labels else ""


@dataclass(frozen=True, slots=True)
class _CellKey:
    """Everything but the row key that must agree for a match."""

    table: TableKind
    column: str
    value: Decimal | str


@dataclass(frozen=True, slots=True)
class _RowKey:
    by: Literal["code", "label"]
    key: str


def _cell_key(fact: Fact) -> _CellKey:
    return _CellKey(fact.table, _plain_key(fact.column), _value_key(fact))


def _truth_row_key(fact: Fact) -> _RowKey:
    code = _plain_key(fact.code)
    return _RowKey("code", code) if code else _RowKey("label", _first_label_key(fact))


def _emitted_row_keys(fact: Fact) -> frozenset[_RowKey]:
    """An emitted fact can be found by its code or by its first label."""
    keys = {_RowKey("label", _first_label_key(fact))}
    code = _plain_key(fact.code)
    if code:
        keys.add(_RowKey("code", code))
    return frozenset(keys)


def source_name(source: str) -> str:
    """The file name a fact's ``source`` names; sources may be given with folders."""
    return PurePath(source).name


# --- matching -------------------------------------------------------------


def match_facts(truth: Sequence[Fact], emitted: Sequence[Fact]) -> list[tuple[int, int]]:
    """Pairs (truth index, emitted index) of a maximum one-to-one matching.

    Call it with the facts of one source.  Facts only pair within the same
    (table, column, value), so the bipartite problem splits into small groups.
    """
    truth_groups: dict[_CellKey, list[int]] = defaultdict(list)
    emitted_groups: dict[_CellKey, list[int]] = defaultdict(list)
    for i, fact in enumerate(truth):
        truth_groups[_cell_key(fact)].append(i)
    for j, fact in enumerate(emitted):
        emitted_groups[_cell_key(fact)].append(j)
    pairs: list[tuple[int, int]] = []
    for cell, t_idx in truth_groups.items():
        e_idx = emitted_groups.get(cell, [])
        if not e_idx:
            continue
        wanted = [_truth_row_key(truth[i]) for i in t_idx]
        offered = [_emitted_row_keys(emitted[j]) for j in e_idx]
        pairs.extend((t_idx[a], e_idx[b]) for a, b in _max_bipartite(wanted, offered))
    return sorted(pairs)


def _max_bipartite(wanted: Sequence[_RowKey], offered: Sequence[frozenset[_RowKey]]) -> list[tuple[int, int]]:
    """Maximum matching: truth a may take emitted b when wanted[a] is in offered[b].

    Plain greedy is not enough when an emitted fact is reachable both by its
    code (for a coded truth) and by its label (for an uncoded one), so truths
    greedy leaves unmatched get an augmenting-path search.  The search is
    iterative (a column of a thousand equal cells must not hit the recursion
    limit) and runs at most once per row key that fails: truths with the same
    key have the same candidates, and a truth that cannot augment now never
    can later (Berge).
    """
    by_key: dict[_RowKey, list[int]] = defaultdict(list)
    for b, keys in enumerate(offered):
        for key in keys:
            by_key[key].append(b)
    owner: list[int | None] = [None] * len(offered)
    taken: dict[int, int] = {}  # truth -> emitted
    left_over: list[int] = []
    for a, key in enumerate(wanted):
        free = next((b for b in by_key.get(key, ()) if owner[b] is None), None)
        if free is None:
            left_over.append(a)
        else:
            owner[free], taken[a] = a, free
    dead: set[_RowKey] = set()
    for a in left_over:
        if wanted[a] not in dead and not _augment(a, wanted, by_key, owner, taken):
            dead.add(wanted[a])
    return [(a, b) for a, b in taken.items()]


def _augment(
    start: int,
    wanted: Sequence[_RowKey],
    by_key: dict[_RowKey, list[int]],
    owner: list[int | None],
    taken: dict[int, int],
) -> bool:
    """Breadth-first search for an alternating path from ``start`` to a free emitted fact; flip it."""
    reached_from: dict[int, int] = {}  # emitted -> the truth that reached it
    queue = deque([start])
    while queue:
        a = queue.popleft()
        for b in by_key.get(wanted[a], ()):
            if b in reached_from:
                continue
            reached_from[b] = a
            holder = owner[b]
            if holder is not None:
                queue.append(holder)
                continue
            while True:  # flip the path back to start
                a = reached_from[b]
                previous = taken.get(a)
                owner[b], taken[a] = a, b
                if previous is None:
                    return True
                b = previous
    return False


# --- report shapes --------------------------------------------------------


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


class FactCounts(_Frozen):
    n_truth: int
    n_emitted: int
    n_matched: int
    precision: float | None
    recall: float | None

    @classmethod
    def of(cls, n_truth: int, n_emitted: int, n_matched: int) -> FactCounts:
        return cls(
            n_truth=n_truth,
            n_emitted=n_emitted,
            n_matched=n_matched,
            precision=_ratio(n_matched, n_emitted),
            recall=_ratio(n_matched, n_truth),
        )


class KindFacts(_Frozen):
    table: TableKind
    counts: FactCounts


class CodeAccuracy(_Frozen):
    """Truth facts with a code: found by (table, column, value, first label), and with the right code.

    ``accuracy`` is over all coded truth facts (a row not found counts wrong);
    ``accuracy_located`` only over those the label located, isolating code assignment.
    """

    n_truth: int
    n_located: int
    n_correct: int
    accuracy: float | None
    accuracy_located: float | None


class CodeReport(_Frozen):
    all: CodeAccuracy
    printed: CodeAccuracy
    implied: CodeAccuracy


class ReviewReport(_Frozen):
    n_emitted: int
    n_accepted: int
    n_accepted_matched: int
    accepted_precision: float | None  # matched accepted / accepted
    n_wrong: int  # emitted facts that match no truth fact
    n_wrong_needs_review: int
    wrong_to_review: float | None  # share of wrong facts sent to review
    n_needs_review: int
    review_rate: float | None  # needs_review / emitted


class CalibrationBin(_Frozen):
    lower: float
    upper: float
    n: int
    mean_confidence: float | None
    accuracy: float | None


class Calibration(_Frozen):
    ece: float | None  # sum over bins of (n_bin / n) * |mean confidence - accuracy|
    bins: tuple[CalibrationBin, ...]


class CellRecovery(_Frozen):
    n_truth_cells: int
    n_recovered: int
    recovery: float | None


class KindCells(_Frozen):
    table: TableKind
    cells: CellRecovery


class TableReport(_Frozen):
    cells: CellRecovery
    per_kind: tuple[KindCells, ...]
    n_truth_table_pages: int  # distinct (source, page, kind) in truth
    n_found_table_pages: int  # of those, emitted with the same kind on the same page
    detection: float | None
    n_located_tables: int  # truth tables overlapped by some emitted table on their page
    n_kind_correct: int  # of those, the best-overlapping emitted table has the right kind
    kind_accuracy: float | None
    sources_scored: tuple[str, ...]
    sources_skipped: tuple[str, ...]


class TableRecall(_Frozen):
    source: str
    table: TableKind
    n_truth: int
    n_matched: int
    recall: float


class EvalReport(_Frozen):
    sources_scored: tuple[str, ...]
    sources_skipped: tuple[str, ...]  # emitted, but no truth for them
    sources_missing: tuple[str, ...]  # truth, but nothing emitted
    facts: FactCounts
    per_kind: tuple[KindFacts, ...]
    codes: CodeReport
    review: ReviewReport
    calibration: Calibration
    tables: TableReport | None
    worst_tables: tuple[TableRecall, ...]
    missed_examples: tuple[Fact, ...]  # truth facts nothing matched
    wrong_examples: tuple[Fact, ...]  # emitted facts that match no truth

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


# --- fact scoring ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Outcome:
    fact: Fact
    matched: bool


@dataclass(frozen=True, slots=True)
class _CodeTally:
    code_source: Literal["printed", "implied"] | None
    located: bool
    correct: bool


@dataclass(frozen=True, slots=True)
class _SourceSplit:
    scored: tuple[str, ...]
    skipped: tuple[str, ...]
    missing: tuple[str, ...]


def _split_sources(
    truth_names: set[str], emitted_names: set[str], truth_stems: frozenset[str]
) -> _SourceSplit:
    def covered(name: str) -> bool:
        return name in truth_names or PurePath(name).stem in truth_stems

    return _SourceSplit(
        scored=tuple(sorted(n for n in emitted_names | truth_names if covered(n))),
        skipped=tuple(sorted(n for n in emitted_names if not covered(n))),
        missing=tuple(sorted(truth_names - emitted_names)),
    )


def _group_by_source(facts: Iterable[Fact]) -> dict[str, list[Fact]]:
    groups: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        groups[source_name(fact.source)].append(fact)
    return groups


def _score_source(truth: Sequence[Fact], emitted: Sequence[Fact]) -> tuple[list[_Outcome], list[_Outcome]]:
    pairs = match_facts(truth, emitted)
    hit_truth = {i for i, _ in pairs}
    hit_emitted = {j for _, j in pairs}
    return (
        [_Outcome(f, i in hit_truth) for i, f in enumerate(truth)],
        [_Outcome(f, j in hit_emitted) for j, f in enumerate(emitted)],
    )


def _code_tallies(truth: Sequence[Fact], emitted: Sequence[Fact]) -> list[_CodeTally]:
    codes_at: dict[tuple[_CellKey, str], set[str]] = defaultdict(set)
    for fact in emitted:
        codes_at[(_cell_key(fact), _first_label_key(fact))].add(_plain_key(fact.code))
    tallies: list[_CodeTally] = []
    for fact in truth:
        code = _plain_key(fact.code)
        if not code:
            continue
        found = codes_at.get((_cell_key(fact), _first_label_key(fact)))
        tallies.append(_CodeTally(fact.code_source, found is not None, bool(found) and code in found))
    return tallies


def _code_accuracy(tallies: Sequence[_CodeTally]) -> CodeAccuracy:
    n_located = sum(t.located for t in tallies)
    n_correct = sum(t.correct for t in tallies)
    return CodeAccuracy(
        n_truth=len(tallies),
        n_located=n_located,
        n_correct=n_correct,
        accuracy=_ratio(n_correct, len(tallies)),
        accuracy_located=_ratio(n_correct, n_located),
    )


def _code_report(tallies: Sequence[_CodeTally]) -> CodeReport:
    return CodeReport(
        all=_code_accuracy(tallies),
        printed=_code_accuracy([t for t in tallies if t.code_source == "printed"]),
        implied=_code_accuracy([t for t in tallies if t.code_source == "implied"]),
    )


def _fact_counts(truth: Sequence[_Outcome], emitted: Sequence[_Outcome]) -> FactCounts:
    return FactCounts.of(len(truth), len(emitted), sum(o.matched for o in truth))


def _per_kind(truth: Sequence[_Outcome], emitted: Sequence[_Outcome]) -> tuple[KindFacts, ...]:
    kinds = {o.fact.table for o in truth} | {o.fact.table for o in emitted}

    def of_kind(outcomes: Sequence[_Outcome], kind: TableKind) -> list[_Outcome]:
        return [o for o in outcomes if o.fact.table == kind]

    return tuple(
        KindFacts(table=kind, counts=_fact_counts(of_kind(truth, kind), of_kind(emitted, kind)))
        for kind in TableKind
        if kind in kinds
    )


def _review_report(emitted: Sequence[_Outcome]) -> ReviewReport:
    accepted = [o for o in emitted if o.fact.status == "accepted"]
    wrong = [o for o in emitted if not o.matched]
    n_accepted_matched = sum(o.matched for o in accepted)
    n_wrong_review = sum(o.fact.status == "needs_review" for o in wrong)
    n_review = sum(o.fact.status == "needs_review" for o in emitted)
    return ReviewReport(
        n_emitted=len(emitted),
        n_accepted=len(accepted),
        n_accepted_matched=n_accepted_matched,
        accepted_precision=_ratio(n_accepted_matched, len(accepted)),
        n_wrong=len(wrong),
        n_wrong_needs_review=n_wrong_review,
        wrong_to_review=_ratio(n_wrong_review, len(wrong)),
        n_needs_review=n_review,
        review_rate=_ratio(n_review, len(emitted)),
    )


def calibration(outcomes: Sequence[tuple[float, bool]], n_bins: int = N_CALIBRATION_BINS) -> Calibration:
    """Expected calibration error over equal-width bins [i/n, (i+1)/n), the last one closed."""
    members: list[list[tuple[float, bool]]] = [[] for _ in range(n_bins)]
    for confidence, correct in outcomes:
        members[min(int(confidence * n_bins), n_bins - 1)].append((confidence, correct))
    bins: list[CalibrationBin] = []
    ece = 0.0
    for i, group in enumerate(members):
        mean_conf = _mean([c for c, _ in group])
        accuracy = _mean([1.0 if ok else 0.0 for _, ok in group])
        if mean_conf is not None and accuracy is not None:
            ece += len(group) / len(outcomes) * abs(mean_conf - accuracy)
        bins.append(CalibrationBin(lower=i / n_bins, upper=(i + 1) / n_bins, n=len(group),
                                   mean_confidence=mean_conf, accuracy=accuracy))
    return Calibration(ece=ece if outcomes else None, bins=tuple(bins))


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _worst_tables(truth: Sequence[_Outcome], limit: int = N_WORST_TABLES) -> tuple[TableRecall, ...]:
    totals: Counter[tuple[str, TableKind]] = Counter()
    hits: Counter[tuple[str, TableKind]] = Counter()
    for o in truth:
        key = (source_name(o.fact.source), o.fact.table)
        totals[key] += 1
        hits[key] += o.matched
    recalls = [
        TableRecall(source=s, table=k, n_truth=n, n_matched=hits[(s, k)], recall=hits[(s, k)] / n)
        for (s, k), n in totals.items()
    ]
    recalls.sort(key=lambda r: (r.recall, -r.n_truth, r.source, r.table.value))
    return tuple(recalls[:limit])


# --- table scoring --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _TableSlot:
    """How truth and emitted tables pair: the n-th table of a kind on a page, top to bottom."""

    source: str
    page: int
    table: TableKind
    order: int


def _slots(tables: Sequence[TableRecord]) -> dict[_TableSlot, TableRecord]:
    by_page: dict[tuple[str, int, TableKind], list[TableRecord]] = defaultdict(list)
    for t in tables:
        by_page[(source_name(t.source), t.page, t.table)].append(t)
    slots: dict[_TableSlot, TableRecord] = {}
    for (source, page, kind), group in by_page.items():
        for order, t in enumerate(sorted(group, key=lambda t: (t.bbox[1], t.bbox[0]))):
            slots[_TableSlot(source, page, kind, order)] = t
    return slots


def _span_set(table: TableRecord | None) -> set[tuple[int, int, int, int]]:
    return set() if table is None else {(c.row, c.col, c.row_span, c.col_span) for c in table.cells}


def _cell_recovery(pairs: Sequence[tuple[TableRecord, TableRecord | None]]) -> CellRecovery:
    n_truth = n_hit = 0
    for truth, emitted in pairs:
        spans = _span_set(emitted)
        n_truth += len(truth.cells)
        n_hit += sum((c.row, c.col, c.row_span, c.col_span) in spans for c in truth.cells)
    return CellRecovery(n_truth_cells=n_truth, n_recovered=n_hit, recovery=_ratio(n_hit, n_truth))


def _iou(a: Sequence[float], b: Sequence[float]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = w * h if w > 0 and h > 0 else 0.0
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _kind_tally(truth: Sequence[TableRecord], emitted: Sequence[TableRecord]) -> tuple[int, int]:
    """(located, kind correct): each truth table against the emitted table overlapping it most."""
    on_page: dict[tuple[str, int], list[TableRecord]] = defaultdict(list)
    for e in emitted:
        on_page[(source_name(e.source), e.page)].append(e)
    located = correct = 0
    for t in truth:
        scored = [(_iou(t.bbox, e.bbox), e) for e in on_page.get((source_name(t.source), t.page), [])]
        scored = [(iou, e) for iou, e in scored if iou > 0]
        if scored:
            located += 1
            correct += max(scored, key=lambda s: s[0])[1].table == t.table
    return located, correct


def score_tables(
    emitted: Sequence[TableRecord], truth: Sequence[TableRecord], truth_stems: Iterable[str] = ()
) -> TableReport:
    """Cell recovery with spans, table-page detection and kind accuracy."""
    split = _split_sources(
        {source_name(t.source) for t in truth},
        {source_name(e.source) for e in emitted},
        frozenset(truth_stems),
    )
    scored = set(split.scored)
    emitted = [e for e in emitted if source_name(e.source) in scored]
    emitted_slots = _slots(emitted)
    pairs = [(t, emitted_slots.get(slot)) for slot, t in _slots(truth).items()]
    truth_pages = {(source_name(t.source), t.page, t.table) for t in truth}
    emitted_pages = {(source_name(e.source), e.page, e.table) for e in emitted}
    located, kind_correct = _kind_tally(truth, emitted)
    kinds = [k for k in TableKind if any(t.table == k for t in truth)]
    return TableReport(
        cells=_cell_recovery(pairs),
        per_kind=tuple(
            KindCells(table=k, cells=_cell_recovery([p for p in pairs if p[0].table == k])) for k in kinds
        ),
        n_truth_table_pages=len(truth_pages),
        n_found_table_pages=len(truth_pages & emitted_pages),
        detection=_ratio(len(truth_pages & emitted_pages), len(truth_pages)),
        n_located_tables=located,
        n_kind_correct=kind_correct,
        kind_accuracy=_ratio(kind_correct, located),
        sources_scored=split.scored,
        sources_skipped=split.skipped,
    )


# --- entry points ---------------------------------------------------------


def score(
    emitted: Sequence[Fact],
    truth: Sequence[Fact],
    emitted_tables: Sequence[TableRecord] | None = None,
    truth_tables: Sequence[TableRecord] = (),
    truth_stems: Iterable[str] = (),
) -> EvalReport:
    """Score in memory.  ``truth_stems`` names sources whose truth is known even if empty."""
    truth_by_source = _group_by_source(truth)
    emitted_by_source = _group_by_source(emitted)
    stems = frozenset(truth_stems)
    split = _split_sources(set(truth_by_source), set(emitted_by_source), stems)
    truth_out: list[_Outcome] = []
    emitted_out: list[_Outcome] = []
    tallies: list[_CodeTally] = []
    for source in split.scored:
        t_facts, e_facts = truth_by_source.get(source, []), emitted_by_source.get(source, [])
        t_out, e_out = _score_source(t_facts, e_facts)
        truth_out += t_out
        emitted_out += e_out
        tallies += _code_tallies(t_facts, e_facts)
    return EvalReport(
        sources_scored=split.scored,
        sources_skipped=split.skipped,
        sources_missing=split.missing,
        facts=_fact_counts(truth_out, emitted_out),
        per_kind=_per_kind(truth_out, emitted_out),
        codes=_code_report(tallies),
        review=_review_report(emitted_out),
        calibration=calibration([(o.fact.confidence, o.matched) for o in emitted_out]),
        tables=None if emitted_tables is None else score_tables(emitted_tables, truth_tables, stems),
        worst_tables=_worst_tables(truth_out),
        missed_examples=tuple(o.fact for o in truth_out if not o.matched)[:N_EXAMPLES],
        wrong_examples=tuple(o.fact for o in emitted_out if not o.matched)[:N_EXAMPLES],
    )


_RECORDS_SUFFIX = ".records.jsonl"
_TABLES_SUFFIX = ".tables.jsonl"


def evaluate(
    records_path: Path,
    truth_paths: Sequence[Path],
    tables_path: Path | None = None,
    truth_table_paths: Sequence[Path] = (),
) -> EvalReport:
    """Score ``records.jsonl`` (and optionally ``tables.jsonl``) against truth files.

    A truth file ``<stem>.records.jsonl`` also declares that source ``<stem>.*``
    has truth, so an empty truth file scores every fact emitted for it as wrong.
    """
    stems = [_stem(p, _RECORDS_SUFFIX) for p in truth_paths]
    stems += [_stem(p, _TABLES_SUFFIX) for p in truth_table_paths]
    truth = [f for p in truth_paths for f in read_jsonl(p, Fact)]
    truth_tables = [t for p in truth_table_paths for t in read_jsonl(p, TableRecord)]
    return score(
        emitted=read_jsonl(records_path, Fact),
        truth=truth,
        emitted_tables=None if tables_path is None else read_jsonl(tables_path, TableRecord),
        truth_tables=truth_tables,
        truth_stems=stems,
    )


def discover_truth(samples_dir: Path) -> tuple[list[Path], list[Path]]:
    """Truth files laid out as ``samples/<name>/truth/<stem>.{records,tables}.jsonl``."""
    return (
        sorted(samples_dir.glob(f"*/truth/*{_RECORDS_SUFFIX}")),
        sorted(samples_dir.glob(f"*/truth/*{_TABLES_SUFFIX}")),
    )


def _stem(path: Path, suffix: str) -> str:
    return path.name.removesuffix(suffix)


_Model = TypeVar("_Model", bound=BaseModel)


def read_jsonl(path: Path, model: type[_Model]) -> list[_Model]:
    """One model per non-blank line; a bad line fails with its file and line number."""
    items: list[_Model] = []
    with path.open(encoding="utf-8") as fp:
        for lineno, line in enumerate(fp, start=1):
            if not line.strip():
                continue
            try:
                items.append(model.model_validate_json(line))
            except ValidationError as exc:
                raise ValueError(f"{path}:{lineno}: not a valid {model.__name__}: {exc}") from None
    return items


# --- plain-text report ----------------------------------------------------


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _fact_row(name: str, c: FactCounts) -> str:
    counts = f"{c.n_truth:>7}{c.n_emitted:>9}{c.n_matched:>9}"
    return f"{name:<32}{counts}{_pct(c.precision):>11}{_pct(c.recall):>9}"


def _code_line(name: str, c: CodeAccuracy) -> str:
    located = _pct(c.accuracy_located)
    return f"  {name:<8}{_pct(c.accuracy):>8}  ({c.n_correct}/{c.n_truth}; of located {located})"


def _fact_brief(f: Fact) -> str:
    row = f.code or (f.labels[0] if f.labels else "")
    where = f"{f.source} p{f.page} {f.table.value} [{row}] {f.column}"
    return f"  {where} = {f.value} ({f.status}, {f.confidence:.2f})"


def format_report(report: EvalReport) -> str:
    """A compact plain-text summary (the CLI may render it richer)."""
    lines = [f"{'facts':<32}{'truth':>7}{'emitted':>9}{'matched':>9}{'precision':>11}{'recall':>9}"]
    lines.append(_fact_row("all", report.facts))
    lines += [_fact_row(k.table.value, k.counts) for k in report.per_kind]
    lines.append("row codes")
    codes = report.codes
    lines += [_code_line(name, acc) for name, acc in (("all", codes.all), ("printed", codes.printed),
                                                      ("implied", codes.implied))]
    r = report.review
    lines.append(
        f"accepted precision {_pct(r.accepted_precision)}  wrong sent to review {_pct(r.wrong_to_review)}"
        f" ({r.n_wrong_needs_review}/{r.n_wrong})  review rate {_pct(r.review_rate)}"
    )
    ece = report.calibration.ece
    lines.append(f"calibration ECE {'-' if ece is None else f'{ece:.3f}'}")
    if report.tables is not None:
        t = report.tables
        lines.append(
            f"tables: cells recovered {_pct(t.cells.recovery)}"
            f" ({t.cells.n_recovered}/{t.cells.n_truth_cells})"
            f"  detection {_pct(t.detection)} ({t.n_found_table_pages}/{t.n_truth_table_pages})"
            f"  kind accuracy {_pct(t.kind_accuracy)}"
        )
        lines += [f"  {k.table.value:<30}{_pct(k.cells.recovery):>8}" for k in t.per_kind]
    if report.worst_tables:
        lines.append("worst tables by recall")
        lines += [f"  {w.source} {w.table.value} {_pct(w.recall)} ({w.n_matched}/{w.n_truth})"
                  for w in report.worst_tables]
    if report.sources_skipped:
        lines.append("skipped (no truth): " + ", ".join(report.sources_skipped))
    if report.sources_missing:
        lines.append("missing (nothing emitted): " + ", ".join(report.sources_missing))
    if report.missed_examples:
        lines.append("missed truth facts")
        lines += [_fact_brief(f) for f in report.missed_examples]
    if report.wrong_examples:
        lines.append("wrong emitted facts")
        lines += [_fact_brief(f) for f in report.wrong_examples]
    return "\n".join(lines)
