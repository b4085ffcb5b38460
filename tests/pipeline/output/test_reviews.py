"""Operators' decisions in the store: audited, undone, re-validated, in conflict, carried to a re-read file.

A document with one misprinted amount, read by the real document recipe from a hand-built grid, on
SQLite (and PostgreSQL with YUSUAN_TEST_PG_URL, test_store.py's fixtures).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from test_store import SHA, SOURCE, db_url, store  # noqa: F401  (fixtures)

from _tables import GBE_HEADER, make_grid, page
from models import DocumentInfo, DocumentResult, StoredPageImage
from pipeline.check.catalog import load_default
from pipeline.document import assemble
from pipeline.output.export import export
from pipeline.output.store import Store
from pipeline.output.store.reviews import (
    Decision,
    InvalidDecision,
    NothingToUndo,
    VersionConflict,
    decide,
    undo,
)
from pipeline.output.store.schema import FactRow, LabelAliasRow, PageImageRow, ReviewEventRow
from pipeline.settings import Settings

ROWS = [
    [("合计", 1, 2), "1030.50", "830.50", "200.00"],
    ["201", "一般公共服务支出", "1030.50", "830.50", "200.00"],
    ["20101", "人大事务", "1030.50", "830.50", "200.00"],
    ["2010101", "行政运行", "830.50", "870.60", ""],  # 基本支出 printed 830.50, read two digits off
    ["2010102", "一般行政管理事务", "200.00", "", "200.00"],
]
IMAGE = StoredPageImage(page=1, sha256="b" * 64, width=1654, height=2339)


def misread_document(rows: list = ROWS) -> DocumentResult:
    info = DocumentInfo(path=Path(SOURCE), source=SOURCE, sha256=SHA, media_type="pdf", page_count=1, size_bytes=1)
    table_page = page(1, (["2025年一般公共预算支出预算表", "单位：万元"], make_grid(GBE_HEADER + rows)))
    return assemble(info, [table_page], Settings(), load_default(), [IMAGE])


def fact_at(store: Store, code: str, column: str, version: str | None = None) -> FactRow:  # noqa: F811
    with store.session() as session:
        rows = session.scalars(select(FactRow).where(FactRow.code == code).order_by(FactRow.id)).all()
        found = [r for r in rows if r.column_path.endswith(column)]
        return found[-1]


@pytest.fixture
def stored(store: Store) -> Store:  # noqa: F811
    assert store.save_document(misread_document(), "0.1.0")
    return store


def test_the_misread_cell_is_stored_with_what_would_close_its_identities(stored: Store) -> None:
    basic = fact_at(stored, "2010101", "基本支出")
    assert basic.status == "needs_review" and basic.version == 1 and basic.review_state is None
    assert {b["expected"] for b in basic.broken_identities} == {"830.50"}
    assert {b["reason"] for b in basic.broken_identities} == {"row_sum_mismatch", "hierarchy_sum_mismatch"}
    assert basic.page_image_sha256 == "b" * 64 and basic.grid_cell["row"] == 5
    with stored.session() as session:
        assert session.get(PageImageRow, "b" * 64).width == 1654


def test_a_correction_is_audited_closes_the_identities_and_undo_reopens_them(stored: Store, db_url: str,  # noqa: F811
                                                                            tmp_path: Path) -> None:
    basic = fact_at(stored, "2010101", "基本支出")
    doubted_neighbours = {(f.code, f.column_path) for f in _all(stored) if f.status == "needs_review"} - {
        ("2010101", basic.column_path)}
    assert doubted_neighbours  # the row's total and the 款 row's 基本支出 share its identities
    with stored.session() as session, session.begin():
        outcome = decide(session, basic.id, "alice", Decision("correct", value="830.5"), expected_version=1)
    assert outcome.action == "correct" and outcome.version == 2 and outcome.revalidated
    corrected = fact_at(stored, "2010101", "基本支出")
    assert (corrected.value, corrected.status, corrected.review_state, corrected.reviewed_by) == (
        "830.50", "accepted", "corrected", "alice")
    assert "corrected_by_operator" in corrected.reasons and corrected.raw == "870.60"
    assert corrected.as_read["value"] == "870.60" and corrected.as_read["status"] == "needs_review"
    assert corrected.broken_identities == [] and len(corrected.as_read["broken_identities"]) == 2
    # The identities it broke now hold: the facts doubted only for them were judged again.
    again = {(f.code, f.column_path): f for f in _all(stored)}
    for key in doubted_neighbours:
        assert not again[key].broken_identities
        assert not {"row_sum_mismatch", "hierarchy_sum_mismatch"} & set(again[key].reasons)
    with stored.session() as session:
        (event,) = session.scalars(select(ReviewEventRow)).all()
        assert (event.actor, event.action, event.before["value"], event.after["value"]) == (
            "alice", "correct", "870.60", "830.50")
    # The export and the records carry the operator's value and say so.
    facts_csv = export(db_url, "jsonl", tmp_path / "export")[0]  # then tables and the pivots
    exported = [line for line in facts_csv.read_text(encoding="utf-8").splitlines() if '"2010101"' in line
                and "基本支出" in line]
    assert '"value": "830.50"' in exported[0] and '"review": "corrected"' in exported[0]
    assert "corrected_by_operator" in exported[0]
    (record,) = [f for f in stored.facts_for(SHA) if f.code == "2010101" and f.column.endswith("基本支出")]
    assert record.review.action == "corrected" and record.review.by == "alice" and record.value == "830.50"

    with stored.session() as session, session.begin():
        undone = undo(session, basic.id, "bob", expected_version=2)
    assert undone.action == "undo"
    back = fact_at(stored, "2010101", "基本支出")
    assert (back.value, back.status, back.review_state) == ("870.60", "needs_review", None)
    reopened = {(f.code, f.column_path): f for f in _all(stored)}
    assert all(reopened[key].status == "needs_review" for key in doubted_neighbours)
    with pytest.raises(NothingToUndo), stored.session() as session, session.begin():
        undo(session, basic.id, "bob", expected_version=back.version)


def test_two_operators_on_one_fact_the_second_gets_a_conflict(stored: Store) -> None:
    basic = fact_at(stored, "2010101", "基本支出")
    with stored.session() as session, session.begin():
        decide(session, basic.id, "alice", Decision("accept"), expected_version=1)
    with pytest.raises(VersionConflict) as conflict, stored.session() as session, session.begin():
        decide(session, basic.id, "bob", Decision("correct", value="830.50"), expected_version=1)
    assert (conflict.value.by, conflict.value.action, conflict.value.current) == ("alice", "accept", 2)
    kept = fact_at(stored, "2010101", "基本支出")
    assert (kept.value, kept.review_state, kept.reviewed_by) == ("870.60", "accepted", "alice")


def test_a_correction_must_be_a_number_for_a_number(stored: Store) -> None:
    basic = fact_at(stored, "2010101", "基本支出")
    with pytest.raises(InvalidDecision), stored.session() as session, session.begin():
        decide(session, basic.id, "alice", Decision("correct", value="八百"), expected_version=1)
    assert fact_at(stored, "2010101", "基本支出").version == 1


def test_not_a_fact_leaves_the_records_but_stays_audited(stored: Store) -> None:
    basic = fact_at(stored, "2010101", "基本支出")
    before = len(stored.facts_for(SHA))
    with stored.session() as session, session.begin():
        decide(session, basic.id, "alice", Decision("reject"), expected_version=1)
    assert len(stored.facts_for(SHA)) == before - 1
    assert fact_at(stored, "2010101", "基本支出").reasons[-1] == "not_a_fact"


def test_a_re_read_file_keeps_its_corrections(stored: Store) -> None:
    basic = fact_at(stored, "2010101", "基本支出")
    with stored.session() as session, session.begin():
        decide(session, basic.id, "alice", Decision("correct", value="830.50"), expected_version=1)
    # A later pipeline version reads the same file (same sha256) again.
    assert stored.save_document(misread_document(), "0.2.0")
    latest = {(f.code, f.column): f for f in stored.facts_for(SHA, "0.2.0")}
    carried = latest[("2010101", "2025年预算数/基本支出")]
    assert (carried.value, carried.status, carried.review.action, carried.review.by) == (
        "830.50", "accepted", "corrected", "alice")
    assert not [f for f in latest.values() if f.status == "needs_review"]
    with stored.session() as session:
        events = session.scalars(select(ReviewEventRow).order_by(ReviewEventRow.id)).all()
    assert [e.action for e in events] == ["correct", "carry"] and events[1].before["value"] == "870.60"


def test_a_corrected_label_is_an_alias_read_at_the_next_ingest(stored: Store) -> None:
    name = fact_at(stored, "2010102", "合计")
    with stored.session() as session, session.begin():
        decide(session, name.id, "alice", Decision("correct", label="一般行政管理事务（改）"),
               expected_version=name.version)
    (alias,) = stored.label_aliases()
    assert (alias.label, alias.kind) == ("一般行政管理事务（改）", "general_budget_expenditure")
    result = assemble(misread_document().document, [page(1, (["2025年一般公共预算支出预算表", "单位：万元"],
                                                             make_grid(GBE_HEADER + ROWS)))],
                      Settings(), load_default().with_aliases(stored.label_aliases()))
    relabelled = [f for f in result.facts if f.raw_labels == ["一般行政管理事务"]]
    assert relabelled and all(f.labels == ["一般行政管理事务（改）"] for f in relabelled)
    # Undoing the correction revokes what it taught.
    with stored.session() as session, session.begin():
        undo(session, name.id, "alice", expected_version=name.version + 1)
    assert stored.label_aliases() == []
    with stored.session() as session:
        assert session.scalars(select(LabelAliasRow)).one().revoked_by == "alice"


def _all(store: Store) -> list[FactRow]:  # noqa: F811
    with store.session() as session:
        return list(session.scalars(select(FactRow).order_by(FactRow.id)))
