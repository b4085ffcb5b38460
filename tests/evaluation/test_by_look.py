"""The matrix by look: each look's documents (every department) scored together."""

from __future__ import annotations

from pathlib import Path

from test_evaluate import fact, truth_set
from evaluation.looks import format_matrix, look_of, score_by_look


def _write(path: Path, facts: list) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f.model_dump_json() + "\n" for f in facts), encoding="utf-8")
    return path


def test_the_look_is_the_truth_file_name_after_its_department(tmp_path: Path) -> None:
    assert look_of(tmp_path / "yanggao_education" / "truth" / "yanggao_education_song-excel-photocopy.records.jsonl") \
        == "song-excel-photocopy"
    assert look_of(tmp_path / "shanyin_commerce" / "truth" / "shanyin_commerce_mild.records.jsonl") == "mild"


def test_each_look_is_scored_over_its_departments(tmp_path: Path) -> None:
    truths = []
    emitted = []
    for department in ("a_dept", "b_dept"):
        for look in ("fax", "phone"):
            source = f"{department}_{look}.pdf"
            truth = [t.model_copy(update={"source": source}) for t in truth_set()]
            truths.append(_write(tmp_path / department / "truth" / f"{department}_{look}.records.jsonl", truth))
            # The phone look loses one fact per department and gets one wrong (accepted).
            got = truth if look == "fax" else [*truth[:2], fact(source=source, value="999.00")]
            emitted += got
    scores = {s.look: s for s in score_by_look(emitted, truths)}
    assert set(scores) == {"fax", "phone"} and scores["fax"].documents == 2
    assert scores["fax"].report.facts.recall == 1.0 and scores["fax"].report.review.accepted_precision == 1.0
    phone = scores["phone"].report
    assert phone.facts.n_truth == 6 and phone.facts.n_matched == 4
    assert phone.review.n_accepted - phone.review.n_accepted_matched == 2
    table = format_matrix(list(scores.values()), markdown=True)
    assert table.splitlines()[0].startswith("| look | docs | fact P | fact R") and "| phone | 2 |" in table


def test_yusuan_eval_prints_the_matrix_by_look(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flows.cli import app

    emitted = []
    for look in ("fax", "phone"):
        source = f"a_dept_{look}.pdf"
        truth = [t.model_copy(update={"source": source}) for t in truth_set()]
        _write(tmp_path / "looks" / "a_dept" / "truth" / f"a_dept_{look}.records.jsonl", truth)
        emitted += truth if look == "fax" else truth[:1]
    _write(tmp_path / "out" / "records.jsonl", emitted)
    result = CliRunner().invoke(app, ["eval", str(tmp_path / "out"), "--samples", str(tmp_path / "looks"),
                                      "--by-look", "--markdown"])
    assert result.exit_code == 0, result.output
    rows = {line.split("|")[1].strip(): line for line in result.output.splitlines() if line.startswith("| ")}
    assert set(rows) == {"look", "fax", "phone"}
    assert "| 1.000 | 1.000 |" in rows["fax"] and "| 1.000 | 0.333 |" in rows["phone"]
