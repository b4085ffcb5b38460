"""The confidence model: evidence of one fact -> the probability that it is right.

A logistic regression over a handful of features (OCR confidence, agreement of
the second OCR engine, ink the text does not account for, identities satisfied
and broken, review reasons, kind of cell).  It is fitted by ``scripts/lolo.py --write`` on the documents of every look
``make looks`` draws (typefaces, Excel-style and plain layouts, photocopies, fax,
phone photos …) and checked on the samples' own scans, which it never saw; the
same script scores each look with a model fitted without it.  The fitted weights
ship as ``pipeline/data/confidence_model.json`` together with what they were fitted on.
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
from pipeline.read.textcells import READ_BY as TEXT_LAYER

FEATURES = (
    "bias",
    "ocr_logit",
    "checks_passed",
    "checks_failed",
    "doubt_reason",
    # A loose mark in the ink the reading lacks: a dropped 。 or 、, or a speck of toner as large as one
    # (a photocopy's), so its own weight rather than that of the doubts an identity or a shape raises.
    "unread_mark",
    "text_value",
    "form_cell",
    "catalog_cell",
    "value_length",
    "corrected",
    "rounding_flag",
    "cross_read",
    "engines_differ",
    "unexplained_ink",
    # The table's (models.TableSignals): a header that fits its template poorly, columns named by
    # the template alone, and the shares of the table's numbers that break or escape its identities.
    "header_misfit",
    "renamed_share",
    "table_failed_share",
    "table_unconfirmed_share",
    # The share of the table's facts whose label names nothing (a catalog page whose rows came apart).
    "table_unmatched_share",
    "document_failed_share",
    # The same for a text value: no identity checks its words, so how the document's numbers read is
    # the best word on how its text reads (a fax's misread words sit beside its misread figures).
    "text_document_failed_share",
    # Read from the PDF's own text layer (pipeline.read.textcells): no recogniser's misreading,
    # only the structure's risks.  Learnt from the samples' born-digital PDFs (no look is one).
    "text_layer",
)
_DOCUMENT_SHARES = [FEATURES.index("document_failed_share"), FEATURES.index("text_document_failed_share")]
# Ems of unexplained ink beyond this count as fully unexplained (a dropped glyph is ~1).
_INK_CAP_EMS = 1.5


@dataclass(frozen=True, slots=True)
class ConfidenceModel:
    weights: tuple[float, ...]
    fitted_on: tuple[str, ...]
    checked_on: tuple[str, ...]
    note: str
    # The largest share of a document's numbers breaking their identities among the documents it was
    # fitted on: beyond it the model extrapolates, and pipeline.score.confidence does not take its word.
    document_failed_max: float = 1.0
    # The accept threshold chosen with these weights (scripts/lolo.py): the lowest at which every look
    # it was fitted on accepts at least 0.995 right facts and sends at least 0.9 of its wrong ones to
    # review, scored by models fitted without that look.
    accept_threshold: float | None = None

    def knows_documents_like(self, draft: DraftFact) -> bool:
        """Whether the fact's document reads no worse than every document the model was fitted on."""
        return draft.table.document_failed_share <= self.document_failed_max

    def probability(self, draft: DraftFact) -> float:
        x = features(draft)
        # Beyond the documents it was fitted on a linear term runs on without end (a fax's share of
        # broken identities made its facts' confidence far lower than their accuracy): the document's
        # shares are taken at the edge of what the model has seen.
        x[_DOCUMENT_SHARES] = np.minimum(x[_DOCUMENT_SHARES], self.document_failed_max)
        z = float(np.dot(self.weights, x))
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
        1.0 if ReviewReason.UNREAD_MARK in reasons else 0.0,
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
        1.0 - draft.table.header_fit,
        draft.table.renamed_share,
        draft.table.failed_share,
        draft.table.unconfirmed_share,
        draft.table.unmatched_share,
        draft.table.document_failed_share,
        draft.table.document_failed_share if draft.value_kind == "text" else 0.0,
        1.0 if draft.read_by == TEXT_LAYER else 0.0,
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
                       "checked_on": list(model.checked_on), "document_failed_max": model.document_failed_max,
                       "accept_threshold": model.accept_threshold, "note": model.note}, ensure_ascii=False, indent=2)


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
                           checked_on=tuple(raw["checked_on"]), note=raw["note"],
                           document_failed_max=float(raw.get("document_failed_max", 1.0)),
                           accept_threshold=raw.get("accept_threshold"))
