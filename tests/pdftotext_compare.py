#!/usr/bin/env python3
"""Compares `torikumi text` with poppler's `pdftotext -enc UTF-8` on every PDF
under the given directories, page by page and file by file.

Similarity: Dice coefficient of the multisets of character bigrams, after
Unicode NFKC and removing all white space (so line breaks, table-cell tabs and
letter-spacing do not count; reading order counts only where a bigram spans
two blocks that the two readers put in a different order).

pdftotext's reading of a file is called WRONG when torikumi reads Japanese in
it (at least MIN_JA kana/kanji) and pdftotext's output, before NFKC, has one of:
  empty      fewer than a quarter of torikumi's Japanese characters (refused,
             or no text at all: exit status, an empty page set);
  fffd       U+FFFD replacement characters for more than 1% of its characters;
  cid        "(cid:N)" placeholders;
  mojibake   more than 5% of its characters in Latin-1 Supplement, Private
             Use Area or C1 controls (undecoded bytes shown as Latin letters);
  vertical   at least a quarter of its Japanese characters on lines of one or
             two Japanese characters, where torikumi's lines of the same file
             hold fewer than a twentieth of theirs: the signature of vertical
             writing set with upright glyphs placed down the columns one by
             one, which pdftotext does not recognise as vertical writing. It
             then either reads rows across the columns (a line takes one
             character from each of several columns: kampo.pdf) or prints
             each character on a line of its own with the columns taken left
             to right (kokuji.pdf), whereas vertical columns read right to
             left; either way its order of the text is wrong. Running text,
             tables and charts in horizontal writing stay far below a quarter
             (at most about a tenth in these corpora);
  cells      it does not keep the lines of a ruled table's cell together:
             for at least 3 and at least a quarter of the cells that torikumi
             reads as two or more lines (`torikumi text` joins a cell's lines
             with a space and cells with a tab), every line of the cell is in
             pdftotext's text of the page but the cell as a whole is not: other
             text stands between its lines, or they come in another order
             (R7.9.26kyoka_ichiran.pdf: "0165-26-7575 (伐採木枝・伐根・剪定木・
             刈草・" is a phone number cell and the first line of the next
             cell on one line, the rest of that cell further down). The cells
             come from the ruling lines drawn on the page, and only cells whose
             every line pdftotext has are counted;
  radicals   Kangxi radicals / CJK Radicals Supplement (U+2E80-U+2FDF) used in
             place of ideographs (a text consumer that does not apply NFKC
             gets the wrong characters; the similarity below applies NFKC, so
             this flag alone does not lower it).
Compared like with like: before the similarity, runs of three or more of the
dots that emphasis marks (傍点) and leaders are set with (… ‥ ・ ･ ﹅ ﹆ ヽ)
are taken out of both texts. pdftotext prints a row of emphasis marks as a
line of its own under the text it marks; torikumi leaves emphasis marks out
(they are no text: a reader wants 危険な, not 危…険…な). Leader dots of a table
of contents are in both texts, but pdftotext often prints them apart from
their entry and page number. Only runs go, so a torikumi that mixed single
marks into the words would still be caught; a lone ・ between words stays.

Compared like with like, second: torikumi drops by design (the spec asks
for it) running headers and footers, page numbers, and the header row that a
table continued from the page before repeats; pdftotext keeps them. torikumi
reports what it drops (env TORIKUMI_PDF_DROPPED: page, kind, text), and
exactly that is taken out of pdftotext's text of the same page: a line whose
text (NFKC, no white space) is the dropped text, or failing that the first
occurrence of that text in the page (the lines joined: a cell wraps); for a
header row, each of its cells the same way. Only what torikumi itself says
it dropped goes, on its page, so text that torikumi loses any other way
still counts against it. The rows of a table continued over several pages
are read on the page where it starts (reported as "joined"): the worst-page
column compares such pages as one (p7-10).

The bar (0.98) applies to files that pdftotext reads correctly: those with
no flag other than "radicals" or "cells", less those with "cells" that fall
short of the bar. "cells" counts only there because it takes torikumi's
cells as the reference: a torikumi that merged two texts into one cell, or
the grid of a chart read as cells, could raise it too; the broken cells of
every file it decides were checked by hand to be cells of real tables with
their lines wrapped inside the cell (--cells prints them).

A second column compares the multisets of single characters (unigram Dice):
where it is 1.000 or close and the bigram Dice is lower, the two readers
found the same characters and differ only in reading order (table cells,
columns, vertical text); the verdict then says "SHORT-order". Prints a table;
with --strict, exits 1 when a file that pdftotext reads correctly falls short.

Usage: tests/pdftotext_compare.py [--strict] [--cells] [--bin PATH] [DIR|FILE...]
"""
import collections
import glob
import os
import re
import subprocess
import sys
import unicodedata

