"""The review threshold swept over one run's records: status recomputed per threshold.

    .venv/bin/python scripts/sweep_threshold.py OUT_DIR                       # a `yusuan ingest --out` folder
    .venv/bin/python scripts/sweep_threshold.py build/lolo --truth build/looks --truth samples --by-look

A fact with a doubting reason is never accepted (as pipeline.score.confidence decides); right and
wrong as ``yusuan eval`` matches them against the truth (``<folder>/<dept>/truth/<stem>.records.jsonl``
in any ``--truth`` folder, default samples).  Prints a markdown table, per scan or, with
``--by-look``, per look (evaluation.looks).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from evaluation.evaluate import match_facts, read_jsonl
from evaluation.looks import look_of
from models import DOUBTING_REASONS, Fact

THRESHOLDS = (0.8, 0.9, 0.95, 0.97)


def _truth_path(stem: str, folders: list[Path]) -> Path | None:
    for folder in folders:
        path = folder / stem.rsplit("_", 1)[0] / "truth" / f"{stem}.records.jsonl"
        if path.is_file():
            return path
    return None


def main(out: Path, folders: list[Path], by_look: bool) -> None:
    by_source: dict[str, list[Fact]] = defaultdict(list)
    for fact in read_jsonl(out / "records.jsonl", Fact):
        by_source[fact.source].append(fact)
    # (group, threshold) -> [accepted, accepted right, facts, wrong, wrong sent to review]
    tally: dict[tuple[str, float], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for source, facts in sorted(by_source.items()):
        stem = Path(source).stem
        truth_path = _truth_path(stem, folders)
        if truth_path is None:
            continue
        right = {j for _, j in match_facts(read_jsonl(truth_path, Fact), facts)}
        group = look_of(truth_path) if by_look else stem
        for threshold in THRESHOLDS:
            accepted = {i for i, f in enumerate(facts)
                        if f.confidence >= threshold and not set(f.reasons) & DOUBTING_REASONS}
            counts = tally[(group, threshold)]
            counts[0] += len(accepted)
            counts[1] += sum(i in right for i in accepted)
            counts[2] += len(facts)
            counts[3] += len(facts) - len(right)
            counts[4] += sum(1 for i in range(len(facts)) if i not in right and i not in accepted)
    print(f"| threshold | {'look' if by_look else 'scan'} | accepted P (wrong accepted) | review rate | wrong → review |")
    print("|---|---|---|---|---|")
    for (group, threshold), (n_acc, n_right, n, n_wrong, to_review) in sorted(tally.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        precision = f"{n_right / n_acc:.4f} ({n_acc - n_right})" if n_acc else "-"
        print(f"| {threshold} | {group} | {precision} | {1 - n_acc / n:.3f} | {to_review}/{n_wrong} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--truth", type=Path, action="append", help="folder of <dept>/truth/ (repeatable)")
    parser.add_argument("--by-look", action="store_true")
    args = parser.parse_args()
    main(args.out, args.truth or [Path("samples")], args.by_look)
