"""Fit the confidence model on some samples, check its calibration on others it never saw.

    .venv/bin/python -m samplegen --levels fitlight,fitrough --out build/fitting
    for f in build/fitting/*/*_fit*.pdf samples/*/*_mild.pdf samples/*/*_harsh.pdf; do
        .venv/bin/python scripts/cache_pages.py $f /tmp/pagecache; done
    .venv/bin/python scripts/fit_confidence.py --cache /tmp/pagecache \
        --fit shanyin_commerce_fitlight,shanyin_commerce_fitrough,yanggao_education_fitlight,yanggao_education_fitrough \
        --check shanyin_commerce_mild,shanyin_commerce_harsh,yanggao_education_mild,yanggao_education_harsh [--write]

Each name needs a page cache made by ``scripts/cache_pages.py`` (the OCR'd
pages) and its truth file, under samples/ or build/fitting/.  A fact counts as right when it matches a
truth fact under the rules of ``yusuan eval``.  Prints the expected calibration
error (10 bins) on the fit and the check sets, and per scan what the review
threshold of the settings does (accepted precision, wrong facts sent to review,
review rate; a fact with a doubting reason is never accepted).  With ``--write``
it stores the weights in pipeline/data/confidence_model.json with what they
were fitted on.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evaluation.evaluate import calibration
from lolo import labelled_drafts
from models import DOUBTING_REASONS, Fact
from pipeline.score.calibration import FEATURES, ConfidenceModel, fit, to_json
from pipeline.settings import Settings


_TRUTH_ROOTS = (Path("samples"), Path("build/fitting"))


@dataclass(frozen=True)
class _Rows:
    x: np.ndarray  # features, one row per fact
    y: np.ndarray  # 1.0 when the fact is right
    doubted: np.ndarray  # True when a reason forbids accepting it whatever its confidence


def _rows(name: str, cache: Path) -> _Rows:
    _, drafts, x, y = labelled_drafts(cache / f"{name}.pages.pickle", _truth_path(name), recompute_agreement=True)
    doubted = np.array([bool(set(d.reasons) & DOUBTING_REASONS) for d in drafts])
    return _Rows(x, y, doubted)


def truth_facts(name: str) -> list[Fact]:
    """The truth facts of a sample or fitting scan, by its name."""
    path = _truth_path(name)
    return [Fact.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _truth_path(name: str) -> Path:
    for root in _TRUTH_ROOTS:
        path = root / name.rsplit("_", 1)[0] / "truth" / f"{name}.records.jsonl"
        if path.is_file():
            return path
    raise SystemExit(f"no truth for {name} under {', '.join(map(str, _TRUTH_ROOTS))}")


def _stack(names: list[str], rows: dict[str, _Rows]) -> tuple[np.ndarray, np.ndarray]:
    return np.vstack([rows[n].x for n in names]), np.concatenate([rows[n].y for n in names])


def _review_line(name: str, rows: _Rows, weights: np.ndarray, threshold: float) -> str:
    p = 1.0 / (1.0 + np.exp(-np.clip(rows.x @ weights, -30, 30)))
    accepted = (p >= threshold) & ~rows.doubted
    wrong = rows.y < 0.5
    precision = rows.y[accepted].mean() if accepted.any() else float("nan")
    to_review = (wrong & ~accepted).sum()
    return (f"  {name}: accepted precision {precision:.4f} ({int((accepted & ~wrong).sum())}/{int(accepted.sum())}), "
            f"wrong to review {int(to_review)}/{int(wrong.sum())}, review rate {1 - accepted.mean():.4f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, default=Path("/tmp/pagecache"))
    parser.add_argument("--fit", required=True)
    parser.add_argument("--check", required=True)
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    fit_names, check_names = args.fit.split(","), args.check.split(",")
    rows = {name: _rows(name, args.cache) for name in fit_names + check_names}
    x_fit, y_fit = _stack(fit_names, rows)
    weights = fit(x_fit, y_fit, l2=args.l2)
    model = ConfidenceModel(weights=tuple(float(w) for w in weights), fitted_on=tuple(fit_names),
                            checked_on=tuple(check_names),
                            note="scripts/fit_confidence.py; correctness as in yusuan eval; l2=%g" % args.l2)
    threshold = Settings().accept_threshold
    print("weights:", ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, weights)))
    for label, names in (("fit", fit_names), ("check", check_names)):
        x, y = _stack(names, rows)
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ weights, -30, 30)))
        report = calibration(list(zip(p.tolist(), [bool(v) for v in y])))
        print(f"{label}: {len(y)} facts, {int(y.sum())} right, ECE {report.ece:.4f}")
        for name in names:
            print(_review_line(name, rows[name], weights, threshold))
    if args.write:
        Path("pipeline/data/confidence_model.json").write_text(to_json(model) + "\n", encoding="utf-8")
        print("wrote pipeline/data/confidence_model.json")


if __name__ == "__main__":
    main()
