#!/usr/bin/env python3
"""Renders the corpus HTML pages as Word, Excel and PowerPoint files.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install python-docx openpyxl python-pptx
    /tmp/venv/bin/python tools/gen_office_fixtures.py corpus/

For every corpus/NNN_*.html (the UTF-8 rendering) it writes NNN_*.docx and
NNN_*.xlsx beside it, and NNN_*.pptx for the stems in PPTX_STEMS. The words
are the HTML page's own (the <main> element; the site header, breadcrumb
and footer are left out, as the HTML reader leaves them out):

- DOCX: h1-h6 as "Heading N" styles, paragraphs (<br> as line breaks),
  <ul>/<ol> items as Word lists (numbering.xml: "•" bullets, "1." numbers,
  and numFmt "none" for list-style:none), tables with gridSpan/vMerge,
  header cells bold.
- XLSX: one sheet per <h2> section; a heading is a one-cell row in bold at
  a size that ranks its level, a paragraph or list item a one-cell row
  ("• " / "1. " printed before list items), each table its own block of
  rows between empty rows with merged ranges for row/colspans, header cells
  bold; numbers that stand alone in a cell become numeric cells with a
  "#,##0" format.
- PPTX: a title slide for the <h1>, one slide per <h2> section with the
  h2 as the title placeholder, each lower heading a bold one-paragraph
  text box, paragraphs and list items in text boxes (a:buChar "•",
  a:buAutoNum, a:buNone), tables as graphic frames with merged cells.

Output is deterministic (fixed core properties and zip timestamps), so
rerunning gives the same bytes.
"""
from __future__ import annotations

import copy
import datetime
import io
import re
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

PPTX_STEMS = {"002_d177e17a2c8ccc19"}
FIXED_TIME = datetime.datetime(2026, 12, 1, 0, 0, 0)


# ------------------------------------------------------------------ HTML


