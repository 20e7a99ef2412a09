"""Checks torikumi's Parquet and CSV tables as researchers read them
(pyarrow, DuckDB, Python's csv module, the README's snippets) and the
viewer's page and screenshot. Run by tests/datasets/test.sh."""

import argparse
import collections
import csv
import json
import math
import os
import re
import sys

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from PIL import Image

S = pa.string()
STRINGS = pa.list_(pa.field("item", S, nullable=False))
PERIOD = pa.struct([pa.field("raw", S, False), pa.field("start", S, False), pa.field("end", S)])
QUANTITY = pa.struct(
    [pa.field("raw", S, False), pa.field("value", pa.float64(), False), pa.field("unit", S, False)]
)
YEAR_VALUE = pa.struct([pa.field("fiscal_year", pa.int32(), False), pa.field("value", pa.float64(), False)])
YEAR_PERCENT = pa.struct(
    [pa.field("fiscal_year", pa.int32(), False), pa.field("percent", pa.float64(), False)]
)


def lst(t):
    return pa.list_(pa.field("item", t, nullable=False))


# The documented schema (README "Parquet schema").
SCHEMAS = {
    "documents": [
        ("source", S), ("sha256", S), ("format", S), ("pages", pa.int32()), ("title", S),
        ("initiatives", pa.int64()), ("warnings", STRINGS), ("error", S),
        ("fetch", pa.struct([pa.field("final_url", S, False), pa.field("status", pa.int32(), False),
                             pa.field("fetched_at", S, False), pa.field("from_cache", pa.bool_(), False)])),
    ],
    "initiatives": [
        ("id", S), ("source", S), ("ordinal", pa.int64()), ("page", pa.int32()),
        ("bbox", lst(pa.float64())), ("section", STRINGS), ("category", S),
        ("fields", pa.map_(pa.field("key", S, False), pa.field("value", S, False))),
        ("marker", S), ("title", S), ("text", S), ("policy_codes", STRINGS),
        ("periods", lst(PERIOD)), ("fiscal_years", lst(pa.int32())), ("quantities", lst(QUANTITY)),
        ("orgs", STRINGS), ("regions", STRINGS),
    ],
    "kpis": [
        ("name", S), ("region", S), ("unit", S), ("baseline", YEAR_VALUE), ("values", lst(YEAR_VALUE)),
        ("target", YEAR_VALUE), ("progress", lst(YEAR_PERCENT)), ("notes", STRINGS), ("source", S),
        ("page", pa.int32()),
    ],
    "periods": [
        ("id", S), ("source", S), ("sha256", S), ("ordinal", pa.int64()), ("index", pa.int32()),
        ("raw", S), ("start", S), ("end", S), ("fiscal_year_first", pa.int32()),
        ("fiscal_year_last", pa.int32()),
    ],
}

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


def same(a, b):
    """JSON value a against the pyarrow value b."""
    if isinstance(a, dict):
        if isinstance(b, list):  # a map read as [(key, value), ...]
            b = dict(b)
        return isinstance(b, dict) and all(same(v, b.get(k)) for k, v in a.items())
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and not isinstance(a, bool) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b))
    return a == b


def jsonl(out, name):
    with open(os.path.join(out, f"{name}.jsonl"), encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def check_pyarrow(out):
    for name, cols in SCHEMAS.items():
        t = pq.read_table(os.path.join(out, f"{name}.parquet"))
        got = [(f.name, f.type) for f in t.schema]
        for (n, want), (gn, gt) in zip(cols, got):
            check(n == gn and gt.equals(want), f"pyarrow {name}.{n}: {gt} (want {want})")
        check(len(got) == len(cols), f"pyarrow {name}: {len(got)} columns, want {len(cols)}")
        if name == "periods":
            continue
        want_rows = jsonl(out, name)
        rows = t.to_pylist()
        check(len(rows) == len(want_rows), f"pyarrow {name}: {len(rows)} rows, want {len(want_rows)}")
        bad = [i for i, (w, g) in enumerate(zip(want_rows, rows))
               if not all(same(v, g.get(k)) for k, v in w.items())]
        check(not bad, f"pyarrow {name}: rows {bad[:5]} differ from the JSON Lines")
    print("datasets test: pyarrow reads every table with the documented types and values")


def check_duckdb(out):
    con = duckdb.connect()
    path = lambda n: os.path.join(out, f"{n}.parquet").replace("'", "''")
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '{path('initiatives')}')").fetchall())
    check(types["section"] == "VARCHAR[]", f"duckdb section: {types['section']}")
    check(types["fiscal_years"] == "INTEGER[]", f"duckdb fiscal_years: {types['fiscal_years']}")
    check(types["fields"] == "MAP(VARCHAR, VARCHAR)", f"duckdb fields: {types['fields']}")
    check(re.fullmatch(r'STRUCT\(raw VARCHAR, "?value"? DOUBLE, unit VARCHAR\)\[\]', types["quantities"]) is not None,
          f"duckdb quantities: {types['quantities']}")
    check(re.fullmatch(r'STRUCT\(raw VARCHAR, "?start"? VARCHAR, "?end"? VARCHAR\)\[\]', types["periods"]) is not None,
          f"duckdb periods: {types['periods']}")
    check(types["bbox"] == "DOUBLE[]", f"duckdb bbox: {types['bbox']}")
    for n in SCHEMAS:
        count = con.execute(f"SELECT count(*) FROM '{path(n)}'").fetchone()[0]
        if n != "periods":
            check(count == len(jsonl(out, n)), f"duckdb {n}: {count} rows")
    # A list<struct> column and Japanese text, against the JSON Lines.
    recs = jsonl(out, "initiatives")
    r = next(x for x in recs if len(x["periods"]) >= 2 and x["quantities"])
    got = con.execute(
        f"SELECT title, periods[2].raw, periods[2].start, quantities[1].value FROM '{path('initiatives')}' WHERE id = ?",
        [r["id"]],
    ).fetchone()
    want = (r["title"], r["periods"][1]["raw"], r["periods"][1]["start"], float(r["quantities"][0]["value"]))
    check(got == want, f"duckdb values of {r['id']}: {got} (want {want})")
    check(re.search(r"[\u3040-\u9fff]", got[0]) is not None, "duckdb title is Japanese text")
    # Initiatives per fiscal year per document, from the tidy periods table.
    rows = con.execute(f"""
        SELECT d.source, fy, count(DISTINCT p.id) AS initiatives
        FROM (SELECT id, sha256, unnest(range(fiscal_year_first, fiscal_year_last + 1)) AS fy
              FROM '{path('periods')}' WHERE fiscal_year_first IS NOT NULL) p
        JOIN '{path('documents')}' d USING (sha256)
        GROUP BY ALL ORDER BY ALL""").fetchall()
    want = collections.Counter()
    for x in recs:
        for y in x["fiscal_years"]:
            want[(x["source"], y)] += 1
    check(dict(((s, y), n) for s, y, n in rows) == dict(want),
          "duckdb initiatives per fiscal year per document differ from the JSON Lines' fiscal_years")
    check(len(rows) > 10, f"duckdb per-year query: only {len(rows)} rows")
    print(f"datasets test: DuckDB reads every table; initiatives per fiscal year per document: {len(rows)} rows")


