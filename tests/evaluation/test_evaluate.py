"""The scorer: fact matching rules, review and calibration metrics, table cell recovery."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.records import Fact, TableCell, TableKind, TableRecord
from evaluation.evaluate import (
    EvalReport,
    calibration,
    compare_key,
    discover_truth,
    evaluate,
    format_report,
    read_jsonl,
    score,
    score_tables,
)

GENERAL = TableKind.GENERAL_BUDGET_EXPENDITURE
ECONOMIC = TableKind.BASIC_EXPENDITURE_ECONOMIC


def fact(**overrides: object) -> Fact:
    base: dict[str, object] = {
        "document": "0" * 64,
        "source": "a.pdf",
        "page": 1,
        "table": GENERAL,
        "code": None,
        "labels": ["合计"],
        "raw_labels": ["合计"],
        "column": "合计",
        "value": "100.00",
        "kind": "number",
        "unit": "万元",
        "raw": "100.00",
        "confidence": 0.9,
        "status": "accepted",
        "reasons": [],
        "bbox": [0.1, 0.1, 0.2, 0.12],
    }
    base.update(overrides)
    return Fact.model_validate(base)


def truth_set() -> list[Fact]:
    return [
        fact(labels=["合计"], value="1030.50"),
        fact(code="2010101", labels=["行政运行"], value="500.00", code_source="printed"),
        fact(code="201", labels=["一般公共服务支出"], value="530.50", code_source="implied"),
    ]


# --- matching -------------------------------------------------------------


def test_perfect_match_scores_one() -> None:
    report = score(truth_set(), truth_set())
    assert (report.facts.n_truth, report.facts.n_emitted, report.facts.n_matched) == (3, 3, 3)
    assert report.facts.precision == 1.0
    assert report.facts.recall == 1.0
    assert report.missed_examples == () and report.wrong_examples == ()
    assert [(k.table, k.counts.recall) for k in report.per_kind] == [(GENERAL, 1.0)]


def test_wrong_value_drops_precision_and_is_listed_as_wrong() -> None:
    emitted = truth_set()
    bad = fact(code="2010101", labels=["行政运行"], value="580.00")
    emitted[1] = bad
    report = score(emitted, truth_set())
    assert report.facts.n_matched == 2
    assert report.facts.precision == pytest.approx(2 / 3)
    assert report.facts.recall == pytest.approx(2 / 3)
    assert report.wrong_examples == (bad,)
    assert report.missed_examples == (truth_set()[1],)
    assert report.review.n_wrong == 1
    assert report.review.wrong_to_review == 0.0
    assert report.review.accepted_precision == pytest.approx(2 / 3)


def test_wrong_fact_sent_to_review_counts_as_caught() -> None:
    emitted = truth_set()
    emitted[1] = fact(code="2010101", labels=["行政运行"], value="580.00", status="needs_review")
    report = score(emitted, truth_set())
    assert report.review.wrong_to_review == 1.0
    assert report.review.review_rate == pytest.approx(1 / 3)
    assert report.review.accepted_precision == 1.0  # the accepted ones are all right


def test_numbers_compare_by_value_not_by_spelling() -> None:
    truth = [fact(value="1030.50")]
    assert score([fact(value="1030.5")], truth).facts.n_matched == 1
    assert score([fact(value="1,030.50")], truth).facts.n_matched == 0  # not normalised: wrong
    assert score([fact(value="1030.51")], truth).facts.n_matched == 0


def test_row_key_is_code_when_truth_has_one_else_first_label() -> None:
    coded = [fact(code="2010101", labels=["行政运行"], value="5")]
    # Truth has a code: the code decides, a misread label does not matter ...
    assert score([fact(code="2010101", labels=["行致运行"], value="5")], coded).facts.n_matched == 1
    # ... and the right label with the wrong code does not match.
    assert score([fact(code="2010102", labels=["行政运行"], value="5")], coded).facts.n_matched == 0
    assert score([fact(code=None, labels=["行政运行"], value="5")], coded).facts.n_matched == 0
    # Truth has no code: the first label decides, whatever code was emitted.
    uncoded = [fact(code=None, labels=["合计"], value="5")]
    assert score([fact(code="999", labels=["合 计"], value="5")], uncoded).facts.n_matched == 1
    assert score([fact(code=None, labels=["总计"], value="5")], uncoded).facts.n_matched == 0


def test_table_and_column_must_agree() -> None:
    truth = [fact(column="本年收入/一般公共预算")]
    assert score([fact(column="本年收入 / 一般公共预算")], truth).facts.n_matched == 1  # whitespace ignored
    assert score([fact(column="本年收入/政府性基金")], truth).facts.n_matched == 0
    assert score([fact(column="本年收入/一般公共预算", table=ECONOMIC)], truth).facts.n_matched == 0


@pytest.mark.parametrize(
    "emitted_label",
    ["一、一般公共服务支出", "十六、一般公共服务支出", "（一）一般公共服务支出", "(一)一般公共服务支出",
     "1.一般公共服务支出", "１．一般公共服务支出", "①一般公共服务支出", " 一般公共 服务支出 "],
)
def test_enumeration_prefix_and_whitespace_do_not_matter(emitted_label: str) -> None:
    truth = [fact(labels=["一般公共服务支出"], value="7")]
    assert score([fact(labels=[emitted_label], value="7")], truth).facts.n_matched == 1


def test_compare_key_keeps_what_is_not_an_enumeration() -> None:
    assert compare_key("1.5万元以下") == "1.5万元以下"  # a decimal, not "1."
    assert compare_key("一般公共预算") == "一般公共预算"  # starts with 一 but no 、
    assert compare_key("（一）工资福利支出") == compare_key("工资福利支出")


def test_text_values_compare_by_key() -> None:
    truth = [fact(kind="text", value="一、信息技术服务", column="一级目录", labels=["信息技术服务"])]
    emitted = [fact(kind="text", value="信息技术服务", column="一级目录", labels=["信息技术服务"])]
    assert score(emitted, truth).facts.n_matched == 1


def test_duplicates_are_matched_once() -> None:
    one = [fact(value="3")]
    report = score([fact(value="3"), fact(value="3")], one)
    assert report.facts.n_matched == 1
    assert report.facts.precision == 0.5
    assert len(report.wrong_examples) == 1
    # Two identical truth facts take two emitted ones.
    assert score([fact(value="3"), fact(value="3")], one + one).facts.n_matched == 2


def test_matching_is_maximal_not_greedy() -> None:
    # The first emitted fact is reachable by its label (for the uncoded truth) and by its
    # code (for the coded one); greedy in truth order would give it away and match one.
    truth = [fact(code=None, labels=["工资福利支出"], value="9"), fact(code="301", labels=["x"], value="9")]
    emitted = [fact(code="301", labels=["工资福利支出"], value="9"), fact(code=None, labels=["工资福利支出"], value="9")]
    assert score(emitted, truth).facts.n_matched == 2


def test_matching_follows_longer_alternating_paths() -> None:
    # Greedy gives e0 to t0 (by label 甲) and e1 to t2 (by code 302), leaving t1 without
    # its only candidate e0; the matching must shift along t1 -> e0 -> t0 -> e1 -> t2 -> e2.
    truth = [
        fact(code=None, labels=["甲"], value="9"),
        fact(code="301", labels=["x"], value="9"),
        fact(code="302", labels=["y"], value="9"),
    ]
    emitted = [
        fact(code="301", labels=["甲"], value="9"),
        fact(code="302", labels=["甲"], value="9"),
        fact(code="302", labels=["丙"], value="9"),
    ]
    assert score(emitted, truth).facts.n_matched == 3


def test_a_long_column_of_equal_cells_matches_quickly() -> None:
    # Thousands of identical candidates: no recursion limit, no cubic blow-up.
    truth = [fact(value="0.00", labels=["其他"]) for _ in range(3000)]
    report = score(truth[:2999], truth)
    assert report.facts.n_matched == 2999


def test_sources_given_with_folders_compare_by_file_name() -> None:
    assert score([fact(source="inbox/2025/a.pdf")], [fact(source="a.pdf")]).facts.n_matched == 1


# --- row codes ------------------------------------------------------------


def test_row_code_accuracy_split_by_printed_and_implied() -> None:
    emitted = [
        fact(labels=["合计"], value="1030.50"),
        fact(code="2010101", labels=["行政运行"], value="500.00"),
        fact(code="202", labels=["一、一般公共服务支出"], value="530.50"),  # located by label, wrong code
    ]
    codes = score(emitted, truth_set()).codes
    assert (codes.printed.n_truth, codes.printed.n_correct, codes.printed.accuracy) == (1, 1, 1.0)
    assert (codes.implied.n_truth, codes.implied.n_located, codes.implied.accuracy) == (1, 1, 0.0)
    assert codes.all.accuracy == 0.5
    assert codes.all.n_truth == 2  # the uncoded 合计 row is not counted


def test_row_code_not_located_counts_against_accuracy_only_over_all() -> None:
    emitted = [fact(code="2010101", labels=["行政"], value="500.00")]  # label misread: not located
    codes = score(emitted, [truth_set()[1]]).codes
    assert (codes.all.n_truth, codes.all.n_located, codes.all.n_correct) == (1, 0, 0)
    assert codes.all.accuracy == 0.0
    assert codes.all.accuracy_located is None


# --- calibration ----------------------------------------------------------


def test_expected_calibration_error_on_a_toy_set() -> None:
    truth = [fact(labels=[name], value="1") for name in ("甲", "乙")]
    emitted = [
        fact(labels=["甲"], value="1", confidence=0.9),  # right
        fact(labels=["乙"], value="1", confidence=0.9),  # right
        fact(labels=["丙"], value="1", confidence=0.9),  # wrong
        fact(labels=["丁"], value="1", confidence=0.2),  # wrong
    ]
    # Bin [0.9, 1.0]: 3 facts, mean confidence 0.9, accuracy 2/3 -> 3/4 * |0.9 - 2/3| = 0.175
    # Bin [0.2, 0.3): 1 fact,  mean confidence 0.2, accuracy 0   -> 1/4 * 0.2          = 0.05
    report = score(emitted, truth)
    assert report.calibration.ece == pytest.approx(0.225)
    assert [b.n for b in report.calibration.bins] == [0, 0, 1, 0, 0, 0, 0, 0, 0, 3]


def test_calibration_edges() -> None:
    assert calibration([]).ece is None
    assert calibration([(1.0, True)]).bins[-1].n == 1  # 1.0 falls in the last, closed bin
    assert calibration([(0.0, False), (1.0, True)]).ece == 0.0


# --- sources --------------------------------------------------------------


def test_sources_without_truth_are_skipped_and_reported() -> None:
    emitted = truth_set() + [fact(source="other.pdf", value="1")]
    report = score(emitted, truth_set())
    assert report.sources_skipped == ("other.pdf",)
    assert report.sources_scored == ("a.pdf",)
    assert report.facts.n_emitted == 3 and report.facts.precision == 1.0


def test_sources_are_scored_separately() -> None:
    # The same fact emitted for b.pdf does not satisfy a.pdf's truth.
    report = score([fact(source="b.pdf")], [fact(source="a.pdf"), fact(source="b.pdf", value="2")])
    assert report.facts.n_matched == 0
    assert report.sources_scored == ("a.pdf", "b.pdf")
    assert report.sources_missing == ("a.pdf",)


def test_an_empty_truth_file_still_declares_its_source() -> None:
    report = score([fact(source="blank.pdf")], [], truth_stems=["blank"])
    assert report.sources_scored == ("blank.pdf",)
    assert report.facts.precision == 0.0


def test_worst_tables_come_first() -> None:
    truth = [fact(value="1"), fact(value="2"), fact(table=ECONOMIC, value="3")]
    report = score([fact(value="1"), fact(value="2")], truth)
    assert [(w.table, w.recall) for w in report.worst_tables] == [(ECONOMIC, 0.0), (GENERAL, 1.0)]


# --- tables ---------------------------------------------------------------


def cell(row: int, col: int, row_span: int = 1, col_span: int = 1) -> TableCell:
    return TableCell(row=row, col=col, row_span=row_span, col_span=col_span, text="", confidence=1.0)


def table(cells: list[TableCell], kind: TableKind = GENERAL, page: int = 1, source: str = "a.pdf",
          bbox: tuple[float, float, float, float] = (0.1, 0.2, 0.9, 0.8)) -> TableRecord:
    return TableRecord(document="0" * 64, source=source, page=page, table=kind, title="", unit=None,
                       bbox=list(bbox), n_rows=2, n_cols=3, cells=cells, html="")


MERGED = [cell(0, 0, col_span=2), cell(0, 2), cell(1, 0), cell(1, 1), cell(1, 2)]
SPLIT = [cell(0, 0), cell(0, 1), cell(0, 2), cell(1, 0), cell(1, 1), cell(1, 2)]


def test_cell_recovery_with_the_merged_cell_found() -> None:
    report = score_tables([table(MERGED)], [table(MERGED)])
    assert (report.cells.n_truth_cells, report.cells.n_recovered, report.cells.recovery) == (5, 5, 1.0)
    assert report.detection == 1.0 and report.kind_accuracy == 1.0


def test_cell_recovery_with_the_merged_cell_split() -> None:
    report = score_tables([table(SPLIT)], [table(MERGED)])
    assert report.cells.n_recovered == 4  # the 2-wide header cell is lost
    assert report.cells.recovery == pytest.approx(4 / 5)
    assert [(k.table, k.cells.n_recovered) for k in report.per_kind] == [(GENERAL, 4)]


def test_table_of_wrong_kind_is_not_paired_but_counts_for_kind_accuracy() -> None:
    report = score_tables([table(MERGED, kind=ECONOMIC)], [table(MERGED)])
    assert report.cells.n_recovered == 0
    assert (report.n_found_table_pages, report.n_truth_table_pages) == (0, 1)
    assert (report.n_located_tables, report.n_kind_correct) == (1, 0)


def test_two_tables_on_a_page_pair_top_to_bottom() -> None:
    upper, lower = (0.1, 0.1, 0.9, 0.4), (0.1, 0.5, 0.9, 0.9)
    truth = [table(MERGED, bbox=upper), table(SPLIT, bbox=lower)]
    emitted = [table(SPLIT, bbox=lower), table(MERGED, bbox=upper)]  # file order reversed
    assert score_tables(emitted, truth).cells.recovery == 1.0


def test_table_sources_without_truth_are_skipped() -> None:
    report = score_tables([table(MERGED), table(MERGED, source="other.pdf")], [table(MERGED)])
    assert report.sources_skipped == ("other.pdf",)
    assert report.cells.recovery == 1.0


# --- files ----------------------------------------------------------------


def _write_jsonl(path: Path, items: list[Fact] | list[TableRecord]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(i.model_dump_json() + "\n" for i in items), encoding="utf-8")
    return path


def test_evaluate_reads_the_sample_layout(tmp_path: Path) -> None:
    samples = tmp_path / "samples"
    _write_jsonl(samples / "mini" / "truth" / "a.records.jsonl", truth_set())
    _write_jsonl(samples / "mini" / "truth" / "a.tables.jsonl", [table(MERGED)])
    _write_jsonl(samples / "mini" / "truth" / "blank.records.jsonl", [])
    records, tables = discover_truth(samples)
    assert [p.name for p in records] == ["a.records.jsonl", "blank.records.jsonl"]
    assert [p.name for p in tables] == ["a.tables.jsonl"]
    out = tmp_path / "out"
    emitted = truth_set() + [fact(source="blank.pdf"), fact(source="unknown.pdf")]
    report = evaluate(_write_jsonl(out / "records.jsonl", emitted), records,
                      _write_jsonl(out / "tables.jsonl", [table(SPLIT)]), tables)
    assert report.sources_scored == ("a.pdf", "blank.pdf")
    assert report.sources_skipped == ("unknown.pdf",)
    assert (report.facts.n_matched, report.facts.n_emitted) == (3, 4)
    assert report.tables is not None and report.tables.cells.n_recovered == 4
    again = EvalReport.model_validate_json(report.to_json())
    assert again == report
    assert json.loads(report.to_json())["facts"]["n_matched"] == 3
    text = format_report(report)
    assert "unknown.pdf" in text and "general_budget_expenditure" in text


def test_a_bad_line_names_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text(fact().model_dump_json() + "\n\n{\"source\": 1}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"records\.jsonl:3"):
        read_jsonl(path, Fact)
