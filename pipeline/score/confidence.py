"""From evidence to one probability per fact, and the review status.

The probability comes from the fitted model (pipeline/score/calibration.py); without
one it is the weakest OCR confidence among the fact's cells.  Either way a
fact that broke a check is never accepted: its confidence is capped and its
reasons say why.
"""

from __future__ import annotations

from dataclasses import dataclass

from models import DOUBTING_REASONS, Fact, ReviewReason
from pipeline.score.calibration import packaged_model
from pipeline.interpret.facts import DraftFact

# A fact with a failed check is worth at most this much confidence.
_FAILED_CHECK_CAP = 0.5


@dataclass(frozen=True, slots=True)
class DocumentIdentity:
    sha256: str
    source: str


def finish(draft: DraftFact, document: DocumentIdentity, accept_threshold: float) -> Fact:
    doubts = [r for r in draft.reasons if r in DOUBTING_REASONS]
    model = packaged_model()
    if model is not None:
        # The model already weighs failed checks; capping would spoil its calibration.
        confidence = model.probability(draft)
    else:
        confidence = max(0.0, min(1.0, draft.evidence.ocr_confidence))
        if doubts:
            confidence = min(confidence, _FAILED_CHECK_CAP)
    reasons = list(dict.fromkeys(draft.reasons))
    if confidence < accept_threshold and not doubts:
        # Name the evidence an operator can check: the engines' disagreement when there is one.
        disagree = draft.evidence.agreement is not None and draft.evidence.agreement < 1.0
        reasons.append(ReviewReason.OCR_ENGINES_DISAGREE if disagree else ReviewReason.LOW_OCR_CONFIDENCE)
    status = "accepted" if confidence >= accept_threshold and not doubts else "needs_review"
    return Fact(
        document=document.sha256,
        source=document.source,
        page=draft.page,
        table=draft.kind,
        code=draft.code,
        labels=list(draft.labels),
        raw_labels=list(draft.raw_labels),
        column=draft.column,
        value=draft.value,
        kind=draft.value_kind,  # type: ignore[arg-type]
        unit=draft.unit,
        raw=draft.raw,
        confidence=round(confidence, 4),
        status=status,  # type: ignore[arg-type]
        reasons=reasons,
        bbox=draft.bbox.as_list(),
        code_source=draft.code_source,  # type: ignore[arg-type]
        form=draft.form,
        gov_code=draft.gov_code,
        read_by=draft.read_by or None,
    )
