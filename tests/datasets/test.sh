#!/usr/bin/env bash
# The datasets as researchers load them, and the viewer in a real browser.
#
# Installs what it needs: pyarrow, DuckDB, pandas, polars and Pillow in a
# virtual environment ($TORIKUMI_DATASETS_VENV, default target/datasets-venv)
# and, when no `chromium` is on PATH, Debian's chromium and fonts-noto-cjk
# (needs root or sudo). Builds torikumi (release), ingests the shipped
# corpus/ with --format jsonl,parquet,csv and runs tests/datasets/check.py:
# every Parquet file read by pyarrow and DuckDB with the documented types and
# the JSON Lines' values (a list<struct> column and Japanese text included),
# a DuckDB query of initiatives per fiscal year per document over the tidy
# periods table, the CSV files through Python's csv module, the README's
# pandas / polars / DuckDB snippets; then `torikumi view` on a corpus PDF,
# screenshotted by headless Chromium: the screenshot must not be blank and
# must show the initiative boxes, and the page must hold every initiative.
# TORIKUMI_SKIP_DATASETS=1 skips all of it (.ci/run). Exit status 0 when
# every check passes.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV="${TORIKUMI_DATASETS_VENV:-target/datasets-venv}"
PACKAGES="pyarrow==26.0.1 duckdb==2.0.1 pandas==3.1.1 polars==2.1.0 pillow==13.0.0"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/torikumi-datasets.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
t0=$(date +%s)

if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
if ! "$VENV/bin/python" -c "
import importlib.metadata as m, sys
want = dict(p.split('==') for p in '$PACKAGES'.split())
sys.exit(any(m.version(k) != v for k, v in want.items()))" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q $PACKAGES
fi
echo "datasets test: setup (chromium, $PACKAGES) $(($(date +%s) - t0)) s"

cargo build --release --quiet
./target/release/torikumi ingest corpus --format jsonl,parquet,csv --out "$WORK/output" --quiet
# `torikumi convert` on a JSON Lines output gives the same tables.
./target/release/torikumi ingest corpus --out "$WORK/converted" --quiet
./target/release/torikumi convert "$WORK/converted" --to parquet,csv >/dev/null
for t in documents initiatives kpis periods; do
  cmp "$WORK/output/$t.parquet" "$WORK/converted/$t.parquet"
  cmp "$WORK/output/$t.csv" "$WORK/converted/$t.csv"
done

PDF=corpus/000_a9577f83c0b17823.chromium.pdf
./target/release/torikumi view "$PDF" --out "$WORK/view.html" 2>/dev/null
# --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --window-size=1400,1000 --screenshot="$WORK/view.png" "file://$WORK/view.html" \
  >"$WORK/chromium.log" 2>&1 || { tail -20 "$WORK/chromium.log" >&2; exit 1; }
if [ -n "${TORIKUMI_SCREENSHOT:-}" ]; then
  cp "$WORK/view.png" "$TORIKUMI_SCREENSHOT"
fi

"$VENV/bin/python" tests/datasets/check.py \
  --out "$WORK/output" --readme README.md \
  --view "$WORK/view.html" --screenshot "$WORK/view.png" --source "$(basename "$PDF")"
echo "datasets test: passed in $(($(date +%s) - t0)) s"
