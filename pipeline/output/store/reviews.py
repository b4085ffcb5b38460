"""Operators' decisions on facts: applied, audited, undone, re-validated, carried to a re-read file.

The fact row holds the current state, which is what the views and every export read: after a
decision its value, code and labels are the operator's, its status ``accepted`` and its reasons
say so (``accepted_by_operator``, ``corrected_by_operator``, ``not_a_fact``).  Nothing is lost:

* every decision is a ``review_events`` row (who, when, the fact's reviewable fields before and
  after); an undo is an event of its own that restores the fields an earlier event found;
* ``facts.as_read`` keeps the fields as the pipeline emitted them, from the first change on;
* ``facts.version`` rises with every change, and a decision names the version it was taken on:
  a second operator deciding on a fact that changed under them gets :class:`VersionConflict`, and
  the first operator's decision stands;
* a correction that closes an identity the pipeline found broken re-validates the facts that took
  part in it (the same confidence model and rules as at ingest), and an undo re-opens it;
* an operator's decision is tied to the file's sha256 and the fact's cell: a later pipeline version
  reading the same file takes it over (:func:`carry_over`, at ingest);
* a corrected label teaches an alias (pipeline.check.aliases) that later ingests read; undoing the
  correction revokes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import OPERATOR_REASONS, Fact, ReviewReason
from pipeline.output.store.schema import DocumentRow, FactRow, LabelAliasRow, ReviewEventRow
from pipeline.settings import DEFAULT_ACCEPT_THRESHOLD

Action = Literal["accept", "correct", "reject"]
# What each decision leaves on the fact: facts.review_state, and the reason exports show.
_STATE = {"accept": "accepted", "correct": "corrected", "reject": "not_a_fact"}
_REASON = {"accept": ReviewReason.ACCEPTED_BY_OPERATOR, "correct": ReviewReason.CORRECTED_BY_OPERATOR,
           "reject": ReviewReason.NOT_A_FACT}
_ACTION_OF_STATE = {state: action for action, state in _STATE.items()}
# The fields a decision or a re-validation may change: what events keep before and after.
REVIEWABLE = ("value", "code", "labels", "first_label", "amount", "status", "reasons", "confidence",
              "broken_identities", "review_state", "reviewed_by", "reviewed_at")
# Who carries a decision over to a re-read file.
INGEST_ACTOR = "ingest"


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    # For a correction: the operator's value, code and first label (None: leave it as it is).
    value: str | None = None
    code: str | None = None
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    event_id: int
    fact_id: int
    action: str  # the event's action (a correction that changes nothing is an accept)
    version: int  # the fact's version after it
    revalidated: tuple[int, ...]  # other facts whose status or reasons the decision changed


class ReviewError(Exception):
    """A decision that cannot be taken; the message says why, for the operator."""


class FactNotFound(ReviewError):
    pass


class InvalidDecision(ReviewError):
    pass


class NothingToUndo(ReviewError):
    pass


class VersionConflict(ReviewError):
    """The fact changed since the operator opened it; their decision was not applied."""

    def __init__(self, fact_id: int, expected: int, current: int, by: str | None, at: datetime | None,
                 action: str | None) -> None:
        self.fact_id, self.expected, self.current = fact_id, expected, current
        self.by, self.at, self.action = by, at, action
        super().__init__(f"fact {fact_id} changed since version {expected}: {action or 'a change'} by "
                         f"{by or 'someone'} made it version {current}")


def _now() -> datetime:
    return datetime.now(UTC)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def snapshot(row: FactRow) -> dict[str, Any]:
    """The fact's reviewable fields as JSON (an event's ``before`` and ``after``)."""
    return {name: _jsonable(getattr(row, name)) for name in REVIEWABLE}


def _restore(row: FactRow, saved: dict[str, Any]) -> None:
    for name in REVIEWABLE:
        value = saved.get(name)
        if name == "reviewed_at" and isinstance(value, str):
            value = datetime.fromisoformat(value)
        setattr(row, name, value)


def _keep_as_read(row: FactRow) -> None:
    """Before the first change: the fields as the pipeline emitted them."""
    if row.as_read is None:
        row.as_read = snapshot(row)


def _amount(value: str, kind: str) -> float | None:
    from pipeline.output.store.store import _amount as amount

    return amount(value, kind)


# --- deciding ----------------------------------------------------------------------------


def _claim(session: Session, fact_id: int, expected_version: int) -> FactRow:
    """Take the fact's next version, or fail if another decision took it first.  One UPDATE with the
    version in its WHERE clause: of two operators on one version, exactly one gets the row."""
    claimed = session.execute(update(FactRow).where(FactRow.id == fact_id, FactRow.version == expected_version)
                              .values(version=FactRow.version + 1).execution_options(synchronize_session=False))
    row = session.get(FactRow, fact_id, populate_existing=True)
    if row is None:
        raise FactNotFound(f"no fact {fact_id}")
    if claimed.rowcount != 1:
        last = session.scalars(select(ReviewEventRow).where(ReviewEventRow.fact_id == fact_id)
                               .order_by(ReviewEventRow.id.desc()).limit(1)).first()
        raise VersionConflict(fact_id, expected_version, row.version, last.actor if last else None,
                              last.at if last else None, last.action if last else None)
    return row


def _normalised_value(row: FactRow, text: str) -> str:
    from pipeline.text import parse_decimal

    text = " ".join(text.split())
    if not text:
        raise InvalidDecision("a correction needs a value; use 'not a fact' for a cell that holds none")
    if row.value_kind == "number":
        number = parse_decimal(text)
        if number is None:
            raise InvalidDecision(f"{text!r} is not a number")
        # Typed 830.5 in a column printed with two decimals: 830.50, as the table prints it.
        printed = len(row.value.split(".", 1)[1]) if "." in row.value else 0
        if -number.as_tuple().exponent < printed:  # type: ignore[operator]
            number = number.quantize(Decimal(1).scaleb(-printed))
        return format(number, "f")
    return text


def _corrections(row: FactRow, decision: Decision) -> dict[str, Any]:
    """What the correction changes: value, code, first label (only what differs)."""
    changes: dict[str, Any] = {}
    if decision.value is not None:
        value = _normalised_value(row, decision.value)
        if value != row.value:
            changes["value"] = value
    if decision.code is not None:
        code = decision.code.strip() or None
        if code != row.code:
            changes["code"] = code
    if decision.label is not None and decision.label.strip():
        label = decision.label.strip()
        labels = list(row.labels or [])
        if not labels or labels[0] != label:
            changes["labels"] = [label, *labels[1:]]
    return changes


def _mark(row: FactRow, action: Action, actor: str, at: datetime) -> None:
    row.review_state = _STATE[action]
    # Looked at by a person: no longer in doubt, whatever the model said; the model's estimate
    # stays in the events' ``before`` and in ``as_read``.
    row.status = "accepted"
    row.confidence = 1.0
    row.reasons = [r for r in (row.reasons or []) if r not in OPERATOR_REASONS] + [str(_REASON[action])]
    row.reviewed_by = actor
    row.reviewed_at = at


def _teach_alias(session: Session, row: FactRow, old_label: str | None, actor: str, at: datetime) -> int:
    from pipeline.check.aliases import alias_key

    read = (row.raw_labels or [None])[0] or old_label or ""
    alias = LabelAliasRow(alias=read, alias_key=alias_key(read), label=row.labels[0], code=row.code,
                          kind=row.kind, created_by=actor, created_at=at, fact_id=row.id)
    session.add(alias)
    session.flush()
    return alias.id


def decide(session: Session, fact_id: int, actor: str, decision: Decision, expected_version: int,
           accept_threshold: float = DEFAULT_ACCEPT_THRESHOLD) -> Outcome:
    """Apply an operator's decision to the fact at ``expected_version`` (in the caller's transaction)."""
    current = session.get(FactRow, fact_id)
    if current is None:
        raise FactNotFound(f"no fact {fact_id}")
    action: Action = decision.action
    # Checked before anything is written: a value that is no number changes nothing.
    changes = _corrections(current, decision) if action == "correct" else {}
    row = _claim(session, fact_id, expected_version)
    at = _now()
    before = snapshot(row)
    if action == "correct" and not changes:
        action = "accept"  # nothing differs: the reading was right
    _keep_as_read(row)
    old_label = (row.labels or [None])[0]
    if "value" in changes:
        row.value = changes["value"]
        row.amount = _amount(row.value, row.value_kind)
    if "code" in changes:
        row.code = changes["code"]
    if "labels" in changes:
        row.labels = changes["labels"]
        row.first_label = changes["labels"][0]
    _mark(row, action, actor, at)
    alias_id = _teach_alias(session, row, old_label, actor, at) if "labels" in changes else None
    revalidated = revalidate(session, row.document_id, accept_threshold)
    event = ReviewEventRow(fact_id=row.id, at=at, actor=actor, action=action, new_value=row.value,
                           before=before, after={**snapshot(row), "alias_id": alias_id, "revalidated": revalidated},
                           fact_version=row.version)
    session.add(event)
    session.flush()
    return Outcome(event.id, row.id, action, row.version, tuple(r["fact_id"] for r in revalidated))


def undo(session: Session, fact_id: int, actor: str, expected_version: int,
         accept_threshold: float = DEFAULT_ACCEPT_THRESHOLD) -> Outcome:
    """Undo the fact's latest decision not yet undone: its fields as that decision found them."""
    row = _claim(session, fact_id, expected_version)
    events = list(session.scalars(select(ReviewEventRow).where(ReviewEventRow.fact_id == fact_id)
                                  .order_by(ReviewEventRow.id.desc())))
    undone = {e.undoes for e in events if e.action == "undo"}
    target = next((e for e in events if e.action != "undo" and e.id not in undone and e.before is not None), None)
    if target is None:
        raise NothingToUndo(f"fact {fact_id} has no decision to undo")
    at = _now()
    before = snapshot(row)
    _restore(row, target.before or {})
    alias_id = (target.after or {}).get("alias_id")
    if alias_id is not None:
        alias = session.get(LabelAliasRow, alias_id)
        if alias is not None and alias.revoked_at is None:
            alias.revoked_by, alias.revoked_at = actor, at
    revalidated = revalidate(session, row.document_id, accept_threshold)
    event = ReviewEventRow(fact_id=row.id, at=at, actor=actor, action="undo", new_value=row.value, undoes=target.id,
                           before=before, after={**snapshot(row), "revalidated": revalidated},
                           fact_version=row.version)
    session.add(event)
    session.flush()
    return Outcome(event.id, row.id, "undo", row.version, tuple(r["fact_id"] for r in revalidated))


