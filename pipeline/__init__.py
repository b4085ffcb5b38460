"""yusuan: scanned budget disclosures in, structured records out."""

PIPELINE_VERSION = "0.2.0"
