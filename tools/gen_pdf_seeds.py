#!/usr/bin/env python3
"""Writes small PDFs and CMaps that seed the PDF and CMap fuzz targets.

Python 3 standard library only. Usage: gen_pdf_seeds.py PDF_DIR CMAP_DIR
Each file exercises one part of the reader: plain text with a standard font,
a Type0 font with a ToUnicode CMap (Japanese), Flate-compressed content, a
cross-reference stream with an object stream, a form XObject, ruled table
lines, a simple font with /Differences, and an encrypted-looking trailer.
"""
import os
import sys
import zlib


def pdf(objects, trailer_extra=""):
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    size = max(n for n, _ in objects) + 1
    offsets = {}
    for n, body in objects:
        offsets[n] = len(out)
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % size
    for n in range(size):
        if n in offsets:
            out += b"%010d 00000 n \n" % offsets[n]
        else:
            out += b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        size, trailer_extra.encode(), xref)
    return bytes(out)


def stream(data, extra=b""):
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def page(resources=b"<< /Font << /F1 5 0 R >> >>", extra=b""):
    return [
        (1, b"<< /Type /Catalog /Pages 2 0 R >>"),
        (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        (3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
            + resources + b" /Contents 4 0 R " + extra + b">>"),
    ]


TEXT = (b"BT /F1 14 Tf 72 760 Td (1. Basic policy) Tj 0 -24 Td "
        b"[(Project) -250 (one:) 120 (a workshop)] TJ T* (2021 - 2025) ' ET")

CMAP = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
3 beginbfchar
<0001> <25CB>
<0002> <7814>
<0003> <4FEE>
endbfchar
2 beginbfrange
<0010> <0019> <0030>
<0020> <0022> [<4F1A> <3092> <958B>]
endbfrange
1 begincidrange
<0100> <01ff> 100
endcidrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
"""


def seeds():
    s = {}
    helv = (5, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    s["text.pdf"] = pdf(page() + [(4, stream(TEXT)), helv])
    s["flate.pdf"] = pdf(page() + [
        (4, stream(zlib.compress(TEXT), b"/Filter /FlateDecode")), helv])
    s["type0.pdf"] = pdf(page() + [
        (4, stream(b"BT /F1 12 Tf 72 760 Td <0001000200030020002100220010> Tj ET")),
        (5, b"<< /Type /Font /Subtype /Type0 /BaseFont /MSGothic /Encoding /Identity-H "
            b"/DescendantFonts [7 0 R] /ToUnicode 8 0 R >>"),
        (7, b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /MSGothic /DW 1000 "
            b"/W [1 [500 600] 16 25 500] /CIDSystemInfo << /Registry (Adobe) "
            b"/Ordering (Identity) /Supplement 0 >> >>"),
        (8, stream(CMAP)),
    ])
    s["japan1.pdf"] = pdf(page() + [
        (4, stream(b"BT /F1 10.5 Tf 1 0 0 1 72 760 Tm <0a2e0a2f> Tj ET")),
        (5, b"<< /Type /Font /Subtype /Type0 /BaseFont /Ryumin-Light /Encoding /UniJIS-UCS2-H "
            b"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /Ryumin-Light "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 2 >> >>] >>"),
    ])
    s["differences.pdf"] = pdf(page() + [
        (4, stream(b"BT /F1 12 Tf 72 760 Td (\x01\x02\x03abc) Tj ET")),
        (5, b"<< /Type /Font /Subtype /Type1 /BaseFont /Custom /FirstChar 1 /LastChar 3 "
            b"/Widths [500 500 500] /Encoding << /Type /Encoding /BaseEncoding "
            b"/WinAnsiEncoding /Differences [1 /bullet /endash /uni3042] >> >>"),
    ])
    s["table.pdf"] = pdf(page() + [
        (4, stream(b"0.5 w 72 700 m 500 700 l S 72 680 m 500 680 l S 72 660 m 500 660 l S "
                   b"72 660 m 72 700 l S 300 660 m 300 700 l S 500 660 m 500 700 l S "
                   b"0.9 g 72 680 428 20 re f 0 g "
                   b"BT /F1 10 Tf 80 686 Td (Indicator) Tj 230 0 Td (Target) Tj ET "
                   b"BT /F1 10 Tf 80 666 Td (Visitors) Tj 230 0 Td (1,200 people) Tj ET")),
        helv,
    ])
    s["form.pdf"] = pdf(page(b"<< /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >>") + [
        (4, stream(b"q 1 0 0 1 0 -100 cm /X1 Do Q /X1 Do")),
        helv,
        (6, stream(TEXT, b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] "
                         b"/Resources << /Font << /F1 5 0 R >> >>")),
    ])
    # Cross-reference stream and an object stream holding the font.
    objs = bytearray(b"%PDF-1.7\n")
    offs = {}
    def put(n, body):
        offs[n] = len(objs)
        objs.extend(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    put(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    put(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    put(3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
           b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>")
    put(4, stream(TEXT))
    inner = b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>"
    head = b"5 0 "
    put(6, stream(zlib.compress(head + inner),
                  b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode" % len(head)))
    rows = bytearray(b"\x00\x00\x00\x00")
    for n in range(1, 7):
        if n == 5:
            rows += bytes([2]) + (6).to_bytes(2, "big") + bytes([0])
        else:
            rows += bytes([1]) + offs[n].to_bytes(2, "big") + bytes([0])
    xref_at = len(objs)
    rows += bytes([1]) + xref_at.to_bytes(2, "big") + bytes([0])
    objs.extend(b"7 0 obj\n" + stream(zlib.compress(bytes(rows)),
                b"/Type /XRef /Size 8 /W [1 2 1] /Root 1 0 R /Filter /FlateDecode")
                + b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    s["xref-stream.pdf"] = bytes(objs)
    s["encrypt-empty.pdf"] = pdf(page() + [(4, stream(TEXT)), helv, (
        9, b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <" + b"28" * 32
           + b"> /U <" + b"bf" * 32 + b"> >>")],
        "/Encrypt 9 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]")
    return s


def main():
    pdf_dir, cmap_dir = sys.argv[1], sys.argv[2]
    os.makedirs(pdf_dir, exist_ok=True)
    os.makedirs(cmap_dir, exist_ok=True)
    for name, data in seeds().items():
        with open(os.path.join(pdf_dir, name), "wb") as f:
            f.write(data)
    with open(os.path.join(cmap_dir, "tounicode.cmap"), "wb") as f:
        f.write(CMAP)
    with open(os.path.join(cmap_dir, "small.cmap"), "wb") as f:
        f.write(b"1 begincodespacerange <00> <FF> endcodespacerange\n"
                b"1 beginbfchar <41> <0041> endbfchar\n"
                b"1 beginbfrange <61> <7a> <0061> endbfrange\n")


if __name__ == "__main__":
    main()
