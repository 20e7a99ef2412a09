#!/usr/bin/env bash
# Peak memory per worker, measured with /usr/bin/time -v (whole processes):
#
#  1. one 120 MB one-line HTML page, alone (one thread): the bound is
#     3 x its size + 150 MB;
#  2. the same page, stage by stage (examples/mem_stages.rs: the kernel's
#     high-water mark reset before each stage), to see where the peak is;
#  3. the hostile batch of tests/hostile.rs (truncated and garbage files, a
#     2 GiB Flate bomb, a looping page tree, 100,000-deep arrays, NUL bytes,
#     a lying charset, a FIFO, ...) with its one-line page made 120 MB, at
#     the DEFAULT limits (the test itself uses --max-size 64, which refuses
#     the page before reading it), all cores: every document must be listed
#     and the exit status be 1; the target is a peak under 500 MB.
#
# Needs GNU time (Debian's `time` package) and, for 2, /proc. Work files go
# to $TORIKUMI_BENCH_DIR (default /tmp/torikumi-memory), about 400 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
W="${TORIKUMI_BENCH_DIR:-/tmp/torikumi-memory}"
mkdir -p "$W"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

cargo build --release --quiet
cargo build --release --quiet --example mem_stages
BIN=target/release/torikumi

peak() { # peak RSS in MB and exit status of a command: "MB STATUS"
  local log="$W/time.log" rc=0
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || rc=$?
  echo "$(( $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log") / 1024 )) $rc"
}

python3 - "$W/huge-line.html" <<'PY'
import sys
piece = "○地域の研修会を開催し、参加者を増やします。".encode() * 100
with open(sys.argv[1], "wb") as f:
    f.write(b'<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body><p>')
    n = 0
    while n < 120 << 20:
        f.write(piece)
        n += len(piece)
    f.write(b"</p></body></html>")
PY
size_mb=$(( $(stat -c %s "$W/huge-line.html") / 1000000 ))
bound=$(( 3 * size_mb + 150 ))

echo "== 1. one ${size_mb} MB one-line HTML page, one thread (bound: 3 x size + 150 = $bound MB)"
read -r mb rc < <(peak "$BIN" ingest "$W/huge-line.html" --out "$W/out-huge" --threads 1 --quiet)
echo "peak RSS $mb MB, exit $rc, $(wc -c < "$W/out-huge/initiatives.jsonl") bytes of initiatives.jsonl"

echo "== 2. the same page, stage by stage (peak within each stage, earlier stages' data included)"
target/release/examples/mem_stages "$W/huge-line.html"

echo "== 3. the hostile batch at the default limits, all cores (target: under 500 MB)"
rm -rf "$W/hostile"
TORIKUMI_HOSTILE_DIR="$W/hostile" cargo test --release --quiet --test hostile \
  hostile_batch_is_bounded_and_loses_nothing -- --exact >/dev/null 2>&1
cp "$W/huge-line.html" "$W/hostile/huge-line.html"
inputs=$(grep -c . "$W/hostile/manifest.txt")
read -r mb rc < <(peak "$BIN" ingest "@$W/hostile/manifest.txt" --out "$W/out-hostile" --quiet)
listed=$(wc -l < "$W/out-hostile/documents.jsonl")
failed=$(grep -c '"error":"' "$W/out-hostile/documents.jsonl" || true)
echo "peak RSS $mb MB, exit $rc, $listed of $inputs documents listed ($failed with an error)"
echo "== 3b. the hostile batch without its one-line page"
grep -v huge-line "$W/hostile/manifest.txt" > "$W/hostile/manifest-small.txt"
read -r mb rc < <(peak "$BIN" ingest "@$W/hostile/manifest-small.txt" --out "$W/out-small" --quiet)
echo "peak RSS $mb MB, exit $rc"
