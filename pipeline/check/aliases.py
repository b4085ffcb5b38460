"""Labels operators corrected, read the operator's way at later ingests (``yusuan catalog aliases``).

An operator who corrects a row's label in ``yusuan review`` teaches an alias: the label as it was
read (its comparison key) stands for the operator's label, in the table kind it was corrected in,
with the code the operator gave, if any.  Aliases are applied to the drafts before codes are
implied and labels matched, so a corrected name finds its code as a correctly printed one would.
``raw_labels`` keeps what OCR read; an alias never overrides a printed code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from pipeline.check.match import match_key
from pipeline.interpret.facts import DraftFact


@dataclass(frozen=True, slots=True)
class LabelAlias:
    alias_key: str  # match_key of the label as read
    label: str  # the operator's label
    code: str | None = None
    kind: str | None = None  # the table kind it applies to; None: every kind


def alias_key(label: str) -> str:
    return match_key(label)


def apply_aliases(drafts: Iterable[DraftFact], aliases: Iterable[LabelAlias]) -> list[DraftFact]:
    """Drafts whose first label (as read) an alias names take the alias's label, and its code where
    none is printed.  A kind's own alias wins over one for every kind; a later alias over an earlier."""
    table: dict[tuple[str | None, str], LabelAlias] = {(a.kind, a.alias_key): a for a in aliases}
    if not table:
        return list(drafts)
    out = []
    for draft in drafts:
        key = alias_key(draft.raw_labels[0]) if draft.raw_labels else ""
        alias = table.get((str(draft.kind), key)) or table.get((None, key)) if key else None
        if alias is not None:
            draft = replace(draft, labels=(alias.label,) + draft.labels[1:])
            if alias.code and not draft.code:
                draft = replace(draft, code=alias.code, code_source="implied")
        out.append(draft)
    return out
