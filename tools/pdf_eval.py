#!/usr/bin/env python3
"""Compares `pdf_text` output with reference texts: character-bigram Dice
(multiset) after NFKC and removing white space.

corpus-dev: each PDF against the seed `.txt` beside it (stem before the first dot).
corpus-real: each PDF against poppler's `.pdftotext.txt` beside it.

Usage: python3 tools/pdf_eval.py [DIR...]   (build first: cargo build --example pdf_text)
"""
import collections, glob, os, subprocess, sys, unicodedata

BIN = os.path.join(os.path.dirname(__file__), "..", "target", "debug", "examples", "pdf_text")


def norm(s):
    s = unicodedata.normalize("NFKC", s)
    return "".join(c for c in s if not c.isspace())


def dice(a, b):
    ba = collections.Counter(a[i:i + 2] for i in range(len(a) - 1))
    bb = collections.Counter(b[i:i + 2] for i in range(len(b) - 1))
    inter = sum((ba & bb).values())
    tot = sum(ba.values()) + sum(bb.values())
    return 2 * inter / tot if tot else 1.0


def found(out, ref, n=6):
    """Share of the reference's n-character fragments found in the output
    (the corpus README's "text found" measure)."""
    frags = [ref[i:i + n] for i in range(0, max(len(ref) - n + 1, 0), n)]
    return sum(f in out for f in frags) / len(frags) if frags else 1.0


def reference(pdf):
    real = pdf + ".pdftotext.txt"
    if os.path.exists(real):
        return real
    d, base = os.path.split(pdf)
    txt = os.path.join(d, base.split(".")[0] + ".txt")
    return txt if os.path.exists(txt) else None


def main():
    dirs = sys.argv[1:] or ["/work/shared/corpus-dev/docs", "/work/shared/corpus-real"]
    for d in dirs:
        for pdf in sorted(glob.glob(os.path.join(d, "**", "*.pdf"), recursive=True)):
            p = subprocess.run([BIN, pdf], capture_output=True, text=True)
            ref = reference(pdf)
            name = os.path.relpath(pdf, d)
            warn = [l for l in p.stderr.splitlines() if l.startswith("warning") or "error" in l]
            if p.returncode != 0:
                print(f"{name:55s} ERROR {p.stderr.strip()[-120:]}")
                continue
            # Lines of a table cell are printed joined by " / ".
            out = norm(p.stdout.replace(" / ", ""))
            r = norm(open(ref, encoding="utf-8", errors="replace").read()) if ref else ""
            score = dice(out, r) if ref else float("nan")
            fnd = found(out, r) if ref else float("nan")
            print(f"{name:55s} dice={score:.3f} found={fnd:.3f} chars={len(out):6d} {'; '.join(warn)[:150]}")


if __name__ == "__main__":
    main()
