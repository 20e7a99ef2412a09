#!/usr/bin/env bash
# End to end: torikumi on Spark in local mode against a plain `torikumi ingest`.
#
# Installs what it needs: a Java runtime (Debian's openjdk-17-jre-headless,
# when no `java` is on PATH; needs root or sudo) and pyspark in a virtual
# environment ($TORIKUMI_SPARK_VENV, default target/spark-venv). Builds
# torikumi (release), ingests the shipped corpus/, runs
# examples/spark/torikumi_job.py in local[2] on the same files (the binary
# shipped with SparkContext.addFile, `torikumi map` per partition, Parquet
# out) and checks that the Parquet records equal ingest's records.
# Exit status 0 when they do.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYSPARK_VERSION="${PYSPARK_VERSION:-4.3.0}"
VENV="${TORIKUMI_SPARK_VENV:-target/spark-venv}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/torikumi-spark.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
t0=$(date +%s)

if ! command -v java >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
if ! "$VENV/bin/python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$PYSPARK_VERSION')" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "pyspark==$PYSPARK_VERSION"
fi
t1=$(date +%s)
echo "spark test: setup (java, pyspark $PYSPARK_VERSION) $((t1 - t0)) s"

cargo build --release --quiet
./target/release/torikumi ingest corpus --out "$WORK/ingest" --quiet

export PYSPARK_PYTHON="$VENV/bin/python"
export PYSPARK_DRIVER_PYTHON="$VENV/bin/python"
# Local mode binds to this machine only.
export SPARK_LOCAL_IP=127.0.0.1
"$VENV/bin/python" examples/spark/torikumi_job.py \
  --master 'local[2]' --partitions 4 \
  --binary target/release/torikumi \
  --inputs corpus --base corpus \
  --out "$WORK/parquet" \
  --check "$WORK/ingest"
# A mapper that cannot work (here: a flag it does not know, exit 2) fails
# the job instead of silently giving fewer records.
if "$VENV/bin/python" examples/spark/torikumi_job.py \
  --master 'local[1]' --binary target/release/torikumi \
  --inputs corpus --base corpus --out "$WORK/parquet-bad" \
  --map-args=--no-such-flag >"$WORK/bad.log" 2>&1; then
  echo "spark test: a failing mapper did not fail the job" >&2
  exit 1
fi
grep -q "torikumi map exited with 2" "$WORK/bad.log" || { tail -20 "$WORK/bad.log" >&2; exit 1; }
echo "spark test: a failing mapper fails the job (as it should)"
echo "spark test: passed in $(($(date +%s) - t0)) s"
