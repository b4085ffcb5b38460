# yusuan: every target does its own set-up (system packages, .venv, the project) first.
PY := .venv/bin/python
SAMPLES := $(wildcard samples/*/*_digital.pdf)

.PHONY: setup demo test test-fast samples looks bench clean

setup:
	bash scripts/setup.sh

# Build the simulated scans if missing, ingest every bundled sample into the embedded
# SQLite database, print the summary and the accuracy against the samples' truth.
demo: setup
	$(PY) -m samplegen --if-missing
	.venv/bin/yusuan ingest samples/*/*_mild.pdf samples/*/*_harsh.pdf --out out/demo
	.venv/bin/yusuan eval out/demo --samples samples

# The storage tests also run against a throwaway PostgreSQL (installed from Debian's packages if missing).
test: setup
	bash scripts/with_postgres.sh $(PY) -m pytest

# The quick tier: everything but what needs a Prefect server or reads whole documents (about a minute).
test-fast: setup
	$(PY) -m pytest -m "not slow"

# Rebuild every sample (born-digital PDF, mild and harsh scans, truth) from samples/spec/.
samples: setup
	$(PY) -m samplegen

# Every spec in every named look (README "Looks"), into build/looks/ (not committed).
looks: setup
	$(PY) -m samplegen --looks all

# yusuan against OCRmyPDF then camelot, img2table + Tesseract and camelot alone (born-digital), whole
# processes on the same pages; the peers live in .venv-bench (scripts/setup_bench.sh), not in .venv.
bench: setup
	bash scripts/setup_bench.sh
	$(PY) -m samplegen --if-missing
	$(PY) scripts/bench.py

clean:
	rm -rf out data .pytest_cache