# --- re-validation ---------------------------------------------------------------------------

CellRef = tuple[int, int, int]


def _ref(row: FactRow) -> CellRef | None:
    cell = row.grid_cell
    return (int(cell["table"]), int(cell["row"]), int(cell["col"])) if cell else None


def _values(rows: list[FactRow]) -> dict[CellRef, Decimal]:
    """Each number cell's current value (an operator's correction included; "not a fact" counts as blank)."""
    values: dict[CellRef, Decimal] = {}
    for row in rows:
        ref = _ref(row)
        if ref is None or row.value_kind != "number" or row.review_state == "not_a_fact":
            continue
        try:
            values[ref] = Decimal(row.value)
        except InvalidOperation:
            continue
    return values


def _sum(cells: list[list[int]], values: dict[CellRef, Decimal], without: CellRef | None = None) -> Decimal:
    return sum((values.get(tuple(c), Decimal(0)) for c in cells if tuple(c) != without), Decimal(0))  # type: ignore[misc]


def _judged(identity: dict[str, Any], ref: CellRef, values: dict[CellRef, Decimal]) -> dict[str, Any] | None:
    """The identity with its expected value for ``ref`` as the cells now stand; None once it holds."""
    total, parts = identity["total"], identity["parts"]
    if _sum(total, values) == _sum(parts, values):
        return None
    others_total, others_parts = _sum(total, values, ref), _sum(parts, values, ref)
    in_total = any(tuple(c) == ref for c in total)
    needed = others_parts - others_total if in_total else others_total - others_parts
    return {**identity, "expected": format(needed, "f")}


