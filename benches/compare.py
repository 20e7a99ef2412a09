#!/usr/bin/env python3
"""Whole-process comparison of torikumi with other extractors, on the same files.

Builds a benchmark corpus from the repository's corpus/ (PDFs concatenated
with pypdf into documents of 1, 10, 100 and 300 pages; HTML pages with their
bodies repeated, in UTF-8, Shift_JIS and EUC-JP), then times, single-threaded:

* pdftotext (poppler), one process per file, as users run it;
* PyMuPDF, page.get_text() on every page;
* pdfminer.six, extract_text();
* torikumi's whole job: `torikumi ingest DIR --threads 1` (extract, parse,
  write JSON Lines);
* with --baseline BIN, the same job by another torikumi binary (an older
  release: `git worktree add /tmp/old REV && cargo build --profile dist`),
  in the same runs, so that a slowdown is measured against the machine's
  speed of the moment rather than against another day's figures;

then torikumi with all cores, and torikumi's peak RSS for 100 and 1,000
documents. Each figure is the median of --runs runs; runs of different tools
are interleaved so that drift in the machine's speed hits them alike.

Peers written in Python are timed inside their process, from the first file
opened to the last text extracted (interpreter start-up and imports are not
counted: that favours them). torikumi and pdftotext are timed as whole
processes. Peak RSS is the largest process's, whole process, for everyone.

Run through benches/compare.sh, which installs what this needs.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# PDF groups: (name, pages per document, documents).
PDF_GROUPS = [("1p", 1, 200), ("10p", 10, 30), ("100p", 100, 4), ("300p", 300, 2)]
# HTML: (body repeats, copies of each source page).
HTML_SIZES = [(1, 20), (10, 4), (50, 1)]
ENCODINGS = [("utf-8", "utf8"), ("shift_jis", "sjis"), ("euc-jp", "eucjp")]


# ---------------------------------------------------------------- corpus


def pdf_sources(src):
    files = sorted(p for p in Path(src).iterdir() if p.suffix.lower() == ".pdf")
    if not files:
        sys.exit(f"compare.py: no PDFs in {src} (give --pdf-src DIR)")
    return files


def build_pdfs(srcs, out, groups):
    """Documents of N pages made of the source documents' pages in turn,
    each document starting at a different source page, so that documents
    mix LibreOffice and Chromium renderings of different reports."""
    import pypdf

    readers = [pypdf.PdfReader(str(p)) for p in srcs]
    pages = [(r, i) for r in readers for i in range(len(r.pages))]
    meta = {}
    for name, n, count in groups:
        d = out / name
        d.mkdir(parents=True, exist_ok=True)
        for k in range(count):
            w = pypdf.PdfWriter()
            start = (k * 7919 + n) % len(pages)
            # Append whole runs of a source at once so that pypdf shares its
            # fonts between those pages, as a real long document does.
            done = 0
            pos = start
            while done < n:
                r, i = pages[pos % len(pages)]
                take = min(n - done, len(r.pages) - i)
                w.append(r, pages=list(range(i, i + take)))
                done += take
                pos += take
            f = d / f"{name}_{k:04d}.pdf"
            with open(f, "wb") as fh:
                w.write(fh)
            meta[str(f.relative_to(out))] = n
    return meta


def build_many(srcs, out, total):
    """`total` whole corpus PDFs (hard links), for the memory runs."""
    d = out / f"docs{total}"
    d.mkdir(parents=True, exist_ok=True)
    for k in range(total):
        src = srcs[k % len(srcs)]
        f = d / f"{k:05d}_{src.name}"
        if not f.exists():
            try:
                os.link(src, f)
            except OSError:
                shutil.copy(src, f)
    return d


def html_sources(src):
    files = sorted(
        p
        for p in Path(src).iterdir()
        if p.suffix == ".html" and p.name.count(".") == 1  # the UTF-8 pages
    )
    if not files:
        sys.exit(f"compare.py: no UTF-8 .html pages in {src}")
    return files


def build_html(srcs, out):
    """The same pages in each encoding, with the same file names: UTF-8
    declared, Shift_JIS and EUC-JP undeclared (detected from the bytes)."""
    import re

    for codec, tag in ENCODINGS:
        d = out / f"html_{tag}"
        d.mkdir(parents=True, exist_ok=True)
        for src in srcs:
            page = src.read_text(encoding="utf-8")
            head, rest = page.split("<body>", 1)
            body, tail = rest.split("</body>", 1)
            if codec != "utf-8":
                head = re.sub(r"<meta[^>]*charset[^>]*>\s*", "", head, flags=re.I)
            for reps, copies in HTML_SIZES:
                text = head + "<body>" + body * reps + "</body>" + tail
                data = encode(text, codec)
                for c in range(copies):
                    (d / f"{src.stem}_x{reps:02d}_{c:02d}.html").write_bytes(data)


def encode(text, codec):
    """Shift_JIS as Windows-31J, and EUC-JP as the WHATWG Encoding Standard
    has it (the same JIS X 0208 table as Windows-31J: ～ is U+FF5E), which
    Python's euc_jp codec does not: EUC-JP is made from the Windows-31J bytes."""
    if codec == "utf-8":
        return text.encode("utf-8")
    sj = text.encode("cp932")
    if codec == "shift_jis":
        return sj
    out = bytearray()
    i = 0
    while i < len(sj):
        b = sj[i]
        if b < 0x80:
            out.append(b)
            i += 1
        elif 0xA1 <= b <= 0xDF:  # half-width katakana
            out += bytes((0x8E, b))
            i += 1
        else:
            s1, s2 = b, sj[i + 1]
            if s1 >= 0xE0:
                s1 -= 0x40
            row = (s1 - 0x81) * 2 + 1
            if s2 >= 0x9F:
                row += 1
                col = s2 - 0x9F + 1
            else:
                col = s2 - 0x40 + 1 - (1 if s2 > 0x7F else 0)
            if not (1 <= row <= 94 and 1 <= col <= 94):
                raise ValueError(f"no EUC-JP form for Shift_JIS {b:02x}{sj[i + 1]:02x}")
            out += bytes((row + 0xA0, col + 0xA0))
            i += 2
    return bytes(out)


