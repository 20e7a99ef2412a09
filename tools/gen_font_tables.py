#!/usr/bin/env python3
"""Generates the data tables of src/extract/pdf/font/ (run from the repo root).

    apt-get download poppler-data && dpkg -x poppler-data_*.deb x
    pip install fonttools==4.68.0
    pip download --no-deps pdfminer.six==20260107 && unzip pdfminer.six-*.whl pdfminer/fontmetrics.py
    python3 tools/gen_font_tables.py x/usr/share/poppler/cMap/Adobe-Japan1 pdfminer/fontmetrics.py

Outputs
  src/extract/pdf/font/adobe_japan1.rs  CID -> Unicode for Adobe-Japan1, from
      Adobe's CMaps `Adobe-Japan1-UCS2` (CID -> UCS-2) completed by reversing
      `UniJIS-UTF32-H` and `UniJIS-UTF32-V` (Unicode -> CID) for CIDs the first
      one leaves out. Source: Debian package poppler-data 0.4.12, directory
      cMap/ (Copyright 1990-2022 Adobe, BSD-3-Clause; notice copied into the
      output). poppler-data's cidToUnicode/ files are GPL-2 and are NOT used.
  src/extract/pdf/font/glyphs_data.rs   Adobe Glyph List (glyphlist.txt 2.0,
      Copyright 2002-2019 Adobe, BSD-3-Clause, as shipped inside fontTools'
      agl.py) and the Standard, MacRoman and WinAnsi encodings
      (glyph names from fontTools.encodings; WinAnsi from Python's cp1252
      codec plus the PDF rules: unused codes above 0x40 are bullets).
  src/extract/pdf/font/std14.rs         widths of the standard 14 Latin fonts
      (Helvetica, Times; Courier is fixed 600) from pdfminer.six's
      fontmetrics.py (MIT; Adobe Core AFM data, notice copied).
"""
import os
import re
import sys

from fontTools import agl
from fontTools.encodings import MacRoman, StandardEncoding

OUT = "src/extract/pdf/font"

ADOBE_NOTICE = """\
// Copyright 1990-2022 Adobe. All rights reserved.
//
// Redistribution and use in source and binary forms, with or without
// modification, are permitted provided that the following conditions are met:
// Redistributions of source code must retain the above copyright notice, this
// list of conditions and the following disclaimer. Redistributions in binary
// form must reproduce the above copyright notice, this list of conditions and
// the following disclaimer in the documentation and/or other materials
// provided with the distribution. Neither the name of Adobe nor the names of
// its contributors may be used to endorse or promote products derived from
// this software without specific prior written permission.
//
// THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
// AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
// IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE
// ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE
// LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR
// CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF
// SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS
// INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN
// CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE)
// ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE
// POSSIBILITY OF SUCH DAMAGE.
"""


def utf16(hexstr):
    b = bytes.fromhex(hexstr)
    if len(b) % 2:
        return None
    return b.decode("utf-16-be", errors="replace")


def strip_vs(s):
    return "".join(c for c in s if not (0xFE00 <= ord(c) <= 0xFE0F or 0xE0100 <= ord(c) <= 0xE01EF))


def body(text):
    return "\n".join(l for l in text.splitlines() if not l.startswith("%"))


