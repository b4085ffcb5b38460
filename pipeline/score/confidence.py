"""From evidence to one probability per fact, and the review status.

The probability comes from the fitted model (pipeline/score/calibration.py); without
one it is the weakest OCR confidence among the fact's cells.  Either way a
fact that broke a check is never accepted: its confidence is capped and its
reasons say why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from models import (DOUBTING_REASONS, LOW_CONFIDENCE_REASONS, BBox, Evidence, Fact, FactEvidence, GridSlot, ReviewReason,
                    TableSignals)
from pipeline.interpret.amounts import amount_yuan
from pipeline.interpret.columns import agnostic_column
from pipeline.score.calibration import ConfidenceModel, packaged_model
from pipeline.interpret.facts import DraftFact

# A fact with a failed check is worth at most this much confidence.
_FAILED_CHECK_CAP = 0.5


@dataclass(frozen=True, slots=True)
class DocumentIdentity:
    sha256: str
    source: str
    fiscal_year: int | None = None  # pipeline.interpret.identity decides these once per document
    department: str | None = None


def finish(draft: DraftFact, document: DocumentIdentity, accept_threshold: float,
           engines: Mapping[str, str] | None = None, page_image: str | None = None,
           model: ConfidenceModel | None = None) -> Fact:
    """The fact as emitted: calibrated confidence, status, reasons, and the evidence an operator reviews
    it with (``engines`` names the readings' engine roles; ``page_image`` is the sha256 of its page's PNG).
    ``model`` overrides the shipped confidence model (scripts/lolo.py scores each look with one fitted
    without it)."""
    model = model or packaged_model()
    # The probability is the model's on the evidence it was fitted on: no fitted document was
    # unfamiliar, so the reason below is no evidence it knows the weight of (as a doubt it sank a
    # fax's facts to a mean 0.46 against 0.64 right).  The reason sends them to review.
    scored = draft
    if model is not None and not model.knows_documents_like(draft):
        # A scan read worse than any the model was fitted on: its probability there is an
        # extrapolation, and even amounts the identities confirm may be misread alike in every
        # cell of a sum (a fax's 4 read as 1 throughout).  The document waits for a person.
        draft = replace(draft, reasons=draft.reasons + (ReviewReason.SCAN_QUALITY_UNFAMILIAR,))
    doubts = [r for r in draft.reasons if r in DOUBTING_REASONS]
    if model is not None:
        # The model already weighs failed checks; capping would spoil its calibration.
        confidence = model.probability(scored)
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
        page_image_sha256=page_image,
        grid_cell=GridSlot(table=draft.table_index, row=draft.row, col=draft.col, row_span=draft.row_span,
                           col_span=draft.col_span),
        readings=[r.model_copy(update={"engine": (engines or {}).get(r.engine, r.engine)}) for r in draft.readings],
        broken_identities=list(draft.broken),
        evidence=FactEvidence(ocr_confidence=round(draft.evidence.ocr_confidence, 4),
                              agreement=draft.evidence.agreement, unexplained_ink=draft.evidence.unexplained_ink,
                              unread_marks=draft.evidence.unread_marks, checks_passed=draft.checks_passed,
                              checks_failed=draft.checks_failed, table=draft.table),
        fiscal_year=document.fiscal_year,
        department=document.department,
        column_key=agnostic_column(draft.column, document.fiscal_year),
        amount_yuan=amount_yuan(draft.value, draft.value_kind, draft.unit),
        read_by=draft.read_by or None,
    )


def refinish(fact: Fact, accept_threshold: float) -> Fact:
    """A stored fact judged again by the same model and rules, from its stored evidence and reasons:
    after an operator's correction closed an identity it was doubted for (pipeline.output.store.reviews).

    The reasons that only say the confidence is low are dropped first: ``finish`` adds them again
    if it still is.
    """
    stored = fact.evidence or FactEvidence(ocr_confidence=fact.confidence)
    slot = fact.grid_cell or GridSlot(table=0, row=0, col=0)
    draft = DraftFact(
        table_index=slot.table, kind=fact.table, page=fact.page, row=slot.row, col=slot.col, code=fact.code,
        code_source=fact.code_source, labels=tuple(fact.labels), raw_labels=tuple(fact.raw_labels),
        column=fact.column, value=fact.value, value_kind=fact.kind, unit=fact.unit, raw=fact.raw,
        evidence=Evidence(ocr_confidence=stored.ocr_confidence, agreement=stored.agreement,
                          unexplained_ink=stored.unexplained_ink, unread_marks=stored.unread_marks),
        bbox=BBox(*fact.bbox), reasons=tuple(r for r in fact.reasons if r not in LOW_CONFIDENCE_REASONS),
        form=fact.form, gov_code=fact.gov_code, checks_passed=stored.checks_passed,
        checks_failed=stored.checks_failed, row_span=slot.row_span, col_span=slot.col_span,
        readings=tuple(fact.readings), broken=tuple(fact.broken_identities),
        table=stored.table or TableSignals(), read_by=fact.read_by or "",
    )
    again = finish(draft, DocumentIdentity(sha256=fact.document, source=fact.source), accept_threshold,
                   page_image=fact.page_image_sha256)
    return again.model_copy(update={"grid_cell": fact.grid_cell, "review": fact.review})
