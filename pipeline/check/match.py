"""Row labels to their canonical spelling, by rapidfuzz against the vocabularies.

* 目录 rows: the name printed beside a code is matched to the catalog's name for
  that code (doubled words such as 检验检测检测 collapsed, traditional forms such
  as 交通運輸 compared simplified); a close match takes the catalog spelling.
* 科目 rows with a printed code: the label takes the catalog's spelling when it
  is a close match (an OCR slip), and keeps the printed one otherwise (the
  catalog may be an older edition, and the document is the authority).
* Names a document prints several times (a unit such as 山阴县外商外资联络服务中心,
  read 外经外贸 / 外贸外贸 in places) take the spelling most of its printings agree on.

Every replacement keeps the OCR text in ``raw_labels``; nothing is forced: a
label below the threshold stays as read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from rapidfuzz import fuzz

from models import UNIT_ROW_KINDS, ReviewReason, TableKind
from pipeline.check.catalog import Catalog, Kind
from pipeline.interpret.facts import DraftFact
from pipeline.text import collapse_doubled, normalize, strip_enumeration

# A printed 科目 name is only respelled from the catalog when this close (one slip in ~10 characters).
_CODE_NAME_SCORE = 90.0
# Names a document repeats: printings this close are the same name.
_SAME_NAME_SCORE = 80.0
_UNIT_KEYS = ("实施单位",)


def match_key(text: str) -> str:
    return normalize(collapse_doubled(strip_enumeration(text)))


def canonical_labels(drafts: list[DraftFact], catalog: Catalog, threshold: float) -> list[DraftFact]:
    drafts = [_catalog_row(d, catalog, threshold) for d in drafts]
    drafts = [_coded_row(d, catalog) for d in drafts]
    return _harmonise_units(drafts)


_CATALOG_LEVEL_COLUMNS = {1: "一级目录", 2: "二级目录", 3: "三级目录"}


def _catalog_row(draft: DraftFact, catalog: Catalog, threshold: float) -> DraftFact:
    if draft.kind != TableKind.PROCUREMENT_CATALOG or not draft.code:
        return draft
    entry = catalog.by_code(draft.code, Kind.PROCUREMENT)
    if entry is None:
        entry = _by_name_near_code(draft, catalog)
        if entry is None:
            return replace(draft, reasons=draft.reasons + (ReviewReason.UNMATCHED_LABEL,))
        draft = replace(draft, code=entry.code)
    column = _CATALOG_LEVEL_COLUMNS.get(entry.level)
    if column and draft.column != column:
        # The code's level says which 目录 column the name belongs in; a lost line moved it.
        draft = replace(draft, column=column)
    score = fuzz.ratio(match_key(draft.value), normalize(entry.name))
    if score < threshold:
        return replace(draft, reasons=draft.reasons + (ReviewReason.CODE_NAME_MISMATCH,))
    return replace(draft, value=entry.name, labels=(entry.name,))


def _by_name_near_code(draft: DraftFact, catalog: Catalog):
    """The catalog entry named like the row whose code is one OCR slip from the printed one (A12071 -> A1207)."""
    for found in catalog.match_name(match_key(draft.value), Kind.PROCUREMENT, limit=3):
        if found.score >= _CODE_NAME_SCORE and _one_edit(found.entry.code, draft.code or ""):
            return found.entry
    return None


def _one_edit(a: str, b: str) -> bool:
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return len(long_) - len(short) == 1 and any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _coded_row(draft: DraftFact, catalog: Catalog) -> DraftFact:
    if draft.kind == TableKind.PROCUREMENT_CATALOG or not draft.code or not draft.labels or draft.code_source != "printed":
        return draft
    entry = catalog.by_code(draft.code, Kind.FUNCTIONAL)
    if entry is None or normalize(entry.name) == normalize(draft.labels[0]):
        return draft
    if fuzz.ratio(match_key(draft.labels[0]), normalize(entry.name)) >= _CODE_NAME_SCORE:
        return replace(draft, labels=(entry.name,) + draft.labels[1:])
    return draft


def _harmonise_units(drafts: list[DraftFact]) -> list[DraftFact]:
    """Unit names printed in the project tables and the forms' 实施单位 agree on one spelling."""
    printings: Counter[str] = Counter()
    for d in drafts:
        if d.kind in UNIT_ROW_KINDS and d.labels:
            # A ledger table's row label outweighs a form's free text (2 : 1).
            printings[d.labels[0]] += 2
        elif d.labels and d.labels[0] in _UNIT_KEYS and d.value_kind == "text":
            printings[d.value] += 1
    if not printings:
        return drafts
    names = [name for name, _ in printings.most_common()]

    def best(text: str) -> str:
        key = match_key(text)
        candidates = [(printings[n], n) for n in names if fuzz.ratio(key, match_key(n)) >= _SAME_NAME_SCORE]
        return max(candidates)[1] if candidates else text

    out = []
    for d in drafts:
        if d.labels and d.labels[0] in _UNIT_KEYS and d.value_kind == "text":
            d = replace(d, value=best(d.value))
        out.append(d)
    return out