def gen_japan1(cmapdir):
    m = {}
    t = body(open(os.path.join(cmapdir, "Adobe-Japan1-UCS2"), encoding="latin-1").read())
    for sec in re.findall(r"beginbfchar(.*?)endbfchar", t, re.S):
        for src, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", sec):
            m[int(src, 16)] = strip_vs(utf16(dst))
    for sec in re.findall(r"beginbfrange(.*?)endbfrange", t, re.S):
        for lo, hi, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", sec):
            lo, hi = int(lo, 16), int(hi, 16)
            s = utf16(dst)
            for i in range(hi - lo + 1):
                m[lo + i] = s[:-1] + chr(ord(s[-1]) + i)
    n_ucs2 = len(m)
    # Reverse Unicode -> CID maps for the CIDs left out. Among several code
    # points for one CID, prefer the lowest one outside the compatibility
    # blocks (radicals, compatibility ideographs, PUA).
    def rank(cp):
        bad = 0x2E80 <= cp <= 0x2FDF or 0xF900 <= cp <= 0xFAFF or 0xE000 <= cp <= 0xF8FF or 0x2F800 <= cp <= 0x2FA1F
        return (bad, cp)
    extra = {}
    for name in ("UniJIS-UTF32-H", "UniJIS-UTF32-V"):
        t = body(open(os.path.join(cmapdir, name), encoding="latin-1").read())
        for sec in re.findall(r"begincidchar(.*?)endcidchar", t, re.S):
            for src, cid in re.findall(r"<([0-9a-fA-F]+)>\s*(\d+)", sec):
                cp, cid = int(src, 16), int(cid)
                if cid not in m and (cid not in extra or rank(cp) < rank(extra[cid])):
                    extra[cid] = cp
        for sec in re.findall(r"begincidrange(.*?)endcidrange", t, re.S):
            for lo, hi, cid in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\d+)", sec):
                lo, hi, cid = int(lo, 16), int(hi, 16), int(cid)
                for i in range(hi - lo + 1):
                    c = cid + i
                    if c not in m and (c not in extra or rank(lo + i) < rank(extra[c])):
                        extra[c] = lo + i
    for cid, cp in extra.items():
        m[cid] = chr(cp)
    m.pop(0, None)
    m = {k: v for k, v in m.items() if v and v != "\ufffd"}
    # Dense table: one little-endian u16 code point per CID (0 = none) for
    # BMP characters; the rest (beyond the BMP, several code points) in WIDE.
    top = max(m) + 1
    dense = bytearray(2 * top)
    wide = []
    for cid, s in sorted(m.items()):
        if len(s) == 1 and ord(s) <= 0xFFFF:
            dense[2 * cid:2 * cid + 2] = ord(s).to_bytes(2, "little")
        else:
            wide.append((cid, s))
    with open(os.path.join(OUT, "adobe_japan1.bin"), "wb") as f:
        f.write(dense)
    with open(os.path.join(OUT, "adobe_japan1.rs"), "w") as f:
        f.write("// @generated by tools/gen_font_tables.py from Adobe's CMaps Adobe-Japan1-UCS2,\n")
        f.write("// UniJIS-UTF32-H and UniJIS-UTF32-V (Debian poppler-data 0.4.12, cMap/Adobe-Japan1).\n")
        f.write(f"// {n_ucs2} CIDs from Adobe-Japan1-UCS2, {len(extra)} more from the reversed UniJIS CMaps.\n")
        f.write("// adobe_japan1.bin (same origin and licence) holds the BMP part.\n//\n")
        f.write(ADOBE_NOTICE)
        f.write("\n/// CID -> BMP code point, little-endian u16 per CID, 0 = none.\n")
        f.write('pub(super) static DENSE: &[u8] = include_bytes!("adobe_japan1.bin");\n')
        f.write("\n/// CIDs whose text lies beyond the BMP or is several code points, sorted.\n")
        f.write("pub(super) static WIDE: &[(u16, &str)] = &[\n")
        for cid, s in wide:
            esc = "".join(f"\\u{{{ord(c):X}}}" for c in s)
            f.write(f'    ({cid}, "{esc}"),\n')
        f.write("];\n")
    multis = wide
    runs = dense
    print(f"adobe_japan1: {len(m)} CIDs, {len(runs)} bytes dense, {len(multis)} wide")


