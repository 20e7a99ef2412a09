"""torikumi on Spark: ship the binary, run `torikumi map` once per partition
(mapPartitions), write the three record kinds as Parquet with explicit
schemas.

    spark-submit --master yarn --files target/release/torikumi \
        examples/spark/torikumi_job.py --inputs paths.txt --base /data/reports \
        --out s3a://bucket/torikumi/2026-12

or, as the test does, `python torikumi_job.py --binary target/release/torikumi
--master local[2] ...` (the script then ships the binary itself with
SparkContext.addFile, the programmatic --files).

Each task starts `torikumi map` with an EMPTY environment (as RDD.pipe does),
feeds it its partition's paths on standard input and reads tagged JSON lines
back. A mapper that exits non-zero fails the task (Spark retries it, then
fails the job): nothing is lost silently, unlike RDD.pipe's default
checkCode=False. A document torikumi cannot read is not a failure: its
document record carries `error`.

The output directory gets documents/, initiatives/ and kpis/ (Parquet).
--check DIR compares them with `torikumi ingest`'s JSON Lines in DIR.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

from pyspark import SparkFiles
from pyspark.sql import SparkSession
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DoubleType,
    IntegerType,
    LongType,
    MapType,
    StringType,
    StructField,
    StructType,
)


def _f(name, dtype, nullable=True):
    return StructField(name, dtype, nullable)


S = StringType()
STRINGS = ArrayType(S, False)
YEAR_VALUE = StructType([_f("fiscal_year", IntegerType(), False), _f("value", DoubleType(), False)])
YEAR_PERCENT = StructType(
    [_f("fiscal_year", IntegerType(), False), _f("percent", DoubleType(), False)]
)

# The schemas of `torikumi schema`, as Spark types.
DOCUMENT = StructType(
    [
        _f("source", S, False),
        _f("sha256", S, False),
        _f("format", S),
        _f("pages", LongType()),
        _f("title", S),
        _f("initiatives", LongType(), False),
        _f("warnings", STRINGS, False),
        _f("error", S),
        _f(
            "fetch",
            StructType(
                [
                    _f("final_url", S, False),
                    _f("status", IntegerType(), False),
                    _f("fetched_at", S, False),
                    _f("from_cache", BooleanType(), False),
                ]
            ),
        ),
    ]
)
INITIATIVE = StructType(
    [
        _f("id", S, False),
        _f("source", S, False),
        _f("ordinal", LongType(), False),
        _f("page", LongType()),
        _f("bbox", ArrayType(DoubleType(), False)),
        _f("section", STRINGS, False),
        _f("category", S),
        _f("fields", MapType(S, S, False), False),
        _f("marker", S, False),
        _f("title", S, False),
        _f("text", S, False),
        _f("policy_codes", STRINGS, False),
        _f(
            "periods",
            ArrayType(
                StructType([_f("raw", S, False), _f("start", S, False), _f("end", S)]), False
            ),
            False,
        ),
        _f("fiscal_years", ArrayType(IntegerType(), False), False),
        _f(
            "quantities",
            ArrayType(
                StructType(
                    [_f("raw", S, False), _f("value", DoubleType(), False), _f("unit", S, False)]
                ),
                False,
            ),
            False,
        ),
        _f("orgs", STRINGS, False),
        _f("regions", STRINGS, False),
    ]
)
KPI = StructType(
    [
        _f("name", S, False),
        _f("region", S),
        _f("unit", S),
        _f("baseline", YEAR_VALUE),
        _f("values", ArrayType(YEAR_VALUE, False), False),
        _f("target", YEAR_VALUE),
        _f("progress", ArrayType(YEAR_PERCENT, False), False),
        _f("notes", STRINGS, False),
        _f("source", S, False),
        _f("page", LongType()),
    ]
)
KINDS = {"document": ("documents", DOCUMENT), "initiative": ("initiatives", INITIATIVE), "kpi": ("kpis", KPI)}


def map_partition(paths, base, tmp, extra):
    """Runs `torikumi map` on one partition's paths; yields its JSON lines."""
    binary = SparkFiles.get("torikumi")
    if not os.access(binary, os.X_OK):
        os.chmod(binary, 0o755)
    cmd = [binary, "map", "--tmp", tmp] + (["--base", base] if base else []) + extra
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={},  # what RDD.pipe gives: torikumi needs nothing from it
        cwd=tmp,
    )
    err_tail = []

    def feed():
        try:
            for p in paths:
                proc.stdin.write(p.encode("utf-8") + b"\n")
        finally:
            proc.stdin.close()

    def drain():
        for line in proc.stderr:
            err_tail.append(line)
            del err_tail[:-20]

    threads = [threading.Thread(target=feed, daemon=True), threading.Thread(target=drain, daemon=True)]
    for t in threads:
        t.start()
    for line in proc.stdout:
        yield line.decode("utf-8")
    rc = proc.wait()
    for t in threads:
        t.join()
    if rc != 0:
        # checkCode: a mapper that could not work fails the task loudly.
        tail = b"".join(err_tail).decode("utf-8", "replace")
        raise RuntimeError(f"torikumi map exited with {rc}: {tail}")