def revalidate(session: Session, document_id: int, accept_threshold: float = DEFAULT_ACCEPT_THRESHOLD
               ) -> list[dict[str, Any]]:
    """The document's undecided facts judged again against the identities the pipeline found broken,
    with every cell's current value: a closed identity's reason goes, its checks count as kept, and the
    confidence model decides the status again.  Returns what changed (fact id, before, after)."""
    from pipeline.output.store.store import _fact_model
    from pipeline.score.confidence import refinish

    document = session.get(DocumentRow, document_id)
    rows = list(session.scalars(select(FactRow).where(FactRow.document_id == document_id)))
    values = _values(rows)
    changes = []
    for row in rows:
        ref = _ref(row)
        base = row.as_read or snapshot(row)
        if ref is None or not base.get("broken_identities"):
            continue
        still, closed = [], []
        for identity in base["broken_identities"]:
            judged = _judged(identity, ref, values)
            (closed if judged is None else still).append(judged or identity)
        if row.review_state is not None:
            # An operator's decision stands; only what still does not add up is shown as broken.
            if row.broken_identities != still:
                row.broken_identities = still
            continue
        target = {"status": base["status"], "reasons": base["reasons"], "confidence": base["confidence"],
                  "broken_identities": still}
        if closed:
            open_reasons = {i["reason"] for i in still}
            gone = {i["reason"] for i in closed} - open_reasons
            evidence = dict(row.evidence or {"ocr_confidence": base["confidence"]})
            broke = sum(1 for i in closed if i["reason"] != ReviewReason.ROUNDING_DIFFERENCE)
            evidence["checks_failed"] = max(0, evidence.get("checks_failed", 0) - broke)
            evidence["checks_passed"] = evidence.get("checks_passed", 0) + len(closed)
            stored = _fact_model(row, document).model_dump()
            fact = Fact.model_validate({**stored, "reasons": [r for r in base["reasons"] if r not in gone],
                                        "evidence": evidence, "broken_identities": still, "review": None})
            again = refinish(fact, accept_threshold)
            target = {"status": again.status, "reasons": again.reasons, "confidence": again.confidence,
                      "broken_identities": still}
        now = {name: getattr(row, name) for name in target}
        if now == target:
            continue
        _keep_as_read(row)
        for name, value in target.items():
            setattr(row, name, value)
        if closed:
            row.evidence = evidence
        row.version += 1
        changes.append({"fact_id": row.id, "before": now, "after": target})
    return changes


