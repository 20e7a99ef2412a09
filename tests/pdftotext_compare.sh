#!/usr/bin/env bash
# Compares `torikumi text` with poppler's pdftotext on every PDF of the given
# directories (default: ../shared/corpus-real and ../shared/corpus-dev/docs),
# page by page and file by file, by character-bigram Dice after NFKC and
# white-space removal; lists the files where pdftotext's reading is wrong.
# The test and its thresholds are described in tests/pdftotext_compare.py.
# Installs poppler-utils and poppler-data with apt-get when pdftotext is missing.
# Usage: tests/pdftotext_compare.sh [--strict] [--cells] [DIR|FILE...]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v pdftotext >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq poppler-utils poppler-data >/dev/null
fi
cargo build --release --quiet
exec python3 tests/pdftotext_compare.py --bin target/release/torikumi "$@"