def gen_glyphs():
    entries = {}
    for line in agl._aglText.splitlines():
        if line.startswith("#") or ";" not in line:
            continue
        name, cps = line.split(";", 1)
        s = "".join(chr(int(c, 16)) for c in cps.split())
        entries.setdefault(name, s)
    names = sorted(entries)

    def uni_of(name):
        if name in (".notdef", None):
            return 0
        s = entries.get(name)
        return ord(s[0]) if s else 0

    std = [uni_of(n) for n in StandardEncoding.StandardEncoding]
    mac = [uni_of(n) for n in MacRoman.MacRoman]
    win = []
    for c in range(256):
        try:
            u = ord(bytes([c]).decode("cp1252"))
        except UnicodeDecodeError:
            u = 0x2022 if c > 0x40 else 0
        if c < 0x20:
            u = 0
        win.append(u)
    with open(os.path.join(OUT, "glyphs_data.rs"), "w") as f:
        f.write("// @generated by tools/gen_font_tables.py: the Adobe Glyph List (glyphlist.txt 2.0,\n")
        f.write("// as shipped in fontTools' agl.py) and the Standard, MacRoman and WinAnsi encodings.\n//\n")
        f.write(ADOBE_NOTICE.replace("1990-2022", "2002-2019"))
        f.write("\n/// Adobe Glyph List: (glyph name, text), sorted by name.\n")
        f.write("pub(super) static AGL: &[(&str, &str)] = &[\n")
        for n in names:
            esc = "".join(f"\\u{{{ord(c):X}}}" for c in entries[n])
            f.write(f'    ("{n}", "{esc}"),\n')
        f.write("];\n")
        for name, tab in (("STANDARD", std), ("MAC_ROMAN", mac), ("WIN_ANSI", win)):
            f.write(f"\n/// {name} encoding: code -> code point (0 = none).\n")
            f.write(f"pub(super) static {name}: [u16; 256] = [\n")
            for i in range(0, 256, 16):
                f.write("    " + " ".join(f"0x{u:04X}," for u in tab[i:i + 16]) + "\n")
            f.write("];\n")
    print(f"glyphs: {len(names)} names")





def gen_std14(fontmetrics_py):
    """Widths of the standard 14 Latin fonts from pdfminer.six's
    fontmetrics.py (MIT; data from Adobe's Core AFM files, notice kept)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("fm", fontmetrics_py)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    fams = [("HELVETICA", "Helvetica"), ("HELVETICA_BOLD", "Helvetica-Bold"), ("TIMES_ROMAN", "Times-Roman"),
            ("TIMES_BOLD", "Times-Bold"), ("TIMES_ITALIC", "Times-Italic"), ("TIMES_BOLD_ITALIC", "Times-BoldItalic")]
    with open(os.path.join(OUT, "std14.rs"), "w") as f:
        f.write("// @generated by tools/gen_font_tables.py from pdfminer.six 20260107 pdfminer/fontmetrics.py\n")
        f.write("// (MIT), whose data come from Adobe's Core AFM files. Modified: widths only, keyed by\n")
        f.write("// character. The AFM notice, verbatim:\n//\n")
        f.write("// Adobe Core 35 AFM Files with 314 Glyph Entries - ReadMe\n//\n")
        f.write("// This file and the 35 PostScript(R) AFM files it accompanies may be\n")
        f.write("// used, copied, and distributed for any purpose and without charge,\n")
        f.write("// with or without modification, provided that all copyright notices\n")
        f.write("// are retained; that the AFM files are not distributed without this\n")
        f.write("// file; that all modifications to this file or any of the AFM files\n")
        f.write("// are prominently noted in the modified file(s); and that this\n")
        f.write("// paragraph is not modified. Adobe Systems has no responsibility or\n")
        f.write("// obligation to support the use of the AFM files.\n")
        for const, name in fams:
            _, widths = m.FONT_METRICS[name]
            items = sorted((ord(c), w) for c, w in widths.items() if len(c) == 1 and ord(c) <= 0xFFFF)
            f.write(f"\n/// {name}: (character, width in 1/1000 em), sorted.\n")
            f.write(f"pub(super) static {const}: &[(u16, u16)] = &[\n")
            for i in range(0, len(items), 10):
                f.write("    " + " ".join(f"(0x{c:04X}, {w})," for c, w in items[i:i + 10]) + "\n")
            f.write("];\n")
    print("std14 written")


if __name__ == "__main__":
    gen_glyphs()
    gen_japan1(sys.argv[1])
    if len(sys.argv) > 2:
        gen_std14(sys.argv[2])
