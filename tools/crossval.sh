#!/usr/bin/env bash
# Leave-one-document-out cross-validation over every gold document in
# ../shared (all renderings of a seed held out together, each real document
# alone): train on the rest, score the held-out one with ../shared/eval/score.py.
# Prints the per-document table the README quotes. Extra arguments go to
# tools/crossval.py (e.g. --json FILE, --train-arg=--c2=0.5).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
cargo build --release --quiet
python3 tools/crossval.py --shared "$shared" "$@"