class Page(HTMLParser):
    """The <main> of a corpus page as a flat list of items:
    ("h", level, text), ("p", text), ("li", depth, kind, index, text) with
    kind "ul" / "ol" / "none", ("table", rows) with rows of cells
    {"th", "colspan", "rowspan", "lines", "bold"}: "bold" says, line by
    line, whether all of a line's text is inside <strong>/<b>, so the Office
    renderings keep the bold group lines a cell of the page shows."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items = []
        self.in_main = False
        self.skip = 0
        self.lists = []  # [kind, count]
        self.list_id = 0
        self.buf = None  # [kind, text, extra]
        self.table = None
        self.cell = None
        self.title = None
        self.in_title = False
        self.in_a = False
        self.href = None
        self.cover = 0  # inside <section class="cover">: its h1 is the document's title
        self.strong = 0  # depth of <strong>/<b>
        self.sections = []

    def flush(self):
        b, self.buf = self.buf, None
        if b is None:
            return
        text = "\n".join(l.strip() for l in b[1].split("\n")).strip()
        if not text:
            return
        if b[0] == "h":
            self.items.append(("h", b[2], text, self.cover > 0))
        elif b[0] == "li":
            link = re.sub(r"\s+", "", b[3])
            link_only = bool(link) and len(link) * 10 >= len(re.sub(r"\s+", "", text)) * 8
            self.items.append(("li",) + b[2] + (text, link_only))
        else:
            self.items.append(("p", text))

    def cell_break(self):
        if self.cell is not None:
            line = self.cell["cur"].strip()
            if line:
                self.cell["lines"].append(line)
                self.cell["bold"].append(self.cell["bold_chars"] > 0 and self.cell["plain_chars"] == 0)
            self.cell["cur"] = ""
            self.cell["bold_chars"] = self.cell["plain_chars"] = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a":
            self.in_a = True
            self.href = a.get("href")
        if tag == "title":
            self.in_title = True
        if tag in ("strong", "b"):
            self.strong += 1
        if tag == "main":
            self.in_main = True
        if not self.in_main:
            return
        if tag in ("script", "style"):
            self.skip += 1
            return
        if tag == "section":
            is_cover = "cover" in (a.get("class") or "").split()
            self.sections.append(is_cover)
            self.cover += is_cover
        if tag == "table":
            self.flush()
            self.table = []
            return
        if self.table is not None:
            if tag == "tr":
                self.table.append([])
            elif tag in ("td", "th"):
                self.cell = {
                    "th": tag == "th",
                    "colspan": int(a.get("colspan") or 1),
                    "rowspan": int(a.get("rowspan") or 1),
                    "lines": [],
                    "bold": [],
                    "cur": "",
                    "bold_chars": 0,
                    "plain_chars": 0,
                }
            elif tag in ("p", "li", "div", "br") and self.cell is not None:
                self.cell_break()
            return
        if tag in ("ul", "ol"):
            if self.buf is not None and self.buf[0] == "li":
                self.flush()
            style = (a.get("style") or "").replace(" ", "")
            kind = "none" if "list-style-type:none" in style else tag
            if not self.lists:
                self.list_id += 1
            self.lists.append([kind, 0])
            return
        if tag == "br":
            if self.buf is not None:
                self.buf[1] += "\n"
            return
        if tag in self.BLOCKS:
            self.flush()
            if tag[0] == "h" and len(tag) == 2:
                self.buf = ["h", "", int(tag[1]), ""]
            elif tag == "li" and self.lists:
                self.lists[-1][1] += 1
                kind, n = self.lists[-1]
                self.buf = ["li", "", (len(self.lists) - 1, kind, n, self.list_id), ""]
            else:
                self.buf = ["p", "", None, ""]

    def handle_endtag(self, tag):
        if tag == "a":
            self.in_a = False
        if tag == "title":
            self.in_title = False
        if tag in ("strong", "b") and self.strong:
            self.strong -= 1
        if tag == "main":
            self.flush()
            self.in_main = False
        if not self.in_main:
            return
        if tag in ("script", "style"):
            self.skip -= 1
            return
        if tag == "section" and self.sections:
            self.flush()
            self.cover -= self.sections.pop()
        if self.table is not None:
            if tag in ("td", "th") and self.cell is not None:
                self.cell_break()
                self.table[-1].append(self.cell)
                self.cell = None
            elif tag == "table":
                self.items.append(("table", self.table))
                self.table = None
            return
        if tag in ("ul", "ol"):
            self.flush()
            if self.lists:
                self.lists.pop()
            return
        if tag in self.BLOCKS:
            self.flush()

    def handle_data(self, data):
        if self.in_title:
            self.title = (self.title or "") + data
        if not self.in_main or self.skip:
            return
        data = re.sub(r"[ \t\r\n]+", " ", data)
        if self.cell is not None:
            self.cell["cur"] += data
            key = "bold_chars" if self.strong else "plain_chars"
            self.cell[key] += len(re.sub(r"\s+", "", data))
        elif self.table is not None:
            return
        elif self.buf is not None:
            self.buf[1] += data
            if self.in_a:
                self.buf[3] += data
        elif data.strip():
            self.buf = ["p", data, None, ""]


def parse(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    return p


def grid(rows):
    """Places HTML cells on a grid: [(r, c, rowspan, colspan, cell)], rows, cols."""
    taken = set()
    placed = []
    ncols = 0
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            rs = min(cell["rowspan"], len(rows) - r)
            cs = cell["colspan"]
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            placed.append((r, c, rs, cs, cell))
            c += cs
            ncols = max(ncols, c)
    return placed, len(rows), max([ncols] + [c + 1 for (_, c) in taken])


def marker(item):
    """The bullet a list item prints; none for a list of links (downloads),
    which the HTML reader reads as plain paragraphs too."""
    _, depth, kind, n, _lid, _text, link_only = item
    if link_only:
        return ""
    return {"ul": "•", "ol": f"{n}.", "none": ""}[kind]


# ------------------------------------------------------------------ DOCX


def make_docx(page: Page, out: Path):
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    d = docx.Document()
    d.core_properties.title = (page.title or "").split("｜")[0].strip()
    d.core_properties.created = FIXED_TIME
    d.core_properties.modified = FIXED_TIME
    d.core_properties.last_modified_by = "torikumi"
    d.core_properties.author = "torikumi"
    numbering = d.part.numbering_part.element
    w = nsdecls("w")

    def abstract(aid, fmt, text):
        lvls = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text(i)}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{420 * (i + 1)}" w:hanging="420"/></w:pPr></w:lvl>'
            for i in range(9)
        )
        el = parse_xml(f'<w:abstractNum {w} w:abstractNumId="{aid}">{lvls}</w:abstractNum>')
        # abstractNum elements come before num elements.
        first_num = numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(el)
        else:
            numbering.append(el)

    abstract(90, "bullet", lambda i: "•")
    abstract(91, "decimal", lambda i: f"%{i + 1}.")
    abstract(92, "none", lambda i: "")
    nums = {}

    def num_id(kind, list_id):
        key = (kind, list_id)
        if key not in nums:
            nid = 100 + len(nums)
            aid = {"ul": 90, "ol": 91, "none": 92}[kind]
            numbering.append(parse_xml(
                f'<w:num {w} w:numId="{nid}"><w:abstractNumId w:val="{aid}"/></w:num>'))
            nums[key] = nid
        return nums[key]

    def add_text(par, text, bold=False):
        for i, line in enumerate(text.split("\n")):
            if i:
                par.add_run().add_break()
            run = par.add_run(line)
            run.bold = bold or None

    def add_link(par, text):
        rid = d.part.relate_to("https://www.pref.hokkaido.lg.jp/", RT.HYPERLINK, is_external=True)
        link = parse_xml(f'<w:hyperlink {w} {nsdecls("r")} r:id="{rid}"/>')
        run = par.add_run(text)
        run._r.getparent().remove(run._r)
        link.append(run._r)
        par._p.append(link)

    for item in page.items:
        kind = item[0]
        if kind == "h" and item[3]:
            d.add_heading(item[2], level=0)  # the "Title" style
        elif kind == "h":
            d.add_heading(item[2], level=item[1])
        elif kind == "p":
            add_text(d.add_paragraph(), item[1])
        elif kind == "li":
            _, depth, lkind, _n, lid, text, link_only = item
            par = d.add_paragraph()
            if link_only:
                add_link(par, text)
            else:
                add_text(par, text)
            ppr = par._p.get_or_add_pPr()
            ppr.append(parse_xml(
                f'<w:numPr {w}><w:ilvl w:val="{depth}"/>'
                f'<w:numId w:val="{num_id(lkind, (lid, depth) if lkind == "ol" else lid)}"/></w:numPr>'))
        elif kind == "table":
            placed, nrows, ncols = grid(item[1])
            t = d.add_table(rows=nrows, cols=ncols)
            t.style = "Table Grid"
            for (r, c, rs, cs, cell) in placed:
                tc = t.cell(r, c)
                if rs > 1 or cs > 1:
                    tc = tc.merge(t.cell(r + rs - 1, c + cs - 1))
                lines = cell["lines"] or [""]
                first = tc.paragraphs[0]
                for r_ in list(first.runs):
                    r_._r.getparent().remove(r_._r)
                for extra in tc.paragraphs[1:]:
                    extra._p.getparent().remove(extra._p)
                bold = cell["bold"] or [False]
                add_text(first, lines[0], bold=cell["th"] or bold[0])
                for line, b in zip(lines[1:], bold[1:]):
                    add_text(tc.add_paragraph(), line, bold=cell["th"] or b)
            d.add_paragraph()
    buf = io.BytesIO()
    d.save(buf)
    out.write_bytes(deterministic_zip(buf.getvalue()))


# ------------------------------------------------------------------ XLSX

BULLETS = set("・•○●◎◆◇■□※-･")
HEADING_SIZE = {1: 20, 2: 18, 3: 16, 4: 14, 5: 13, 6: 12}
NUMBER = re.compile(r"^-?[1-9][0-9]{0,2}(,[0-9]{3})+$|^-?[1-9][0-9]{3,}$")


def make_xlsx(page: Page, out: Path):
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    wb = openpyxl.Workbook()
    wb.properties.title = (page.title or "").split("｜")[0].strip()
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "torikumi"
    ws = wb.active
    ws.title = "1"
    row = 1
    sheets = 1
    body = Font(size=11)
    wrap = Alignment(wrap_text=True, vertical="top")

    def put(r, c, text, font=body):
        cell = ws.cell(row=r, column=c)
        border = copy.copy(cell.border)
        if NUMBER.match(text):
            cell.value = int(text.replace(",", ""))
            cell.number_format = "#,##0" if "," in text else "0"
        else:
            cell.value = text
        cell.font = font
        cell.alignment = wrap
        cell.border = border

    for item in page.items:
        kind = item[0]
        if kind == "h" and item[1] == 2 and row > 1:
            sheets += 1
            ws = wb.create_sheet(str(sheets))
            row = 1
        if kind == "h" and item[3]:
            # A cover's title: the workbook's title, printed as a plain row.
            put(row, 1, item[2])
            row += 1
        elif kind == "h":
            put(row, 1, item[2], Font(bold=True, size=HEADING_SIZE[item[1]]))
            row += 1
        elif kind == "p":
            put(row, 1, item[1])
            row += 1
        elif kind == "li":
            m = marker(item)
            # A list item printing its own bullet gets no second one.
            if item[5][:1] in BULLETS:
                m = ""
            put(row, 1, f"{m}{item[5]}")
            if item[6]:
                ws.cell(row=row, column=1).hyperlink = "https://www.pref.hokkaido.lg.jp/"
            row += 1
        elif kind == "table":
            row += 1
            placed, nrows, ncols = grid(item[1])
            thin = Side(style="thin")
            for r in range(nrows):
                for c in range(ncols):
                    ws.cell(row=row + r, column=1 + c).border = Border(
                        left=thin, right=thin, top=thin, bottom=thin)
            for (r, c, rs, cs, cell) in placed:
                text = "\n".join(cell["lines"])
                if text:
                    put(row + r, 1 + c, text, Font(bold=cell["th"], size=11))
                if not cell["th"] and any(cell["bold"]):
                    # Bold lines of a cell as rich-text runs (sharedStrings <r><rPr><b/>).
                    runs = []
                    for i, (line, b) in enumerate(zip(cell["lines"], cell["bold"])):
                        line = line if i == 0 else "\n" + line
                        runs.append(TextBlock(InlineFont(b=True, sz=11), line) if b else line)
                    ws.cell(row=row + r, column=1 + c).value = CellRichText(runs)
                if rs > 1 or cs > 1:
                    ws.merge_cells(start_row=row + r, start_column=1 + c,
                                   end_row=row + r + rs - 1, end_column=1 + c + cs - 1)
            row += nrows + 1
    buf = io.BytesIO()
    wb.save(buf)
    out.write_bytes(deterministic_zip(buf.getvalue()))


# ------------------------------------------------------------------ PPTX

PPT_SIZE = {3: 24, 4: 20, 5: 18, 6: 16}


def make_pptx(page: Page, out: Path):
    from pptx import Presentation
    from pptx.oxml.ns import qn
    from pptx.util import Emu, Pt
    from lxml import etree

    prs = Presentation()
    prs.core_properties.title = (page.title or "").split("｜")[0].strip()
    prs.core_properties.created = FIXED_TIME
    prs.core_properties.modified = FIXED_TIME
    prs.core_properties.last_modified_by = "torikumi"
    prs.core_properties.author = "torikumi"
    width = prs.slide_width
    left = Emu(457200)
    inner = width - 2 * left
    state = {"slide": None, "y": 0, "box": None}

    def new_slide(title, layout):
        s = prs.slides.add_slide(prs.slide_layouts[layout])
        s.shapes.title.text = title
        state.update(slide=s, y=Emu(1600200), box=None)

    def textbox(height):
        tb = state["slide"].shapes.add_textbox(left, state["y"], inner, Emu(height))
        tb.text_frame.word_wrap = True
        state["y"] += Emu(height)
        return tb.text_frame

    def para(tf, text, bullet=None, lvl=0, bold=False, size=14):
        p = tf.paragraphs[0] if (len(tf.paragraphs) == 1 and not tf.paragraphs[0].runs) else tf.add_paragraph()
        p.level = lvl
        for i, line in enumerate(text.split("\n")):
            if i:
                p.add_line_break()
            r = p.add_run()
            r.text = line
            r.font.size = Pt(size)
            r.font.bold = bold or None
        ppr = p._p.get_or_add_pPr()
        for tag in ("a:buNone", "a:buChar", "a:buAutoNum"):
            for el in ppr.findall(qn(tag)):
                ppr.remove(el)
        if bullet is None:
            etree.SubElement(ppr, qn("a:buNone"))
        elif bullet == "auto":
            etree.SubElement(ppr, qn("a:buAutoNum"), type="arabicPeriod")
        else:
            etree.SubElement(ppr, qn("a:buChar"), char=bullet)

    for item in page.items:
        kind = item[0]
        if kind == "h" and item[1] == 1:
            if state.get("auto"):
                # The cover's lines came first: the h1 titles that slide.
                state["slide"].shapes.title.text = item[2]
                state["auto"] = False
            else:
                new_slide(item[2], 0)
            continue
        if state["slide"] is None:
            new_slide(prs.core_properties.title, 0)
            state["auto"] = True
        if kind == "h" and item[1] == 2:
            new_slide(item[2], 5)
        elif kind == "h":
            tf = textbox(457200)
            para(tf, item[2], bold=True, size=PPT_SIZE.get(item[1], 16))
            state["box"] = None
        elif kind in ("p", "li"):
            if state["box"] is None:
                state["box"] = textbox(365760)
            else:
                state["y"] += Emu(365760)
            if kind == "p":
                para(state["box"], item[1])
            else:
                _, depth, lkind, _n, _lid, text, link_only = item
                b = None if link_only else {"ul": "•", "ol": "auto", "none": None}[lkind]
                para(state["box"], text, bullet=b, lvl=depth)
        elif kind == "table":
            state["box"] = None
            placed, nrows, ncols = grid(item[1])
            height = 365760 * nrows
            gf = state["slide"].shapes.add_table(nrows, ncols, left, state["y"], inner, Emu(height))
            state["y"] += Emu(height)
            t = gf.table
            first_all_th = all(cell["th"] for (r, _, _, _, cell) in placed if r == 0)
            t.first_row = first_all_th
            for (r, c, rs, cs, cell) in placed:
                tc = t.cell(r, c)
                if rs > 1 or cs > 1:
                    tc.merge(t.cell(r + rs - 1, c + cs - 1))
                tf = tc.text_frame
                lines = cell["lines"] or []
                for line, b in zip(lines, cell["bold"]):
                    p = tf.paragraphs[0] if not tf.paragraphs[0].runs else tf.add_paragraph()
                    run = p.add_run()
                    run.text = line
                    run.font.size = Pt(10)
                    run.font.bold = cell["th"] or b or None
    buf = io.BytesIO()
    prs.save(buf)
    out.write_bytes(deterministic_zip(buf.getvalue()))


def deterministic_zip(data: bytes) -> bytes:
    """The same archive with fixed timestamps (entries and core properties),
    entries in the order written."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            z = zipfile.ZipInfo(info.filename, date_time=(2026, 12, 1, 0, 0, 0))
            z.compress_type = zipfile.ZIP_DEFLATED
            z.external_attr = 0o644 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the time of saving, whatever was set.
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-12-01T00:00:00Z", data)
            dst.writestr(z, data)
    return out.getvalue()


def main(argv):
    root = Path(argv[1] if len(argv) > 1 else "corpus")
    for html in sorted(root.glob("[0-9][0-9][0-9]_*.html")):
        stem = html.name[: -len(".html")]
        if "." in stem:
            continue  # the .sjis / .eucjp renderings
        page = parse(html)
        make_docx(page, root / f"{stem}.docx")
        make_xlsx(page, root / f"{stem}.xlsx")
        made = ["docx", "xlsx"]
        if stem in PPTX_STEMS:
            make_pptx(page, root / f"{stem}.pptx")
            made.append("pptx")
        print(f"{stem}: {' '.join(made)} ({len(page.items)} items)")


if __name__ == "__main__":
    main(sys.argv)
