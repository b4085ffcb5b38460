"""The confidence model: evidence of one fact -> the probability that it is right.

A logistic regression over a handful of features (OCR confidence, agreement of
the second OCR engine, ink the text does not account for, identities satisfied
and broken, review reasons, kind of cell).  It is fitted by ``scripts/fit_confidence.py`` on scans made for fitting
only (samplegen levels fitlight and fitrough) and checked on the mild and harsh
sample scans it never saw; the fitted weights ship as
``pipeline/data/confidence_model.json`` together with what they were fitted on.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from models import DOUBTING_REASONS, FORM_KINDS, ReviewReason, TableKind
from pipeline.interpret.facts import DraftFact

FEATURES = (
    "bias",
    "ocr_logit",
    "checks_passed",
    "checks_failed",
    "doubt_reason",
    "text_value",
    "form_cell",
    "catalog_cell",
    "value_length",
    "corrected",
    "rounding_flag",
    "cross_read",
    "engines_differ",
    "unexplained_ink",
)
# Ems of unexplained ink beyond this count as fully unexplained (a dropped glyph is ~1).
_INK_CAP_EMS = 1.5


@dataclass(frozen=True, slots=True)
class ConfidenceModel:
    weights: tuple[float, ...]
    fitted_on: tuple[str, ...]
    checked_on: tuple[str, ...]
    note: str

    def probability(self, draft: DraftFact) -> float:
        z = float(np.dot(self.weights, features(draft)))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def features(draft: DraftFact) -> np.ndarray:
    evidence = draft.evidence
    ocr = min(0.999, max(0.01, evidence.ocr_confidence))
    reasons = set(draft.reasons)
    return np.array([
        1.0,
        math.log(ocr / (1 - ocr)),
        min(draft.checks_passed, 3) / 3,
        1.0 if draft.checks_failed else 0.0,
        1.0 if reasons & DOUBTING_REASONS else 0.0,
        1.0 if draft.value_kind == "text" else 0.0,
        1.0 if draft.kind in FORM_KINDS else 0.0,
        1.0 if draft.kind == TableKind.PROCUREMENT_CATALOG else 0.0,
        min(len(draft.value), 60) / 20,
        1.0 if ReviewReason.CORRECTED_BY_ARITHMETIC in reasons else 0.0,
        1.0 if ReviewReason.ROUNDING_DIFFERENCE in reasons else 0.0,
        1.0 if evidence.agreement is not None else 0.0,
        # Whether, not how much: beyond one character, the size of a disagreement is mostly the
        # second engine's own noise (a graded feature got a positive weight when fitted).
        1.0 if evidence.agreement is not None and evidence.agreement < 1.0 else 0.0,
        min(evidence.unexplained_ink, _INK_CAP_EMS) / _INK_CAP_EMS,
    ])


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 50) -> np.ndarray:
    """L2-regularised logistic regression by Newton's method (IRLS); the bias is not penalised."""
    weights = np.zeros(x.shape[1])
    penalty = np.eye(x.shape[1]) * l2
    penalty[0, 0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ weights, -30, 30)))
        gradient = x.T @ (p - y) + penalty @ weights
        hessian = (x * (p * (1 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return weights


def to_json(model: ConfidenceModel) -> str:
    return json.dumps({"features": list(FEATURES), "weights": list(model.weights), "fitted_on": list(model.fitted_on),
                       "checked_on": list(model.checked_on), "note": model.note}, ensure_ascii=False, indent=2)


@cache
def packaged_model() -> ConfidenceModel | None:
    """The shipped model, or None before one has been fitted."""
    path = resources.files("pipeline.data").joinpath("confidence_model.json")
    if not path.is_file():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    if tuple(raw["features"]) != FEATURES:
        return None  # fitted for another feature set: refit rather than guess
    return ConfidenceModel(weights=tuple(raw["weights"]), fitted_on=tuple(raw["fitted_on"]),
                           checked_on=tuple(raw["checked_on"]), note=raw["note"])
