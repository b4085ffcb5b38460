"""The committed JSON Schema is the one the models generate (regenerate: python -m models.schema)."""

from __future__ import annotations

import json
from pathlib import Path

from models.records import ErrorCode
from models.schema import records_schema

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "records.schema.json"


def test_committed_schema_matches_the_models() -> None:
    assert json.loads(COMMITTED.read_text(encoding="utf-8")) == json.loads(json.dumps(records_schema()))


def test_schema_keeps_the_contract_fields_and_error_codes() -> None:
    schema = records_schema()["$defs"]
    fact_fields = set(schema["Fact"]["properties"])
    assert {"document", "source", "page", "table", "code", "labels", "raw_labels", "column", "value", "kind", "unit",
            "raw", "confidence", "status", "reasons", "bbox"} <= fact_fields
    assert {"empty", "corrupt", "encrypted", "not_a_document", "too_large"} <= {e.value for e in ErrorCode}
