from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from models.records import Fact, TableRecord
from samplegen.build import build_spec
from samplegen.scan import HARSH, MILD
from samplegen.spec import DocumentSpec

LEVELS = (dataclasses.replace(MILD, dpi=60), dataclasses.replace(HARSH, dpi=60))


def _digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*.*"))}


def test_build_writes_pdfs_and_truth_deterministically(mini_spec: DocumentSpec, tmp_path: Path) -> None:
    built = build_spec(mini_spec, tmp_path / "a", LEVELS)
    build_spec(mini_spec, tmp_path / "b", LEVELS)
    assert [b.path.name for b in built] == ["mini_digital.pdf", "mini_mild.pdf", "mini_harsh.pdf"]
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    truth = tmp_path / "a" / "mini" / "truth"
    for b in built:
        facts = [Fact.model_validate_json(line) for line in (truth / f"{b.path.stem}.records.jsonl").read_text().splitlines()]
        tables = [TableRecord.model_validate_json(line) for line in (truth / f"{b.path.stem}.tables.jsonl").read_text().splitlines()]
        assert {f.document for f in facts} == {t.document for t in tables} == {hashlib.sha256(b.path.read_bytes()).hexdigest()}
        assert {f.source for f in facts} == {b.path.name}
        assert len(facts) == 47 and len(tables) == 7
    harsh = [json.loads(line) for line in (truth / "mini_harsh.records.jsonl").read_text().splitlines()]
    digital = [json.loads(line) for line in (truth / "mini_digital.records.jsonl").read_text().splitlines()]
    # Same facts; only the bboxes moved with the scan's skew and turns.
    strip = lambda f: {k: v for k, v in f.items() if k not in ("document", "source", "bbox")}  # noqa: E731
    assert [strip(f) for f in harsh] == [strip(f) for f in digital]
    assert [f["bbox"] for f in harsh] != [f["bbox"] for f in digital]
