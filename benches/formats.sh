#!/usr/bin/env bash
# Whole-job speed of `ingest --format parquet` (and csv) against JSON Lines
# alone: the shipped corpus copied COPIES times (default 10) into one input
# directory, RUNS runs of each (default 7), alternated so that the machine's
# drift hits every format alike; prints each format's median wall time and
# its ratio to jsonl. Usage: bash benches/formats.sh [COPIES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
COPIES="${1:-10}"
RUNS="${2:-7}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/torikumi-formats.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
cargo build --release --quiet
for c in $(seq 1 "$COPIES"); do
  mkdir -p "$WORK/in/$c"
  cp corpus/*.* "$WORK/in/$c/"
done
docs=$(find "$WORK/in" -type f | wc -l)
FORMATS=(jsonl parquet jsonl,parquet csv)
declare -A times
for r in $(seq 1 "$RUNS"); do
  for f in "${FORMATS[@]}"; do
    t0=$(date +%s%N)
    ./target/release/torikumi ingest "$WORK/in" --format "$f" --out "$WORK/out" --quiet
    t1=$(date +%s%N)
    times[$f]+="$(( (t1 - t0) / 1000 )) "
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base=$(echo "${times[jsonl]}" | median)
echo "whole job, $docs documents ($COPIES copies of corpus/), $RUNS runs each, median wall time:"
for f in "${FORMATS[@]}"; do
  m=$(echo "${times[$f]}" | median)
  awk -v f="$f" -v m="$m" -v b="$base" 'BEGIN {printf "  %-14s %8.3f s  %.3f x jsonl\n", f, m / 1e6, m / b}'
done
