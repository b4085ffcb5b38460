"""What a reading says about how far to trust it: one value type from the cell to the fact to the model.

A cell's reading carries its evidence (pipeline.read); a fact combines the
evidence of every cell it rests on (its value, its labels, its code) with one
operation; the confidence model reads the combined evidence (pipeline.score).
A new signal is a new field here and one line in :meth:`Evidence.combined`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Evidence:
    # The recogniser's own score, 0..1 (1.0 for a blank cell: nothing was guessed).
    ocr_confidence: float = 1.0
    # How closely a second engine's reading matched, 0..1 (pipeline.read.crosscheck); None when the
    # cell was not read twice (blank, a number, a code or a known vocabulary word).
    agreement: float | None = None
    # Ems of ink on the widest-missing line that the text does not account for (pipeline.read.inkwidth):
    # about one where a full-width character was dropped.
    unexplained_ink: float = 0.0
    # Loose marks (· 、 “ …) in the ink that the text lacks (pipeline.read.inkwidth.unread_marks).
    unread_marks: int = 0

    def combined(self, *others: Evidence) -> Evidence:
        """The evidence of a reading resting on all of these: each signal at its weakest."""
        return combine((self, *others))


def combine(evidences: Iterable[Evidence]) -> Evidence:
    """Weakest OCR score, weakest known agreement, most unexplained ink, most unread marks."""
    items = list(evidences)
    if not items:
        return Evidence()
    agreements = [e.agreement for e in items if e.agreement is not None]
    return Evidence(
        ocr_confidence=min(e.ocr_confidence for e in items),
        agreement=min(agreements) if agreements else None,
        unexplained_ink=max(e.unexplained_ink for e in items),
        unread_marks=max(e.unread_marks for e in items),
    )


@dataclass(frozen=True, slots=True)
class TableSignals:
    """What the whole table a fact sits in, and its document, say about trusting it: a grid or header
    that does not fit its kind, or arithmetic failing across the table, doubts every fact in it, even
    one whose own cell reads cleanly.  The defaults are a table that fits and holds together."""

    # 0..1: how well the header block matched the kind's template as a whole (1.0 without a template).
    header_fit: float = 1.0
    # 0..1: share of value columns named by the template because their printed header was misread.
    renamed_share: float = 0.0
    # 0..1: share of the table's numbers that break an arithmetic identity (pipeline.score.table_signals).
    failed_share: float = 0.0
    # 0..1: share of the table's numbers no identity confirmed (checked neither way).
    unconfirmed_share: float = 0.0
    # 0..1: share of the table's facts whose label or code names nothing in the catalogs (unmatched,
    # or a code and a name that disagree): a grid whose rows or columns came apart reads clean words
    # into the wrong cells, the catalog's pages above all, where no arithmetic checks a row.
    unmatched_share: float = 0.0
    # 0..1: share of the whole document's numbers that break an identity: how well this scan reads at
    # all, which also speaks for the text cells no arithmetic can check (a fax's misread words).
    document_failed_share: float = 0.0
