#!/usr/bin/env python3
"""Leave-one-document-out cross-validation of torikumi's structure reader.

For every gold document found in the gold directories (every *.gold.json):
train on all the others (`torikumi train --exclude`), ingest the held-out
document's renderings with that model (`torikumi ingest --model`), and score
them with the scorer (`score.py --json`). All renderings of a document are
held out together. Prints a per-document table (Markdown) and the overall
micro figures; `--json FILE` also writes them as JSON.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile


def find_sources(gold_dir, names):
    """File name -> path under the gold directory's parent, as `torikumi train` looks."""
    root = os.path.dirname(os.path.abspath(gold_dir))
    index = {}
    for d, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for f in sorted(files):
            index.setdefault(f, os.path.join(d, f))
    return [index[os.path.basename(n)] for n in names if os.path.basename(n) in index]


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--bin", default="./target/release/torikumi")
    ap.add_argument("--gold", action="append", help="gold directories (default: the shared corpora's)")
    ap.add_argument("--json", help="write the results here as JSON")
    ap.add_argument("--train-arg", action="append", default=[], help="extra argument to `torikumi train`")
    ap.add_argument("--train-gold", action="append",
                    help="gold directories trained on but never held out or scored "
                         "(default: training/synthetic/gold, when it exists)")
    ap.add_argument("--keep", help="keep each held-out model and output under this directory")
    args = ap.parse_args()
    gold_dirs = args.gold or [os.path.join(args.shared, "corpus-dev", "gold"),
                              os.path.join(args.shared, "corpus-real", "gold")]
    score_py = os.path.join(args.shared, "eval", "score.py")
    docs = []
    for gd in gold_dirs:
        for f in sorted(os.listdir(gd)):
            if f.endswith(".gold.json"):
                path = os.path.join(gd, f)
                g = json.load(open(path, encoding="utf-8"))
                stem = g.get("document") or f[: -len(".gold.json")]
                docs.append((stem, path, gd, find_sources(gd, g.get("sources", []))))
    train_only = args.train_gold
    if train_only is None:
        train_only = [d for d in ["training/synthetic/gold"] if os.path.isdir(d)]
    gold_args = []
    for gd in gold_dirs + train_only:
        gold_args += ["--gold", gd]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or tmp
        if args.keep:
            shutil.rmtree(work, ignore_errors=True)
        for stem, path, gd, sources in docs:
            if not sources:
                print(f"crossval: {stem}: no rendering found, skipped", file=sys.stderr)
                continue
            model = os.path.join(work, stem, "model")
            out = os.path.join(work, stem, "out")
            gold_one = os.path.join(work, stem, "gold")
            os.makedirs(gold_one)
            os.symlink(os.path.abspath(path), os.path.join(gold_one, os.path.basename(path)))
            subprocess.run([args.bin, "train", *gold_args, "--exclude", stem, "--out", model,
                            *args.train_arg], check=True, stderr=subprocess.DEVNULL)
            subprocess.run([args.bin, "ingest", *sources, "--out", out, "--quiet", "--model", model],
                           check=False)
            res = subprocess.run([sys.executable, score_py, "--gold", gold_one, "--pred", out, "--json"],
                                 check=True, capture_output=True, text=True)
            rep = json.loads(res.stdout.strip().splitlines()[-1])
            o = rep["overall"]
            title = o["fields"]["title"]
            kpi = o.get("kpi")
            rows.append({
                "document": stem, "renderings": len(sources),
                "gold": o["gold"], "pred": o["pred"], "matched": o["matched"],
                "precision": o["precision"], "recall": o["recall"], "f1": o["f1"],
                "title": title.get("value"), "title_n": title.get("n"),
                "kpi": None if not kpi or not kpi["gold"] else
                {"gold": kpi["gold"], "pred": kpi["pred"], "matched": kpi["matched"], "f1": kpi["f1"]},
                "per_rendering": [(d["source"], d["f1"]) for d in rep["documents"]],
            })
            print(f"crossval: {stem}: F1 {o['f1']:.3f}", file=sys.stderr)
    tp = sum(r["matched"] for r in rows)
    fp = sum(r["pred"] - r["matched"] for r in rows)
    fn = sum(r["gold"] - r["matched"] for r in rows)
    p, r_, f = prf(tp, fp, fn)
    tn = sum((r["title_n"] or 0) for r in rows)
    tv = sum((r["title"] or 0) * (r["title_n"] or 0) for r in rows) / tn if tn else None
    kg = sum(r["kpi"]["gold"] for r in rows if r["kpi"])
    kp = sum(r["kpi"]["pred"] for r in rows if r["kpi"])
    km = sum(r["kpi"]["matched"] for r in rows if r["kpi"])
    kf = prf(km, kp - km, kg - km)[2] if kg else None
    print("| held-out document | renderings | gold | pred | matched | P | R | F1 | title | KPI F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        k = f"{r['kpi']['f1']:.3f} ({r['kpi']['matched']}/{r['kpi']['gold']})" if r["kpi"] else "-"
        t = f"{r['title']:.3f}" if r["title"] is not None else "-"
        print(f"| {r['document']} | {r['renderings']} | {r['gold']} | {r['pred']} | {r['matched']} | "
              f"{r['precision']:.3f} | {r['recall']:.3f} | **{r['f1']:.3f}** | {t} | {k} |")
    kt = f"{kf:.3f} ({km}/{kg})" if kf is not None else "-"
    tt = f"{tv:.3f}" if tv is not None else "-"
    print(f"| **overall (micro)** | {sum(r['renderings'] for r in rows)} | {tp + fn} | {tp + fp} | {tp} | "
          f"{p:.3f} | {r_:.3f} | **{f:.3f}** | {tt} | {kt} |")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"documents": rows, "overall": {"precision": p, "recall": r_, "f1": f,
                                                      "title": tv, "kpi_f1": kf}},
                      fh, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
