#!/usr/bin/env python3
"""How much the cross-validated figure depends on the synthetic documents' draw.

The synthetic training documents (tools/gen_synthetic.py) come from a seeded
generator; the committed set is one draw. This runs tools/crossval.py once per
seed, each time with a fresh draw written to a temporary directory (the
committed training/synthetic is left alone), and prints each draw's overall
F1 and per-document F1, then their mean, minimum and maximum. Use it before
trusting a change of a few hundredths: one draw can move the figure by more.

Usage: tools/crossval_seeds.py [--seeds 20261207,7,11,101] [--docs N]
       [--gen-arg=--sheets=0] [--shared ../shared] [-- extra crossval.py arguments]
Build first (cargo build --release), as tools/crossval.sh does.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="20261207,7,11,101")
    ap.add_argument("--docs", type=int, help="documents per draw (default: the generator's)")
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--gen-arg", action="append", default=[],
                    help="extra argument to gen_synthetic.py, e.g. --gen-arg=--sheets=0")
    ap.add_argument("rest", nargs="*", help="extra arguments to crossval.py (after --)")
    args = ap.parse_args()
    overall, per_doc = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds.split(","):
            out = os.path.join(tmp, f"seed_{seed}")
            gen = [sys.executable, os.path.join(HERE, "gen_synthetic.py"), "--out", out, "--seed", seed]
            if args.docs:
                gen += ["--docs", str(args.docs)]
            gen += args.gen_arg
            subprocess.run(gen, check=True)
            res_path = os.path.join(tmp, f"seed_{seed}.json")
            subprocess.run([sys.executable, os.path.join(HERE, "crossval.py"), "--shared", args.shared,
                            "--train-gold", os.path.join(out, "gold"), "--json", res_path, *args.rest],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            res = json.load(open(res_path, encoding="utf-8"))
            f1 = res["overall"]["f1"]
            overall.append(f1)
            docs = {r["document"]: r["f1"] for r in res["documents"]}
            for d, v in docs.items():
                per_doc.setdefault(d, []).append(v)
            print(f"seed {seed}: overall F1 {f1:.3f}  "
                  + " ".join(f"{d[:12]} {v:.3f}" for d, v in docs.items()), flush=True)
    print(f"overall F1 over {len(overall)} draws: mean {statistics.mean(overall):.3f}, "
          f"min {min(overall):.3f}, max {max(overall):.3f}")
    for d, vs in per_doc.items():
        print(f"  {d}: mean {statistics.mean(vs):.3f}, min {min(vs):.3f}, max {max(vs):.3f}")


if __name__ == "__main__":
    main()
