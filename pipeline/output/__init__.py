"""Records out: JSONL emission, the database, exports."""
