"""Document-level codes: printed codes checked, implied codes filled in.

A printed 科目编码 is trusted by its structure (3, 5 or 7 digits, its parent
printed in the same table) and by agreement with the same row in the
document's other tables, not by the shipped catalog, which may be an older
edition.  Rows that imply a code without printing it get it from the codes
this document prints elsewhere, then from the catalog.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from rapidfuzz import fuzz

from models import FUNCTIONAL_CODE_KINDS, SIDE_BY_SIDE_KINDS, ReviewReason, TableKind
from pipeline.check.catalog import Catalog, Kind
from pipeline.interpret.facts import DraftFact
from pipeline.code_syntax import CATALOG_CODE_LOST_LETTER, FUNCTIONAL_CODE
from pipeline.text import normalize, strip_enumeration

# Tables whose class rows (一、一般公共服务支出) imply a functional class code.
_CLASS_ROW_TABLES = SIDE_BY_SIDE_KINDS
_TOTAL_WORDS = ("合计", "总计", "小计")
# rapidfuzz ratio (0..100) at which the catalog's name for a printed code agrees with the printed name:
# one slip in about ten characters, the same bar as respelling a printed name (pipeline.check.match).
_CATALOG_AGREES_SCORE = 90.0


def label_key(text: str) -> str:
    return normalize(strip_enumeration(text))


def assign_codes(drafts: list[DraftFact], catalog: Catalog, match_threshold: float) -> list[DraftFact]:
    drafts = _restore_catalog_letters(drafts)
    printed = _printed_names(drafts)
    drafts = [_check_printed(d, printed, catalog) for d in drafts]
    out: list[DraftFact] = []
    # Economic items are listed under their class row (资本性支出 then 办公设备购置):
    # the class seen last in the same table settles names that several classes share.
    economic_class: dict[int, str] = {}
    for draft in drafts:
        implied = _imply(draft, printed, catalog, match_threshold, economic_class.get(draft.table_index))
        if implied.kind == TableKind.BASIC_EXPENDITURE_ECONOMIC and implied.code and len(implied.code) == 3:
            economic_class[implied.table_index] = implied.code
        out.append(implied)
    return out


def _restore_catalog_letters(drafts: list[DraftFact]) -> list[DraftFact]:
    """目录 codes whose letter OCR read as 0 (00301) take the letter of the codes around them."""
    out, letter = [], None
    for draft in drafts:
        if draft.kind == TableKind.PROCUREMENT_CATALOG and draft.code:
            match = CATALOG_CODE_LOST_LETTER.match(draft.code)
            if draft.code[0].isalpha():
                letter = draft.code[0]
            elif match and letter:
                draft = replace(draft, code=f"{letter}{match.group(1)}")
            else:
                draft = replace(draft, code=None, reasons=draft.reasons + (ReviewReason.UNMATCHED_LABEL,))
        out.append(draft)
    return out


def _printed_names(drafts: list[DraftFact]) -> dict[str, dict[str, int]]:
    """For every printed functional code, in how many printed rows each label key stood beside it.

    Counted per row, not per fact: a row with three amounts is still one printing.
    """
    rows: dict[str, dict[str, set[tuple[int, int]]]] = defaultdict(lambda: defaultdict(set))
    for draft in drafts:
        if draft.kind in FUNCTIONAL_CODE_KINDS and draft.code and draft.labels:
            rows[draft.code][label_key(draft.labels[0])].add((draft.table_index, draft.row))
    return {code: {label: len(where) for label, where in labels.items()} for code, labels in rows.items()}


def _check_printed(draft: DraftFact, printed: dict[str, dict[str, int]], catalog: Catalog) -> DraftFact:
    if draft.kind not in FUNCTIONAL_CODE_KINDS or not draft.code:
        return draft
    code = draft.code
    if not FUNCTIONAL_CODE.match(code):
        return replace(draft, reasons=draft.reasons + (ReviewReason.CODE_NAME_MISMATCH,))
    label = label_key(draft.labels[0]) if draft.labels else ""
    names = printed.get(code, {})
    agreeing = names.get(label, 0) - 1  # the other printed rows with this very name
    disagreeing = sum(n for other, n in names.items() if other != label)
    # Other tables repeat the row (tables 2, 3, 5): the name must win there, or the catalog agree.
    if (agreeing >= 1 and agreeing >= disagreeing) or _catalog_agrees(catalog, code, label):
        return draft
    return replace(draft, reasons=draft.reasons + (ReviewReason.CODE_NAME_MISMATCH,))


def _catalog_agrees(catalog: Catalog, code: str, label: str) -> bool:
    entry = catalog.by_code(code, Kind.FUNCTIONAL)
    return entry is not None and fuzz.ratio(normalize(entry.name), label) >= _CATALOG_AGREES_SCORE


def _imply(draft: DraftFact, printed: dict[str, dict[str, int]], catalog: Catalog, threshold: float,
           economic_class: str | None = None) -> DraftFact:
    if draft.code or not draft.labels:
        return draft
    if draft.kind in _CLASS_ROW_TABLES:
        label = label_key(draft.labels[0])
        if not label.endswith(("支出", "预备费")) or any(w in label for w in _TOTAL_WORDS):
            return draft
        code = _class_code(label, printed, catalog, threshold)
    elif draft.kind == TableKind.BASIC_EXPENDITURE_ECONOMIC:
        label = label_key(draft.labels[0])
        if any(w in label for w in _TOTAL_WORDS):
            return draft
        code = _economic_code(label, catalog, threshold, economic_class)
        if len(draft.labels) > 1:
            draft = replace(draft, gov_code=_gov_economic_code(label_key(draft.labels[1]), catalog, threshold))
    else:
        return draft
    if code is None:
        return replace(draft, reasons=draft.reasons + (ReviewReason.UNMATCHED_LABEL,))
    return replace(draft, code=code, code_source="implied")


def _class_code(label: str, printed: dict[str, dict[str, int]], catalog: Catalog, threshold: float) -> str | None:
    for code, names in printed.items():
        if len(code) == 3 and label in names:
            return code
    candidates = [m for m in catalog.match_name(label, Kind.FUNCTIONAL, limit=5) if m.entry.level == 1]
    if candidates and candidates[0].score >= threshold:
        return candidates[0].entry.code
    return None


def _economic_code(label: str, catalog: Catalog, threshold: float, economic_class: str | None) -> str | None:
    exact = [e for e in catalog.by_name(label, Kind.ECONOMIC) if e.scheme == "dept"]
    if exact:
        under_class = [e for e in exact if economic_class and e.code.startswith(economic_class)]
        return (under_class or exact)[0].code
    matches = [m for m in catalog.match_name(label, Kind.ECONOMIC, limit=5) if m.entry.scheme == "dept"]
    if matches and matches[0].score >= threshold:
        return matches[0].entry.code
    return None


def _gov_economic_code(label: str, catalog: Catalog, threshold: float) -> str | None:
    """The 政府预算支出经济分类 code of the second name column (工资奖金津补贴 -> 50101), if the catalog has it."""
    exact = [e for e in catalog.by_name(label, Kind.ECONOMIC) if e.scheme == "gov"]
    if exact:
        return exact[0].code
    matches = [m for m in catalog.match_name(label, Kind.ECONOMIC, limit=5) if m.entry.scheme == "gov"]
    return matches[0].entry.code if matches and matches[0].score >= threshold else None
