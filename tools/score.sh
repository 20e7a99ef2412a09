#!/usr/bin/env bash
# Ingests ../shared/corpus-dev/docs and scores the output against its gold
# with ../shared/eval/score.py. Prints the scorer's table; exits non-zero only
# when something could not run (the scorer measures, it does not judge).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo build --release --quiet
./target/release/torikumi ingest "$shared/corpus-dev/docs" --out "$out" --quiet || true
python3 "$shared/eval/score.py" --gold "$shared/corpus-dev/gold" --pred "$out"
