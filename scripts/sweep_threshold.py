"""The review threshold swept over one run's records: status recomputed per threshold.

    .venv/bin/python scripts/sweep_threshold.py OUT_DIR      # a `yusuan ingest --out` folder

A fact with a doubting reason is never accepted (as pipeline.score.confidence decides); right and
wrong as ``yusuan eval`` matches them against the samples' truth.  Prints a markdown table.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from models import Fact
from models import DOUBTING_REASONS
from evaluation.evaluate import match_facts, read_jsonl

THRESHOLDS = (0.8, 0.9, 0.95, 0.97)


def main(out: Path) -> None:
    by_source: dict[str, list[Fact]] = defaultdict(list)
    for fact in read_jsonl(out / "records.jsonl", Fact):
        by_source[fact.source].append(fact)
    rows = []
    for source, facts in sorted(by_source.items()):
        stem = source.removesuffix(".pdf")
        truth = read_jsonl(Path("samples") / stem.rsplit("_", 1)[0] / "truth" / f"{stem}.records.jsonl", Fact)
        right = {j for _, j in match_facts(truth, facts)}
        wrong = [i for i in range(len(facts)) if i not in right]
        for threshold in THRESHOLDS:
            accepted = {i for i, f in enumerate(facts)
                        if f.confidence >= threshold and not set(f.reasons) & DOUBTING_REASONS}
            rows.append((threshold, stem, sum(i in right for i in accepted) / len(accepted),
                         1 - len(accepted) / len(facts), sum(i not in accepted for i in wrong), len(wrong)))
    print("| threshold | scan | accepted P | review rate | wrong → review |")
    print("|---|---|---|---|---|")
    for threshold, stem, precision, review_rate, to_review, n_wrong in sorted(rows):
        print(f"| {threshold} | {stem} | {precision:.4f} | {review_rate:.3f} | {to_review}/{n_wrong} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
