#!/usr/bin/env bash
# Set-up for `make bench` only (not for everyone): the peers' system packages and a separate
# .venv-bench holding the packages of pyproject's `bench` extra.  A venv of their own because
# img2table needs opencv-contrib-python, which shares the cv2 module with the project's
# opencv-python-headless: installed side by side, one would overwrite the other.
# Idempotent: a second run only checks what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# ghostscript: OCRmyPDF's PDF output; tesseract with chi_sim comes with scripts/setup.sh.
APT_PACKAGES=(ghostscript)
source scripts/apt_missing.sh
apt_install_missing "${APT_PACKAGES[@]}"

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv-bench/bin/python ]; then
  "$PYTHON" -m venv .venv-bench
fi
stamp=.venv-bench/.yusuan-bench-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  mapfile -t packages < <("$PYTHON" -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["bench"]))')
  .venv-bench/bin/python -m pip install -q --upgrade pip
  .venv-bench/bin/python -m pip install -q "${packages[@]}"
  touch "$stamp"
fi
