"""What the workbench shows: the queue of doubted facts, one fact with its evidence, a page, the audit log.

Read-only queries over the store; decisions go through pipeline.output.store.reviews.  Only the
latest stored version of each file is reviewed (the views' ``is_latest``): an operator's decisions
on it carry over to later versions (reviews.carry_over).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import FUNCTIONAL_CODE_KINDS, TableKind
from pipeline.check.catalog import Catalog, Kind
from pipeline.output.store.schema import CellRow, DocumentRow, FactRow, ReviewEventRow, TableRow

# A fact's amount in 元, so that 万元 and 元 tables weigh alike in the queue's order.
_UNIT_YUAN = {"元": 1, "千元": 1_000, "万元": 10_000, "亿元": 100_000_000}


@dataclass(frozen=True, slots=True)
class QueueFilter:
    reason: str | None = None
    kind: str | None = None
    document: str | None = None  # sha256

    def query(self) -> dict[str, str]:
        """The filter as query parameters (for links that keep it)."""
        return {k: v for k, v in (("reason", self.reason), ("kind", self.kind), ("document", self.document)) if v}


@dataclass(frozen=True, slots=True)
class QueueFact:
    id: int
    page: int
    column: str
    value: str
    unit: str | None
    confidence: float
    reasons: tuple[str, ...]
    impact: float


@dataclass
class QueueRow:
    label: str
    facts: list[QueueFact] = field(default_factory=list)

    @property
    def impact(self) -> float:
        return sum(f.impact for f in self.facts)


@dataclass
class QueueTable:
    table_id: int | None
    kind: str
    title: str
    page: int
    rows: list[QueueRow] = field(default_factory=list)

    @property
    def impact(self) -> float:
        return sum(r.impact for r in self.rows)


@dataclass
class QueueDocument:
    document_id: int
    sha256: str
    source: str
    tables: list[QueueTable] = field(default_factory=list)

    @property
    def impact(self) -> float:
        return sum(t.impact for t in self.tables)

    @property
    def count(self) -> int:
        return sum(len(r.facts) for t in self.tables for r in t.rows)


def impact(amount: float | None, unit: str | None, confidence: float) -> float:
    """What a wrong fact would cost: its amount in 元 (1 for text) times the doubt (1 - confidence)."""
    yuan = abs(amount) * _UNIT_YUAN.get(unit or "", 1) if amount is not None else 1.0
    return yuan * (1.0 - confidence)


def latest_documents() -> Any:
    return select(func.max(DocumentRow.id)).group_by(DocumentRow.sha256)


def queue(session: Session, flt: QueueFilter) -> list[QueueDocument]:
    """The undecided ``needs_review`` facts of every file's latest version: document -> table -> row,
    each level and each fact ordered by impact, largest first."""
    query = (select(FactRow, DocumentRow, TableRow)
             .join(DocumentRow, DocumentRow.id == FactRow.document_id)
             .outerjoin(TableRow, TableRow.id == FactRow.table_id)
             .where(FactRow.status == "needs_review", FactRow.review_state.is_(None),
                    DocumentRow.id.in_(latest_documents())))
    if flt.kind:
        query = query.where(FactRow.kind == flt.kind)
    if flt.document:
        query = query.where(DocumentRow.sha256 == flt.document)
    documents: dict[int, QueueDocument] = {}
    tables: dict[tuple[int, int | None, str, int], QueueTable] = {}
    rows: dict[tuple[Any, ...], QueueRow] = {}
    for fact, document, table in session.execute(query.order_by(FactRow.id)):
        if flt.reason and flt.reason not in (fact.reasons or []):
            continue
        doc = documents.setdefault(document.id, QueueDocument(document.id, document.sha256, document.source))
        table_key = (document.id, fact.table_id, fact.kind, fact.page if table is None else table.page)
        if table_key not in tables:
            tables[table_key] = QueueTable(fact.table_id, fact.kind, table.title if table is not None else fact.kind,
                                           table_key[3])
            doc.tables.append(tables[table_key])
        grid_row = (fact.grid_cell or {}).get("row")
        row_key = (*table_key, grid_row if grid_row is not None else f"{fact.code}|{fact.first_label}")
        if row_key not in rows:
            rows[row_key] = QueueRow(" ".join(x for x in (fact.code, fact.first_label) if x) or "(no label)")
            tables[table_key].rows.append(rows[row_key])
        rows[row_key].facts.append(QueueFact(fact.id, fact.page, fact.column_path, fact.value, fact.unit,
                                             fact.confidence, tuple(fact.reasons or ()),
                                             impact(fact.amount, fact.unit, fact.confidence)))
    ordered = sorted(documents.values(), key=lambda d: -d.impact)
    for doc in ordered:
        doc.tables.sort(key=lambda t: -t.impact)
        for table in doc.tables:
            table.rows.sort(key=lambda r: -r.impact)
            for row in table.rows:
                row.facts.sort(key=lambda f: -f.impact)
    return ordered


def queue_ids(groups: list[QueueDocument]) -> list[int]:
    """The queue's facts in the order it shows them: what "next" and "previous" walk."""
    return [f.id for d in groups for t in d.tables for r in t.rows for f in r.facts]