def build_corpus(args, work):
    corpus = work / "corpus"
    stamp = corpus / "stamp.json"
    key = {
        "pdf_src": str(Path(args.pdf_src).resolve()),
        "html_src": str(Path(args.html_src).resolve()),
        "groups": PDF_GROUPS,
        "html": HTML_SIZES,
        "v": 2,
    }
    key = json.loads(json.dumps(key))  # tuples as lists, as read back
    if stamp.exists() and json.loads(stamp.read_text()).get("key") == key:
        return corpus, json.loads(stamp.read_text())["pages"]
    if corpus.exists():
        shutil.rmtree(corpus)
    corpus.mkdir(parents=True)
    t = time.monotonic()
    srcs = pdf_sources(args.pdf_src)
    pages = build_pdfs(srcs, corpus, PDF_GROUPS)
    build_many(srcs, corpus, 1000)
    build_html(html_sources(args.html_src), corpus)
    stamp.write_text(json.dumps({"key": key, "pages": pages}))
    print(f"corpus built in {time.monotonic() - t:.0f} s: {corpus}", file=sys.stderr)
    return corpus, pages


# ---------------------------------------------------------------- timing


def run_timed(cmd, timing_file=None):
    """Runs `cmd`; returns (seconds, peak RSS in MiB, CPU seconds). With
    `timing_file`, the seconds are the ones the command wrote there
    (in-process timing, "wall cpu").

    The command is started by a small helper process (this file with
    --timed): a process forked from this one would report this one's memory
    as its own peak (Linux counts the pages a child shares after fork), and
    this one holds the corpus builder and the outputs read back."""
    helper = [sys.executable, "-I", "-S", str(Path(__file__).resolve()), "--timed"]
    p = subprocess.run(helper + [str(c) for c in cmd], capture_output=True)
    if p.returncode != 0:
        sys.exit(f"compare.py: {' '.join(map(str, cmd))} failed: {p.stderr.decode()[-2000:]}")
    wall, rss_kb, cpu = p.stdout.split()
    wall, cpu = float(wall), float(cpu)
    if timing_file:
        wall, cpu = map(float, Path(timing_file).read_text().split())
    return wall, int(rss_kb) / 1024.0, cpu


