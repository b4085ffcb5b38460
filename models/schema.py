"""The machine-readable record contract: a JSON Schema generated from the models, versioned.

``python -m models.schema > docs/records.schema.json`` regenerates the committed file;
a test keeps the two equal.
"""

from __future__ import annotations

import json

from models.records import RECORDS_SCHEMA_VERSION, Fact, Rejection, TableRecord


def records_schema() -> dict:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "yusuan records",
        "version": RECORDS_SCHEMA_VERSION,
        "description": "records.jsonl lines are Fact, tables.jsonl lines TableRecord, rejected.jsonl lines Rejection "
                       "(docs/RECORDS.md is the agreement this schema keeps).",
        "$defs": {
            "Fact": Fact.model_json_schema(),
            "TableRecord": TableRecord.model_json_schema(),
            "Rejection": Rejection.model_json_schema(),
        },
    }


def main() -> None:
    print(json.dumps(records_schema(), ensure_ascii=False, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