def plain(v):
    """A record as comparable Python values (Spark Row → dict)."""
    if hasattr(v, "asDict"):
        v = v.asDict(recursive=True)
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def key(r):
    return (r.get("source", ""), r.get("ordinal", 0), json.dumps(r, sort_keys=True, ensure_ascii=False))


def check(spark, out, ingest_dir):
    """The Parquet output against `torikumi ingest`'s files: same records."""
    ok = True
    for kind, (name, schema) in KINDS.items():
        got = sorted((plain(r) for r in spark.read.schema(schema).parquet(f"{out}/{name}").collect()), key=key)
        with open(os.path.join(ingest_dir, f"{name}.jsonl"), encoding="utf-8") as f:
            want = sorted((plain(json.loads(l)) for l in f), key=key)
        same = got == want
        ok &= same
        print(f"check {name}: {len(got)} rows from Spark, {len(want)} from ingest: {'same' if same else 'DIFFERENT'}")
        if not same:
            for g, w in zip(got, want):
                if g != w:
                    print("  first difference:\n   spark  ", g, "\n   ingest ", w)
                    break
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inputs", required=True, help="file with one path or URL a line, or a directory")
    ap.add_argument("--base", help="relative paths are read from here (torikumi map --base)")
    ap.add_argument("--out", required=True, help="output directory (Parquet)")
    ap.add_argument("--binary", help="torikumi binary to ship (default: shipped with spark-submit --files)")
    ap.add_argument("--master", help="Spark master (default: spark-submit's)")
    ap.add_argument("--partitions", type=int, default=0, help="partitions (default: Spark's parallelism)")
    ap.add_argument("--map-args", default="", help="more torikumi map flags, e.g. '--offline --cache /shared/cache'")
    ap.add_argument("--check", metavar="DIR", help="compare with torikumi ingest's output in DIR")
    a = ap.parse_args()

    t0 = time.monotonic()
    builder = SparkSession.builder.appName("torikumi").config("spark.ui.showConsoleProgress", "false")
    if a.master:
        builder = builder.master(a.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    if a.binary:
        sc.addFile(os.path.abspath(a.binary))
    t1 = time.monotonic()

    if os.path.isdir(a.inputs):
        names = []
        for d, _, files in os.walk(a.inputs):
            for n in files:
                if not n.startswith(".") and not n.upper().startswith(("README", "LICENSE")):
                    names.append(os.path.relpath(os.path.join(d, n), a.base or "."))
        names.sort()
    else:
        with open(a.inputs, encoding="utf-8") as f:
            names = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    base = os.path.abspath(a.base) if a.base else None
    extra = a.map_args.split()
    parts = a.partitions or sc.defaultParallelism
    tmp = tempfile.gettempdir()

    records = sc.parallelize(names, parts).mapPartitions(
        lambda it: map_partition(list(it), base, tmp, extra)
    )
    records.cache()
    counts, steps = {}, []
    for kind, (name, schema) in KINDS.items():
        ts = time.monotonic()
        # `kind` is the first member of every line; the JSON reader (in the
        # JVM) types the rest by the explicit schema and drops `kind`.
        tag = f'{{"kind":"{kind}",'
        lines = records.filter(lambda l, t=tag: l.startswith(t))
        df = spark.read.schema(schema).option("mode", "FAILFAST").json(lines)
        df.write.mode("overwrite").parquet(f"{a.out}/{name}")
        counts[name] = spark.read.parquet(f"{a.out}/{name}").count()
        steps.append(f"{name} {time.monotonic() - ts:.1f} s")
    t2 = time.monotonic()
    print(
        f"torikumi on Spark {spark.version} ({sc.master}, {parts} partitions): "
        f"{len(names)} inputs -> {counts['documents']} documents, {counts['initiatives']} initiatives, "
        f"{counts['kpis']} KPI rows; session start {t1 - t0:.1f} s, job {t2 - t1:.1f} s "
        f"({', '.join(steps)})"
    )
    ok = True
    if a.check:
        ok = check(spark, a.out, a.check)
    spark.stop()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