def timed_main(cmd):
    """--timed: runs `cmd` with its output discarded and prints its wall
    seconds, peak RSS (KiB, its largest process) and CPU seconds."""
    t0 = time.monotonic()
    pid = os.posix_spawnp(cmd[0], cmd, os.environ,
                          file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
    _, status, ru = os.wait4(pid, 0)
    wall = time.monotonic() - t0
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.stderr.write(f"exit status {code}\n")
        sys.exit(1)
    print(wall, ru.ru_maxrss, ru.ru_utime + ru.ru_stime)


def dir_bytes(d):
    return sum(f.stat().st_size for f in Path(d).iterdir() if f.is_file())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--torikumi", default=str(REPO / "target/release/torikumi"))
    ap.add_argument("--work", default=os.environ.get("TORIKUMI_BENCH_DIR", "/tmp/torikumi-bench"))
    ap.add_argument("--pdf-src", default=str(REPO / "corpus"), help="source PDFs (default: corpus/)")
    ap.add_argument("--html-src", default=str(REPO / "corpus"), help="source UTF-8 pages")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-pdfminer", action="store_true", help="skip pdfminer.six (the slowest)")
    ap.add_argument("--markdown", help="also write the table as markdown to this file")
    ap.add_argument("--baseline", help="another torikumi binary (e.g. an older release) timed on the same "
                                       "files in the same runs: column 'baseline', and tk/baseline")
    args = ap.parse_args()

    load0 = f"{os.getloadavg()[0]:.2f}"
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    corpus, pages = build_corpus(args, work)
    tk = args.torikumi
    py = sys.executable
    me = str(Path(__file__).resolve())
    scratch = work / "out"
    tfile = work / "peer_seconds"

    def torikumi(d, threads, exe=tk):
        out = scratch / ("tk" if exe == tk else "baseline")
        return run_timed([exe, "ingest", str(d), "--threads", str(threads), "--out", str(out), "-q"])

    def pdftotext(d):
        out = scratch / "pdftotext"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        loop = 'for f in "$1"/*.pdf; do pdftotext -enc UTF-8 "$f" "$2/${f##*/}.txt" || exit 1; done'
        return run_timed(["sh", "-c", loop, "sh", str(d), str(out)])

    def peer(kind, d):
        return run_timed([py, me, "--peer", kind, str(d), str(tfile)], timing_file=tfile)

    tools = [("torikumi", lambda d: torikumi(d, 1)), ("pdftotext", pdftotext),
             ("PyMuPDF", lambda d: peer("pymupdf", d))]
    if not args.no_pdfminer:
        tools.append(("pdfminer.six", lambda d: peer("pdfminer", d)))
    if args.baseline:
        tools.append(("baseline", lambda d: torikumi(d, 1, args.baseline)))

    # PDF, single-threaded, per group.
    rows = []
    for name, n, count in PDF_GROUPS:
        d = corpus / name
        npages = n * count
        mb = dir_bytes(d) / 1e6
        res = {t: [] for t, _ in tools}
        for r in range(args.runs):
            for t, f in tools:
                res[t].append(f(d))
                print(f"  pdf {name} run {r + 1} {t}: {res[t][-1][0]:.2f} s", file=sys.stderr)
        med = {t: (statistics.median(x[0] for x in v), max(x[1] for x in v),
                   statistics.median(x[2] for x in v)) for t, v in res.items()}
        rows.append((name, count, npages, mb, med))

    # Scaling: every PDF group in one batch, 1 thread against all.
    alld = corpus / "pdf_all"
    if not alld.exists():
        alld.mkdir()
        for name, _, _ in PDF_GROUPS:
            for f in (corpus / name).iterdir():
                os.link(f, alld / f.name)
    all_pages = sum(n * c for _, n, c in PDF_GROUPS)
    one, many = [], []
    for r in range(args.runs):
        one.append(torikumi(alld, 1))
        many.append(torikumi(alld, args.threads))
    # In-run pairing: the ratio of each pair, then the median.
    scale = statistics.median(a[0] / b[0] for a, b in zip(one, many))
    # CPU used per wall second by the threads run: below the thread count
    # when the machine's other users took the cores.
    busy = statistics.median(b[2] / b[0] for b in many)

    # Memory: 100 and 1,000 documents.
    d1000 = corpus / "docs1000"
    d100 = corpus / "docs100"
    if not d100.exists():
        d100.mkdir()
        for f in sorted(d1000.iterdir())[:100]:
            os.link(f, d100 / f.name)
    mem = {}
    for d, k in ((d100, 100), (d1000, 1000)):
        for threads in (1, args.threads):
            rss = [torikumi(d, threads)[1] for _ in range(args.runs)]
            mem[(k, threads)] = statistics.median(rss)

    # HTML, single-threaded, per encoding; decoding checked against UTF-8.
    html_rows = []
    outputs = {}
    for codec, tag in ENCODINGS:
        d = corpus / f"html_{tag}"
        mb = dir_bytes(d) / 1e6
        secs = []
        for _ in range(args.runs):
            secs.append(torikumi(d, 1))
        outputs[tag] = comparable(scratch / "tk" / "initiatives.jsonl")
        html_rows.append((tag, len(list(d.iterdir())), mb, statistics.median(s[0] for s in secs),
                          statistics.median(s[2] for s in secs),
                          max(s[1] for s in secs)))
    same = all(outputs[t] == outputs["utf8"] for t in outputs)
    n_init = len(outputs["utf8"])
    lxml_s = statistics.median(peer("lxml", corpus / "html_utf8")[0] for _ in range(args.runs))
    if args.baseline:
        # Paired runs, the ratio of each pair, then the median.
        pairs = [(torikumi(corpus / "html_utf8", 1)[0], torikumi(corpus / "html_utf8", 1, args.baseline)[0])
                 for _ in range(args.runs)]
        html_base = statistics.median(b / a for a, b in pairs)

    # ------------------------------------------------------------ report
    lines = []
    cores = os.cpu_count()
    lines.append(f"torikumi vs peers — {cores} cores, medians of {args.runs} runs, single-threaded unless said")
    lines.append(f"load average at start {load0}, at end {os.getloadavg()[0]:.2f} "
                 "(other users of the machine; CPU-time figures are the steadier then)")
    lines.append("")
    for clock, k in (("wall-clock", 0), ("CPU time (user+sys)", 2)):
        lines.append(f"PDF, by {clock}: pages/s (MB/s)" + (" [peak RSS MiB]" if k == 0 else ""))
        hdr = ["group", "docs", "pages", "MB"] + [t for t, _ in tools] + [f"tk/{t}" for t, _ in tools[1:]]
        table = [hdr]
        tot = {t: 0.0 for t, _ in tools}
        for name, count, npages, mb, med in rows:
            cells = [name, str(count), str(npages), f"{mb:.1f}"]
            for t, _ in tools:
                sec = med[t][k]
                tot[t] += sec
                cells.append(f"{npages / sec:.0f} ({mb / sec:.1f})" + (f" [{med[t][1]:.0f}]" if k == 0 else ""))
            for t, _ in tools[1:]:
                cells.append(f"{med[t][k] / med['torikumi'][k]:.2f}x")
            table.append(cells)
        tp = sum(r[2] for r in rows)
        tmb = sum(r[3] for r in rows)
        cells = ["all", str(sum(r[1] for r in rows)), str(tp), f"{tmb:.1f}"]
        for t, _ in tools:
            cells.append(f"{tp / tot[t]:.0f} ({tmb / tot[t]:.1f})")
        for t, _ in tools[1:]:
            cells.append(f"{tot[t] / tot['torikumi']:.2f}x")
        table.append(cells)
        lines += fmt_table(table)
        lines.append("")
    lines.append("tk/peer: how many times faster torikumi's whole job is than the peer's text extraction"
                 + (" (tk/baseline: than the baseline binary's whole job)" if args.baseline else ""))
    lines.append("")
    lines.append(f"PDF, all {all_pages} pages in one batch: 1 thread {all_pages / statistics.median(x[0] for x in one):.0f} pages/s, "
                 f"{args.threads} threads {all_pages / statistics.median(x[0] for x in many):.0f} pages/s, "
                 f"scaling {scale:.2f}x ({scale / args.threads:.2f} of linear; "
                 f"the {args.threads}-thread runs got {busy:.2f} cores)")
    lines.append("")
    lines.append("Peak RSS (MiB), whole corpus PDFs:")
    lines += fmt_table([["documents", "1 thread", f"{args.threads} threads"],
                        ["100", f"{mem[(100, 1)]:.0f}", f"{mem[(100, args.threads)]:.0f}"],
                        ["1000", f"{mem[(1000, 1)]:.0f}", f"{mem[(1000, args.threads)]:.0f}"],
                        ["1000/100", f"{mem[(1000, 1)] / mem[(100, 1)]:.2f}",
                         f"{mem[(1000, args.threads)] / mem[(100, args.threads)]:.2f}"]])
    lines.append("")
    lines.append("HTML, torikumi whole job, 1 thread:")
    t = [["encoding", "pages", "MB", "MB/s", "MB/CPU-s", "peak RSS MiB"]]
    for tag, n, mb, s, cpu, rss in html_rows:
        t.append([tag, str(n), f"{mb:.1f}", f"{mb / s:.1f}", f"{mb / cpu:.1f}", f"{rss:.0f}"])
    lines += fmt_table(t)
    lines.append(f"decoding: {'identical' if same else 'DIFFERENT'} initiatives in every encoding "
                 f"({n_init} each, compared without ids)")
    u8mb = html_rows[0][2]
    lines.append(f"lxml.html parse (reference, UTF-8 set, in-process): {u8mb / lxml_s:.1f} MB/s")
    if args.baseline:
        lines.append(f"HTML UTF-8 set against the baseline binary: tk/baseline {html_base:.2f}x "
                     "(below 1: torikumi is slower)")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(markdown(lines))


def comparable(path):
    """initiatives.jsonl without the ids (they hash the bytes, which differ per encoding)."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        r.pop("id", None)
        out.append(r)
    return out


def fmt_table(rows):
    w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.rjust(w[i]) if i else c.ljust(w[i]) for i, c in enumerate(r)) for r in rows]


def markdown(lines):
    out = []
    for l in lines:
        out.append("    " + l if l else "")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- peers


def peer_main(kind, d, tfile):
    files = sorted(str(p) for p in Path(d).iterdir() if p.is_file())
    if kind == "pymupdf":
        import pymupdf

        t0, c0 = time.perf_counter(), time.process_time()
        for f in files:
            with pymupdf.open(f) as doc:
                for page in doc:
                    page.get_text()
    elif kind == "pdfminer":
        from pdfminer.high_level import extract_text

        t0, c0 = time.perf_counter(), time.process_time()
        for f in files:
            extract_text(f)
    elif kind == "lxml":
        import lxml.html

        t0, c0 = time.perf_counter(), time.process_time()
        for f in files:
            with open(f, "rb") as fh:
                lxml.html.document_fromstring(fh.read())
    else:
        sys.exit(f"unknown peer {kind}")
    Path(tfile).write_text(f"{time.perf_counter() - t0} {time.process_time() - c0}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--timed":
        timed_main(sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "--peer":
        peer_main(*sys.argv[2:])
    else:
        main()
