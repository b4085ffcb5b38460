"""Fit the confidence model on some samples, check its calibration on others it never saw.

    .venv/bin/python scripts/fit_confidence.py --cache /tmp/pagecache \
        --fit yanggao_education_mild,yanggao_education_harsh \
        --check shanyin_commerce_mild,shanyin_commerce_harsh [--write]

Each name needs a page cache made by ``scripts/cache_pages.py`` (the OCR'd
pages) and the sample's truth file.  A fact counts as right when it matches a
truth fact under the rules of ``yusuan eval``.  Prints the expected calibration
error (10 bins) on the fit and the check sets, and with ``--write`` stores the
weights in pipeline/data/confidence_model.json with what they were fitted on.
"""

from __future__ import annotations

import argparse
import pickle
from pathlib import Path

import numpy as np

from models import Fact
from pipeline.calibration import ConfidenceModel, features, fit, to_json
from pipeline.catalog import load_default
from pipeline.confidence import DocumentIdentity
from pipeline.document import PageResult, draft_document
from pipeline.evaluate import calibration, match_facts
from pipeline.settings import Settings


def _rows(name: str, cache: Path) -> tuple[np.ndarray, np.ndarray]:
    document, outcomes = pickle.loads((cache / f"{name}.pages.pickle").read_bytes())
    pages = [o for o in outcomes if isinstance(o, PageResult)]
    _, drafts = draft_document(pages, Settings(), load_default())
    truth_path = Path("samples") / name.rsplit("_", 1)[0] / "truth" / f"{name}.records.jsonl"
    truth = [Fact.model_validate_json(line) for line in truth_path.read_text(encoding="utf-8").splitlines() if line]
    identity = DocumentIdentity(sha256=document.sha256, source=document.source)
    # Correctness is judged on what would be emitted, with a neutral confidence.
    from pipeline.confidence import finish

    emitted = [finish(d, identity, 0.0) for d in drafts]
    matched = {j for _, j in match_facts(truth, emitted)}
    x = np.array([features(d) for d in drafts])
    y = np.array([1.0 if j in matched else 0.0 for j in range(len(drafts))])
    return x, y


def _stack(names: list[str], cache: Path) -> tuple[np.ndarray, np.ndarray]:
    parts = [_rows(n, cache) for n in names]
    return np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, default=Path("/tmp/pagecache"))
    parser.add_argument("--fit", required=True)
    parser.add_argument("--check", required=True)
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    fit_names, check_names = args.fit.split(","), args.check.split(",")
    x_fit, y_fit = _stack(fit_names, args.cache)
    weights = fit(x_fit, y_fit, l2=args.l2)
    model = ConfidenceModel(weights=tuple(float(w) for w in weights), fitted_on=tuple(fit_names),
                            checked_on=tuple(check_names),
                            note="scripts/fit_confidence.py; correctness as in yusuan eval; l2=%g" % args.l2)
    for label, names in (("fit", fit_names), ("check", check_names)):
        x, y = _stack(names, args.cache)
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ weights, -30, 30)))
        report = calibration(list(zip(p.tolist(), [bool(v) for v in y])))
        print(f"{label}: {len(y)} facts, {int(y.sum())} right, ECE {report.ece:.4f}")
    if args.write:
        Path("pipeline/data/confidence_model.json").write_text(to_json(model) + "\n", encoding="utf-8")
        print("wrote pipeline/data/confidence_model.json")


if __name__ == "__main__":
    main()
