"""Table-level evidence: a header that fits its template, the shares of a table's numbers that break
or escape its identities, carried to each fact and read by the confidence model."""

from __future__ import annotations

from dataclasses import replace

from _tables import GBE_HEADER, make_grid, page
from models import TableSignals
from pipeline.check.catalog import load_default
from pipeline.document import draft_document
from pipeline.score.calibration import FEATURES, features
from pipeline.score.table_signals import with_table_signals
from pipeline.settings import Settings

ROWS = [["201", "一般公共服务支出", "100.00", "80.00", "20.00"], ["20101", "人大事务", "100.00", "80.00", "20.00"]]


def _drafts(rows: list[list[str]]) -> list:
    pages = [page(1, (["2025年一般公共预算支出预算表", "单位：万元"], make_grid(GBE_HEADER + rows)))]
    return draft_document(pages, Settings(), load_default())[1]


def test_a_table_that_adds_up_tells_its_facts_so() -> None:
    drafts = _drafts(ROWS)
    assert drafts and all(d.table.failed_share == 0.0 and d.table.unconfirmed_share == 0.0 for d in drafts
                          if d.value_kind == "number")
    assert all(d.table.header_fit > 0.85 for d in drafts)  # its 科目编码 printed without the 项目 above


def test_a_table_whose_sums_fail_doubts_even_its_clean_cells() -> None:
    broken = [["201", "一般公共服务支出", "100.00", "70.00", "20.00"], ["20101", "人大事务", "90.00", "80.00", "20.00"]]
    drafts = _drafts(broken)
    numbers = [d for d in drafts if d.value_kind == "number"]
    assert all(d.table.failed_share > 0.3 for d in numbers)
    # The clean-reading 20.00 in the same table carries the table's failure share into the model.
    clean = next(d for d in numbers if d.value == "20.00")
    assert features(clean)[FEATURES.index("table_failed_share")] > 0.3


def test_shares_are_per_logical_table() -> None:
    drafts = _drafts(ROWS)
    moved = [replace(d, table_index=1, checks_failed=1, checks_passed=0) for d in drafts]
    out = with_table_signals(drafts + moved, {0: 0, 1: 1})
    assert {d.table.failed_share for d in out if d.table_index == 0 and d.value_kind == "number"} == {0.0}
    assert {d.table.failed_share for d in out if d.table_index == 1 and d.value_kind == "number"} == {1.0}
    joined = with_table_signals(drafts + moved, {0: 0, 1: 0})  # a continuation: one table
    assert {d.table.failed_share for d in joined if d.value_kind == "number"} == {0.5}


def test_the_model_reads_every_table_signal() -> None:
    drafts = _drafts(ROWS)
    doubtful = replace(drafts[0], table=TableSignals(header_fit=0.4, renamed_share=0.5, failed_share=0.25,
                                                    unconfirmed_share=0.75, unmatched_share=0.125))
    row = dict(zip(FEATURES, features(doubtful)))
    assert (row["header_misfit"], row["renamed_share"], row["table_failed_share"],
            row["table_unconfirmed_share"], row["table_unmatched_share"]) == (0.6, 0.5, 0.25, 0.75, 0.125)


def test_a_table_whose_labels_name_nothing_tells_every_fact_of_it() -> None:
    # A grid whose rows came apart reads clean words into the wrong cells: labels no catalog holds.
    drafts = _drafts(ROWS)
    assert {d.table.unmatched_share for d in drafts} == {0.0}
    garbled = _drafts([["201", "一般公共服务支出", "100.00", "80.00", "20.00"],
                       ["21699", "文化艺术创作、展演及交流服务", "100.00", "80.00", "20.00"]])
    shares = {d.table.unmatched_share for d in garbled}
    assert len(shares) == 1 and 0.0 < shares.pop() < 1.0
    # Counted per logical table: the continuation's facts share it, another table's do not.
    apart = with_table_signals(drafts + [replace(d, table_index=1) for d in garbled], {0: 0, 1: 1})
    assert {d.table.unmatched_share for d in apart if d.table_index == 0} == {0.0}
