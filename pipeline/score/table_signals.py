"""How each table's numbers fared against the arithmetic, told to every fact of the table.

A grid whose columns slid by one, or a header read into the wrong columns, still yields cells
that read cleanly one by one; what gives it away is that the table's identities fail or go
unchecked across the board.  The confidence model reads these shares (models.TableSignals),
so a clean-looking cell in a table that does not hold together is not accepted on its own merit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

from models import ReviewReason
from pipeline.interpret.facts import DraftFact

# A label or code that names nothing the catalogs hold.
_UNMATCHED = frozenset({ReviewReason.UNMATCHED_LABEL, ReviewReason.CODE_NAME_MISMATCH})


def with_table_signals(drafts: Sequence[DraftFact], logical: Mapping[int, int]) -> list[DraftFact]:
    """Each fact with the failed and unconfirmed shares of the numbers of its logical table
    (``logical``: table index -> the index of the table's first page, continuations joined), the
    share of its facts whose label matches nothing, and the failed share of the whole document's numbers."""
    numbers: dict[int, list[DraftFact]] = defaultdict(list)
    members_of: dict[int, list[DraftFact]] = defaultdict(list)
    for draft in drafts:
        table = logical.get(draft.table_index, draft.table_index)
        members_of[table].append(draft)
        if draft.value_kind == "number":
            numbers[table].append(draft)
    unmatched = {table: sum(1 for d in members if _UNMATCHED & set(d.reasons)) / len(members)
                 for table, members in members_of.items()}
    every = [d for members in numbers.values() for d in members]
    document_failed = sum(1 for d in every if d.checks_failed) / len(every) if every else 0.0
    shares: dict[int, tuple[float, float]] = {}
    for table, members in numbers.items():
        failed = sum(1 for d in members if d.checks_failed)
        unconfirmed = sum(1 for d in members if not d.checks_failed and not d.checks_passed)
        shares[table] = (failed / len(members), unconfirmed / len(members))
    out = []
    for draft in drafts:
        table = logical.get(draft.table_index, draft.table_index)
        failed_share, unconfirmed_share = shares.get(table, (0.0, 0.0))
        out.append(replace(draft, table=replace(draft.table, failed_share=failed_share,
                                                unconfirmed_share=unconfirmed_share,
                                                unmatched_share=unmatched[table],
                                                document_failed_share=document_failed)))
    return out