BAR = 0.98
MIN_JA = 20


def norm(s):
    s = unicodedata.normalize("NFKC", s)
    return "".join(c for c in s if not c.isspace())


DOT_RUN = re.compile("[…‥・･﹅﹆ヽ]{3,}")


def drop_dot_lines(text):
    """The text without its runs of three or more emphasis-mark dots."""
    return DOT_RUN.sub("", text)


def bigrams(s):
    return collections.Counter(s[i:i + 2] for i in range(len(s) - 1))


def char_dice(a, b):
    ca, cb = collections.Counter(a), collections.Counter(b)
    tot = len(a) + len(b)
    return 2 * sum((ca & cb).values()) / tot if tot else 1.0


def dice(a, b):
    ba, bb = bigrams(a), bigrams(b)
    tot = sum(ba.values()) + sum(bb.values())
    return 2 * sum((ba & bb).values()) / tot if tot else 1.0


def is_ja(c):
    o = ord(c)
    return (0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF
            or 0x2E80 <= o <= 0x2FDF or 0xFF66 <= o <= 0xFF9F)


def short_line_share(text):
    """The share of a text's Japanese characters that stand on lines holding
    at most two Japanese characters."""
    total = short = 0
    for line in text.split("\n"):
        n = sum(is_ja(c) for c in line)
        total += n
        if n <= 2:
            short += n
    return short / total if total else 0.0


def flags(tk_raw, pt_raw, pt_ok):
    """Why pdftotext's text is wrong where torikumi reads Japanese."""
    tk_ja = sum(is_ja(c) for c in tk_raw)
    if tk_ja < MIN_JA:
        return []
    chars = [c for c in pt_raw if not c.isspace()]
    n = max(len(chars), 1)
    out = []
    pt_ja = sum(is_ja(c) for c in chars)
    if not pt_ok or pt_ja * 4 < tk_ja:
        out.append("empty")
    fffd = pt_raw.count("\ufffd")
    if fffd > n * 0.01:
        out.append(f"fffd({fffd})")
    cid = pt_raw.count("(cid:")
    if cid:
        out.append(f"cid({cid})")
    odd = sum(1 for c in chars if 0x80 <= ord(c) <= 0xFF or 0xE000 <= ord(c) <= 0xF8FF)
    if odd > n * 0.05:
        out.append(f"mojibake({odd})")
    pt_short, tk_short = short_line_share(pt_raw), short_line_share(tk_raw)
    if pt_short >= 0.25 and tk_short < 0.05:
        out.append(f"vertical({pt_short:.0%})")
    rad = sum(1 for c in chars if 0x2E80 <= ord(c) <= 0x2FDF)
    if rad:
        out.append(f"radicals({rad})")
    return out


def dropped_by_page(stderr):
    """What torikumi reported dropping, by page: lists of normalized texts."""
    out = collections.defaultdict(list)
    for line in stderr.split("\n"):
        parts = line.split("\t")
        if len(parts) >= 4 and parts[0] == "dropped" and parts[1].isdigit():
            page = int(parts[1])
            pieces = parts[3:] if parts[2] == "header" else ["".join(parts[3:])]
            out[page].extend(p for p in (norm(x) for x in pieces) if p)
    return out