# --- a re-read file takes over its decisions ---------------------------------------------------


def _centre_in(inner: list[float], outer: list[float]) -> bool:
    x, y = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return outer[0] <= x <= outer[2] and outer[1] <= y <= outer[3]


def same_cell(previous: FactRow, rows: list[FactRow]) -> FactRow | None:
    """The fact of ``rows`` read from the cell ``previous`` was: same page, same table kind, each cell's
    centre inside the other (a fact's identity does not depend on what OCR made of its text)."""
    found = [r for r in rows if r.page == previous.page and r.kind == previous.kind
             and _centre_in(previous.bbox, r.bbox) and _centre_in(r.bbox, previous.bbox)]
    return found[0] if len(found) == 1 else None


def carry_over(session: Session, document_id: int, accept_threshold: float = DEFAULT_ACCEPT_THRESHOLD) -> int:
    """Apply the operators' decisions on earlier stored versions of this document's file to the same
    cells of this version (an event ``carry`` each); returns how many were carried."""
    document = session.get(DocumentRow, document_id)
    assert document is not None
    decided = list(session.scalars(
        select(FactRow).join(DocumentRow, DocumentRow.id == FactRow.document_id)
        .where(DocumentRow.sha256 == document.sha256, DocumentRow.id != document_id,
               FactRow.review_state.is_not(None))
        .order_by(FactRow.reviewed_at, FactRow.id)))
    if not decided:
        return 0
    rows = list(session.scalars(select(FactRow).where(FactRow.document_id == document_id)))
    at, carried = _now(), []
    for previous in decided:
        row = same_cell(previous, rows)
        if row is None:
            continue
        before = snapshot(row)
        _keep_as_read(row)
        if previous.review_state == "corrected":
            row.value, row.amount, row.code = previous.value, previous.amount, previous.code
            row.labels, row.first_label = previous.labels, previous.first_label
        _mark(row, _ACTION_OF_STATE[previous.review_state], previous.reviewed_by or INGEST_ACTOR,
              previous.reviewed_at or at)
        row.version += 1
        carried.append((row, before, previous))
    session.flush()
    revalidated = revalidate(session, document_id, accept_threshold)
    for row, before, previous in carried:
        session.add(ReviewEventRow(
            fact_id=row.id, at=at, actor=INGEST_ACTOR, action="carry", new_value=row.value, before=before,
            after={**snapshot(row), "revalidated": revalidated},
            note=f"{previous.review_state} by {previous.reviewed_by} on fact {previous.id} of an earlier version",
            fact_version=row.version))
    session.flush()
    return len(carried)
