"""What the next ingest makes of the operators' work: the sink stores a new reading of a reviewed file
first and emits it as stored (decisions carried over), and hands the flow the aliases to read."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from _bench import Bench, misread_result
from flows.sink import OutputSink
from pipeline.output.store import open_store
from pipeline.output.store.reviews import Decision, decide
from pipeline.output.store.schema import FactRow


def test_a_new_reading_of_a_reviewed_file_is_emitted_with_its_decisions(bench: Bench, tmp_path: Path) -> None:
    with open_store(bench.url) as store, store.session() as session, session.begin():
        rows = session.scalars(select(FactRow).where(FactRow.code == "2010101")).all()
        misread = next(r for r in rows if r.column_path.endswith("基本支出"))
        decide(session, misread.id, "alice", Decision("correct", value="830.50"), misread.version)
        label = next(r for r in session.scalars(select(FactRow).where(FactRow.code == "2010102")))
        decide(session, label.id, "alice", Decision("correct", label="一般行政管理事务（复核）"), label.version)
    sink = OutputSink(tmp_path / "out", open_store(bench.url))
    try:
        (alias,) = sink.label_aliases()
        assert alias.label == "一般行政管理事务（复核）"
        # This pipeline version has not stored the file yet: a new reading, as after an upgrade.
        sink.accept(misread_result(bench.image_sha256))
    finally:
        sink.close()
    records = [json.loads(line) for line in (tmp_path / "out" / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    (carried,) = [r for r in records if r["code"] == "2010101" and r["column"].endswith("基本支出")]
    assert carried["value"] == "830.50" and carried["raw"] == "870.60" and carried["status"] == "accepted"
    assert carried["review"]["by"] == "alice" and "corrected_by_operator" in carried["reasons"]