def joined_pages(stderr):
    """Pages whose table torikumi joined to a table on an earlier page:
    {page: earlier page}."""
    out = {}
    for line in stderr.split("\n"):
        parts = line.split("\t")
        if len(parts) == 3 and parts[0] == "joined" and parts[1].isdigit() and parts[2].isdigit():
            out[int(parts[1])] = int(parts[2])
    return out


def page_groups(n, joins):
    """Pages 1..n in groups that torikumi's table joins tie together (the
    rows of a table continued on later pages are read on its first page):
    a list of (first, last) page ranges."""
    groups = []
    for page in range(1, n + 1):
        if page in joins and groups and groups[-1][1] >= joins[page]:
            groups[-1] = (groups[-1][0], page)
        else:
            groups.append((page, page))
    return groups


def remove_dropped(page_text, items):
    """pdftotext's page text (normalized, line by line) without the items
    torikumi dropped on that page: a line that is the item, else the item's
    first occurrence."""
    lines = [norm(x) for x in page_text.split("\n")]
    lines = [x for x in lines if x]
    rest = []
    for item in items:
        if item in lines:
            lines.remove(item)
        else:
            rest.append(item)
    # A cell's text can wrap over lines: look in the whole page.
    text = "".join(lines)
    for item in rest:
        text = text.replace(item, "", 1)
    return text


def broken_cells(tk_pages, pt_pages):
    """How many of torikumi's multi-line table cells pdftotext has line by
    line but not as a whole: (broken, multi-line cells, the broken cells).
    Pages are paired by number; pdftotext's page texts are normalized."""
    broken = total = 0
    shown = []
    for page, (tk, pt) in enumerate(zip(tk_pages, pt_pages), 1):
        for row in tk.split("\n"):
            if "\t" not in row:
                continue
            for cell in row.split("\t"):
                parts = [norm(x) for x in cell.split(" ")]
                parts = [x for x in parts if len(x) >= 2]
                whole = norm(cell)
                if len(parts) < 2 or len(whole) < 6:
                    continue
                if not all(x in pt for x in parts):
                    continue
                total += 1
                if whole not in pt:
                    broken += 1
                    shown.append(f"p{page}: {cell}")
    return broken, total, shown


def run(cmd, env=None):
    p = subprocess.run(cmd, capture_output=True, env=env)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def pdfs(args):
    for a in args:
        if os.path.isdir(a):
            yield a, sorted(glob.glob(os.path.join(a, "**", "*.pdf"), recursive=True))
        elif os.path.exists(a):
            yield os.path.dirname(a) or ".", [a]


