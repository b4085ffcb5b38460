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

from pipeline.interpret.facts import DraftFact


def with_table_signals(drafts: Sequence[DraftFact], logical: Mapping[int, int]) -> list[DraftFact]:
    """Each fact with the failed and unconfirmed shares of the numbers of its logical table
    (``logical``: table index -> the index of the table's first page, continuations joined), and the
    failed share of the whole document's numbers."""
    numbers: dict[int, list[DraftFact]] = defaultdict(list)
    for draft in drafts:
        if draft.value_kind == "number":
            numbers[logical.get(draft.table_index, draft.table_index)].append(draft)
    every = [d for members in numbers.values() for d in members]
    document_failed = sum(1 for d in every if d.checks_failed) / len(every) if every else 0.0
    shares: dict[int, tuple[float, float]] = {}
    for table, members in numbers.items():
        failed = sum(1 for d in members if d.checks_failed)
        unconfirmed = sum(1 for d in members if not d.checks_failed and not d.checks_passed)
        shares[table] = (failed / len(members), unconfirmed / len(members))
    out = []
    for draft in drafts:
        failed_share, unconfirmed_share = shares.get(logical.get(draft.table_index, draft.table_index), (0.0, 0.0))
        out.append(replace(draft, table=replace(draft.table, failed_share=failed_share,
                                                unconfirmed_share=unconfirmed_share,
                                                document_failed_share=document_failed)))
    return out