def filter_choices(session: Session) -> dict[str, list[Any]]:
    """What the queue can be filtered by: the reasons, table kinds and documents that occur in it."""
    query = (select(FactRow.reasons, FactRow.kind, DocumentRow.sha256, DocumentRow.source)
             .join(DocumentRow, DocumentRow.id == FactRow.document_id)
             .where(FactRow.status == "needs_review", FactRow.review_state.is_(None),
                    DocumentRow.id.in_(latest_documents())))
    reasons, kinds, documents = set(), set(), {}
    for fact_reasons, kind, sha256, source in session.execute(query):
        reasons.update(fact_reasons or [])
        kinds.add(kind)
        documents[sha256] = source
    return {"reasons": sorted(reasons), "kinds": sorted(kinds),
            "documents": sorted(documents.items(), key=lambda item: item[1])}


# --- one fact -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    code: str
    name: str
    score: float


@dataclass(frozen=True, slots=True)
class FactDetail:
    fact: FactRow
    document: DocumentRow
    table: TableRow | None
    row_facts: list[FactRow]  # the other facts of its printed row, left to right
    matches: list[Match]
    events: list[ReviewEventRow]
    can_undo: bool


def _catalog_kind(kind: str) -> Kind | None:
    if kind in {str(k) for k in FUNCTIONAL_CODE_KINDS}:
        return Kind.FUNCTIONAL
    if kind == TableKind.BASIC_EXPENDITURE_ECONOMIC:
        return Kind.ECONOMIC
    if kind == TableKind.PROCUREMENT_CATALOG:
        return Kind.PROCUREMENT
    return None


def matches(catalog: Catalog, kind: str, label: str | None, limit: int = 3) -> list[Match]:
    """The catalog's closest names to the row's label, with rapidfuzz scores (0..100)."""
    catalog_kind = _catalog_kind(kind)
    if catalog_kind is None or not label:
        return []
    return [Match(m.entry.code, m.entry.name, round(m.score, 1))
            for m in catalog.match_name(label, catalog_kind, limit=limit)]


def fact_detail(session: Session, fact_id: int, catalog: Catalog) -> FactDetail | None:
    fact = session.get(FactRow, fact_id)
    if fact is None:
        return None
    document = session.get(DocumentRow, fact.document_id)
    assert document is not None
    table = session.get(TableRow, fact.table_id) if fact.table_id is not None else None
    grid_row = (fact.grid_cell or {}).get("row")
    row_facts = []
    if fact.table_id is not None and grid_row is not None:
        same_table = session.scalars(select(FactRow).where(FactRow.table_id == fact.table_id).order_by(FactRow.ordinal))
        row_facts = [f for f in same_table if (f.grid_cell or {}).get("row") == grid_row]
    events = list(session.scalars(select(ReviewEventRow).where(ReviewEventRow.fact_id == fact_id)
                                  .order_by(ReviewEventRow.id)))
    undone = {e.undoes for e in events if e.action == "undo"}
    can_undo = any(e.action != "undo" and e.id not in undone for e in events)
    label = (fact.raw_labels or fact.labels or [None])[0]
    return FactDetail(fact, document, table, row_facts, matches(catalog, fact.kind, label), events, can_undo)


def table_cells(session: Session, table_id: int) -> list[CellRow]:
    return list(session.scalars(select(CellRow).where(CellRow.table_id == table_id)))


# --- a page -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PageView:
    document: DocumentRow
    page: int
    image_sha256: str | None
    facts: list[FactRow]
    cells: list[CellRow]
    pages: list[int]  # the document's pages that have facts


def page_view(session: Session, document_id: int, page: int) -> PageView | None:
    document = session.get(DocumentRow, document_id)
    if document is None:
        return None
    facts = list(session.scalars(select(FactRow).where(FactRow.document_id == document_id, FactRow.page == page)
                                 .order_by(FactRow.ordinal)))
    tables = list(session.scalars(select(TableRow).where(TableRow.document_id == document_id, TableRow.page == page)))
    cells = list(session.scalars(select(CellRow).where(CellRow.table_id.in_([t.id for t in tables])))) if tables else []
    image = next((t.page_image_sha256 for t in tables if t.page_image_sha256),
                 next((f.page_image_sha256 for f in facts if f.page_image_sha256), None))
    pages = sorted(session.scalars(select(FactRow.page).where(FactRow.document_id == document_id).distinct()))
    return PageView(document, page, image, facts, cells, pages)


def status_class(fact: FactRow) -> str:
    """The colour a fact's cell gets on the page view."""
    if fact.review_state == "not_a_fact":
        return "not-a-fact"
    if fact.review_state is not None:
        return "reviewed"
    if fact.status == "needs_review":
        return "needs-review"
    return "corrected" if "corrected_by_arithmetic" in (fact.reasons or []) else "accepted"


# --- the audit log ------------------------------------------------------------------------------


def audit_log(session: Session, limit: int = 200, fact_id: int | None = None) -> list[tuple[ReviewEventRow, FactRow]]:
    query = select(ReviewEventRow, FactRow).join(FactRow, FactRow.id == ReviewEventRow.fact_id)
    if fact_id is not None:
        query = query.where(ReviewEventRow.fact_id == fact_id)
    return [(e, f) for e, f in session.execute(query.order_by(ReviewEventRow.id.desc()).limit(limit))]


def known_image(session: Session, sha256: str) -> bool:
    """Only page images the database knows are ever served."""
    from pipeline.output.store.schema import PageImageRow

    return session.get(PageImageRow, sha256) is not None