def main():
    argv = sys.argv[1:]
    strict = "--strict" in argv
    show_cells = "--cells" in argv
    argv = [a for a in argv if a not in ("--strict", "--cells")]
    binary = "target/release/torikumi"
    if "--bin" in argv:
        i = argv.index("--bin")
        binary = argv[i + 1]
        del argv[i:i + 2]
    dirs = argv or ["../shared/corpus-real", "../shared/corpus-dev/docs"]
    rows, short, wrong = [], [], []
    for root, files in pdfs(dirs):
        for pdf in files:
            name = os.path.relpath(pdf, os.path.dirname(os.path.abspath(root)))
            env = dict(os.environ, TORIKUMI_PDF_DROPPED="1")
            tk_rc, tk, tk_err = run([binary, "text", pdf], env)
            pt_rc, pt, _ = run(["pdftotext", "-enc", "UTF-8", pdf, "-"])
            if tk_rc != 0:
                rows.append((name, "-", "-", "-", "-", "torikumi failed: " + tk_err.strip()[-60:], "ERROR"))
                continue
            tk, pt = drop_dot_lines(tk), drop_dot_lines(pt)
            tk_pages = tk.split("\f")
            pt_pages = pt.split("\f")
            # pdftotext ends every page with \f: drop the empty tail.
            if pt_pages and not pt_pages[-1].strip():
                pt_pages = pt_pages[:-1]
            if tk_pages and not tk_pages[-1].strip() and len(tk_pages) > len(pt_pages):
                tk_pages = tk_pages[:-1]
            # Normalized page texts; pdftotext's without what torikumi dropped
            # by design on that page.
            dropped = dropped_by_page(tk_err)
            cells = broken_cells(tk_pages, [remove_dropped(p, dropped.get(i + 1, []))
                                            for i, p in enumerate(pt_pages)])
            tk_pages = [norm(p) for p in tk_pages]
            pt_pages = [remove_dropped(p, dropped.get(i + 1, [])) for i, p in enumerate(pt_pages)]
            file_dice = dice("".join(tk_pages), "".join(pt_pages))
            chars = char_dice("".join(tk_pages), "".join(pt_pages))
            page_note = "-"
            if len(tk_pages) != len(pt_pages):
                # One reader prints nothing for an image-only page: pair the pages
                # that have text when that makes the counts agree.
                tk_full = [p for p in tk_pages if p]
                pt_full = [p for p in pt_pages if p]
                if len(tk_full) == len(pt_full):
                    tk_pages, pt_pages = tk_full, pt_full
            if len(tk_pages) == len(pt_pages) and tk_pages:
                # Pages tied by a joined table are compared as one.
                groups = page_groups(len(tk_pages), joined_pages(tk_err))
                per = [(dice("".join(tk_pages[a - 1:b]), "".join(pt_pages[a - 1:b])),
                        f"p{a}" if a == b else f"p{a}-{b}") for a, b in groups]
                worst = min(per)
                page_note = f"{worst[0]:.3f}@{worst[1]}"
            f = flags(tk, pt, pt_rc == 0)
            if cells[0] >= 3 and cells[0] * 4 >= cells[1]:
                f.append(f"cells({cells[0]}/{cells[1]})")
                if show_cells:
                    for c in cells[2]:
                        print(f"{name}: broken cell {c}")
            bad = [x for x in f if not x.startswith(("radicals", "cells"))]
            # Broken table cells make pdftotext's reading wrong only where the
            # file falls short: a file at or above the bar is simply ok.
            if bad or (file_dice < BAR and any(x.startswith("cells") for x in f)):
                verdict = "PDFTOTEXT-WRONG"
                wrong.append((name, f))
            elif file_dice >= BAR:
                verdict = "ok"
            else:
                verdict = "SHORT-order" if chars >= 0.995 else "SHORT"
                short.append(name)
            rows.append((name, f"{len(tk_pages)}/{len(pt_pages)}", f"{file_dice:.3f}", f"{chars:.3f}",
                         page_note, ",".join(f) or "-", verdict))
    w = max([len(r[0]) for r in rows] + [4])
    print(f"{'file':<{w}}  pages tk/pt  dice   chars  worst-page  pdftotext-flags            verdict")
    for r in rows:
        print(f"{r[0]:<{w}}  {r[1]:>11}  {r[2]:>5}  {r[3]:>5}  {r[4]:>10}  {r[5]:<25}  {r[6]}")
    judged = [r for r in rows if r[6] == "ok" or r[6].startswith("SHORT")]
    print()
    print(f"{len(rows)} PDFs; pdftotext correct on {len(judged)}: "
          f"{sum(r[6] == 'ok' for r in judged)} at or above {BAR}, {len(short)} below "
          f"({sum(r[6] == 'SHORT-order' for r in judged)} of them with the same characters "
          f"in another order)")
    if wrong:
        print("torikumi reads Japanese that pdftotext gets wrong or refuses:")
        for name, f in wrong:
            print(f"  {name}: {', '.join(f)}")
    if short:
        print("below the bar (pdftotext correct):")
        for r in rows:
            if r[6].startswith("SHORT"):
                print(f"  {r[0]}: dice {r[2]}, chars {r[3]} ({r[6]})")
    return 1 if strict and short else 0


if __name__ == "__main__":
    sys.exit(main())
