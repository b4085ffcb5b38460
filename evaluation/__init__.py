"""Scoring an ingest run against the samples' truth files (``yusuan eval``); not part of the pipeline."""
