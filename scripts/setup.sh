#!/usr/bin/env bash
# One-time set-up on a fresh Debian machine: system packages, a .venv, the project.
# Idempotent: a second run only checks what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# The CJK faces: the samples' Hei, UMing for the Song check, and the look generator's Song, Kai and
# FangSong stand-in (samplegen/fonts.py).  chromium and chromium-driver: the review workbench's browser
# tests drive Debian's chromium with Playwright (no browser is ever downloaded).
APT_PACKAGES=(tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng fonts-wqy-zenhei fonts-arphic-uming
  fonts-arphic-gbsn00lp fonts-arphic-gkai00mp fonts-lxgw-wenkai fonts-noto-cjk poppler-utils libgl1 libglib2.0-0
  chromium chromium-driver)
source scripts/apt_missing.sh
apt_install_missing "${APT_PACKAGES[@]}"

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.yusuan-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  touch "$stamp"
fi