def check_csv(out):
    for name in ["documents", "initiatives", "kpis", "periods"]:
        p = os.path.join(out, f"{name}.csv")
        with open(p, "rb") as f:
            check(f.read(3) == b"\xef\xbb\xbf", f"{name}.csv starts with a UTF-8 BOM")
        with open(p, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        if name == "periods":
            want = sum(len(x["periods"]) for x in jsonl(out, "initiatives"))
            check(len(rows) == want, f"periods.csv: {len(rows)} rows, want {want}")
            continue
        recs = jsonl(out, name)
        check(len(rows) == len(recs), f"{name}.csv: {len(rows)} rows, want {len(recs)}")
        if name == "initiatives":
            for row, rec in zip(rows, recs):
                if row["title"] != rec["title"] or row["section"] != " | ".join(rec["section"]):
                    check(False, f"initiatives.csv row {rec['id']} differs")
                    break
    print("datasets test: Python's csv module reads every CSV table")


def check_readme(out, readme):
    text = open(readme, encoding="utf-8").read()
    section = text.split("## Loading the dataset", 1)[1].split("\n## ", 1)[0]
    snippets = re.findall(r"```python\n(.*?)```", section, re.S)
    check(len(snippets) == 3, f"README: {len(snippets)} loading snippets, want 3")
    cwd = os.getcwd()
    os.chdir(os.path.dirname(os.path.abspath(out)))
    try:
        for s in snippets:
            env = {}
            exec(compile(s, "README.md", "exec"), env)
            result = env.get("per_year")
            check(result is not None and len(result) > 0, f"README snippet gives no per_year:\n{s}")
    finally:
        os.chdir(cwd)
    print(f"datasets test: the README's {len(snippets)} loading snippets run")


def check_view(out, html_path, png_path, source):
    html = open(html_path, encoding="utf-8").read()
    ids = [x["id"] for x in jsonl(out, "initiatives") if x["source"] == source]
    check(len(ids) >= 5, f"{source}: {len(ids)} initiatives")
    missing = [i for i in ids if f'data-id="{i}"' not in html]
    check(not missing, f"view: initiatives not on the page: {missing}")
    boxed = sum(1 for x in jsonl(out, "initiatives") if x["source"] == source and x.get("bbox"))
    check(html.count('class="ini"') == boxed, "view: one box per initiative with a bbox")
    img = Image.open(png_path).convert("RGB")
    w, h = img.size
    px = img.load()
    sample = [px[x, y] for x in range(0, w, 3) for y in range(0, h, 3)]
    colours = len(set(sample))
    ink = sum(1 for p in sample if sum(p) < 600) / len(sample)
    orange = sum(1 for r, g, b in sample if r > 200 and 60 < g < 150 and b < 60)
    check(colours > 50, f"screenshot: {colours} colours (blank?)")
    check(ink > 0.02, f"screenshot: {ink:.3f} of the pixels dark (blank?)")
    check(orange > 100, f"screenshot: {orange} orange pixels (no initiative boxes drawn?)")
    print(f"datasets test: view of {source}: {len(ids)} initiatives on the page; "
          f"screenshot {w}x{h}, {colours} colours, {orange} box pixels sampled")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--readme", required=True)
    ap.add_argument("--view", required=True)
    ap.add_argument("--screenshot", required=True)
    ap.add_argument("--source", required=True)
    a = ap.parse_args()
    check_pyarrow(a.out)
    check_duckdb(a.out)
    check_csv(a.out)
    check_readme(a.out, a.readme)
    check_view(a.out, a.view, a.screenshot, a.source)
    if failures:
        print(f"datasets test: {len(failures)} checks failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
