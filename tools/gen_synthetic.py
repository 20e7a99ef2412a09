#!/usr/bin/env python3
"""Writes the synthetic training documents of the structure reader.

The gold documents in ../shared are few, and each has a layout of its own, so
a model trained on all but one has often never seen the held-out one's
layout. These documents add the common layouts of Japanese municipal and
prefectural reports in many variants — project tables with a row-label
column, ● columns and budget columns; measure tables of numbered sentences
with a person in charge; bulleted measures under headings; labelled items
(a ◆ label line, its paragraph below, some with a block of results under a
bracketed line that belongs to the item); a form's label/content rows
(〇〇に関する事項 | a sentence of the measure, or なし); progress sheets (■
or 【】 groups of ・ lines in the cells of 実績 / 課題 / 今後 columns); and tables and lists
that name no initiative (statistics, glossaries, contacts, goals, problems,
labelled paragraphs and label/content rows on the present state) — each with its gold, written the way the
shared gold is written. Each document is written as HTML and as its text
rendering (.txt, the way the shared corpus's text files are laid out), so
that training sees the same layouts as lines, not only as markup; with
--pdf, Chromium also prints it to PDF (not committed: 4.5 MB, not
byte-reproducible, and it did not help in cross-validation).

Every phrase is built from the generic word lists below (no text is taken
from any report), the choices come from a seeded random generator, so the
output is the same on every run. `torikumi train` reads them with the shared
gold (gold files marked "synthetic": true, weighted by --synthetic-weight);
tools/crossval.py trains on them but never scores them.

36 documents by default: with 12, the cross-validated figure moved by up to
0.15 from one draw to another (tools/crossval_seeds.py); with 36, by about a
third of that, and its mean is higher.

Usage: tools/gen_synthetic.py [--out training/synthetic] [--docs N] [--seed S]
"""
import argparse
import html
import html.parser
import json
import os
import random
import shutil
import subprocess
import tempfile

OBJECTS = [
    "観光資源", "地域医療", "子育て環境", "農業の担い手", "再生可能エネルギー", "移住・定住",
    "地域公共交通", "防災体制", "高齢者の見守り", "商店街", "森林資源", "学校施設", "文化財",
    "スポーツ施設", "空き家", "水道施設", "道路・橋梁", "地場産品", "外国人観光客", "若者の就労",
    "女性の活躍", "行政のデジタル化", "情報発信", "地域コミュニティ", "保健・福祉サービス",
    "障がい者の就労", "消防団", "除雪体制", "水産資源", "酪農", "林業", "ものづくり産業",
    "中小企業", "創業", "企業誘致", "人材育成", "生涯学習", "図書館サービス", "健康づくり",
    "介護人材", "保育サービス", "放課後児童クラブ", "交通安全", "防犯活動", "廃棄物の減量",
    "脱炭素", "省エネルギー", "環境教育", "景観", "公園", "市営住宅", "上下水道", "港湾",
    "空港", "鉄道", "バス路線", "医療人材", "救急医療", "地域包括ケア", "食育", "農地",
    "鳥獣被害対策", "国際交流", "関係人口", "ふるさと納税", "公共施設", "窓口サービス",
]
NOUN_ACTIONS = [
    "{o}の推進", "{o}の充実", "{o}に向けた支援", "{o}の整備", "{o}の確保", "{o}の強化",
    "{o}に関する情報共有", "{o}の促進", "{o}の活用", "{o}の維持・向上", "{o}の連携推進",
    "{o}への支援", "{o}の魅力発信", "{o}の計画的な更新", "{o}に関する調査研究",
    "{o}の利用促進", "{o}の基盤づくり", "{o}を活かした交流の促進", "{o}の共同利用",
    "{o}に係る体制の構築", "{o}の普及啓発",
]
SENTENCE_ACTIONS = [
    "{o}の充実を図ります。", "{o}について、関係機関と連携して取組を進めます。",
    "{o}に関する情報提供を積極的に行います。", "{o}の確保に向けた支援を行います。",
    "{o}の推進に努めます。", "{o}を計画的に整備します。",
    "{o}の現状を把握し、必要な見直しを行います。", "{o}の利用促進に取り組みます。",
    "{o}の周知徹底を図るとともに、相談体制を整えます。", "{o}の強化に向け、研修を実施します。",
    "{o}の維持に必要な人員を確保します。", "{o}について、住民の意見を聞きながら検討を進めます。",
]
PROBLEMS = [
    "{o}が不足しています。", "{o}の利用者が減少しています。", "{o}の老朽化が進んでいます。",
    "{o}の担い手の高齢化が課題となっています。", "{o}に対する需要が高まっています。",
    "{o}の地域間の格差が広がっています。",
]
FIELDS_TITLES = [
    "産業振興", "観光", "医療・福祉", "子育て・教育", "生活環境", "都市基盤", "防災・安全",
    "行財政", "交流・連携", "農林水産業", "文化・スポーツ", "環境・エネルギー",
]
MAIN_HEADERS = ["事業名", "取組名", "主な事業", "施策名", "工事名", "連携事業名", "事業内容",
                "取組内容", "主な取組", "具体的な取組", "実施事業", "施策", "内容", "取組"]
SENTENCE_HEADERS = ["目標", "取組内容", "具体的な取組", "実施内容", "内容", "行動目標", "推進項目"]
LABEL_HEADERS = ["分野", "政策分野", "施策", "基本施策", "区分", "施策の柱", "部門"]
PERSON_HEADERS = ["推進者", "担当課", "担当", "所管課", "実施主体", "関係課"]
PERSONS = ["総務課", "企画課", "住民課", "保健福祉課", "産業振興課", "建設課", "教育委員会",
           "所属長", "職員", "総務課長", "各課", "消防署", "まちづくり推進課"]
ORG_SUFFIX = ["市", "町", "村"]
PLACES = ["北見野", "東川辺", "南が丘", "西浜", "中ノ沢", "白樺", "大原", "緑ヶ浜", "桜台", "高砂"]
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮"
LETTERS = "abcdefghij"
KANA = "アイウエオカキクケコ"
BULLETS = ["・", "○", "◆", "■", "●", "◎", "◇"]
INTRO = [
    "本計画は、{p}{s}の将来像の実現に向けて、今後取り組む施策を体系的にまとめたものです。",
    "人口減少や少子高齢化が進む中、{p}{s}では、地域の特性を活かしたまちづくりを進めてきました。",
    "この計画の期間は、令和{a}年度から令和{b}年度までの5年間とします。",
    "計画の進捗状況は毎年度点検し、必要に応じて見直しを行います。",
]
GLOSSARY = [("KPI", "重要業績評価指標のこと。"), ("PDCA", "計画・実行・評価・改善の循環のこと。"),
            ("DX", "デジタル技術による変革のこと。"), ("ICT", "情報通信技術のこと。"),
            ("関係人口", "地域と多様に関わる人々のこと。"), ("GX", "脱炭素に向けた経済社会の変革のこと。")]


class Doc:
    """An HTML document and its gold, written side by side."""

    def __init__(self, rng, name):
        self.rng = rng
        self.name = name
        self.body = []
        self.items = []
        self.path = []  # (level, heading)
        # For the genres added later (label/content rows): their own
        # generator, so that adding one leaves the rest of every document
        # as it was drawn.
        self.xrng = random.Random(name + "-x")

    def heading(self, level, text):
        self.body.append(f"<h{level}>{html.escape(text)}</h{level}>")
        self.path = [p for p in self.path if p[0] < level] + [(level, text)]

    def para(self, text):
        self.body.append(f"<p>{html.escape(text)}</p>")

    def section(self):
        return [t for _, t in self.path]

    def item(self, title, text=None, category=None, marker="", fields=None):
        self.items.append({
            "title": title, "text": text or title, "section": self.section(),
            "category": category, "marker": marker, "policy_codes": [], "periods": [],
            "fiscal_years": [], "orgs": [], "regions": [], "quantities": [],
            "fields": fields or {},
        })

    def write(self, out):
        title = self.path[0][1] if self.path else self.name
        page = ("<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
                f"<title>{html.escape(title)}</title></head><body>\n" + "\n".join(self.body)
                + "\n</body></html>\n")
        with open(os.path.join(out, "docs", self.name + ".html"), "w", encoding="utf-8") as f:
            f.write(page)
        with open(os.path.join(out, "docs", self.name + ".txt"), "w", encoding="utf-8") as f:
            f.write(to_text(page))
        sources = [self.name + ".html", self.name + ".txt"]
        if os.path.exists(os.path.join(out, "docs", self.name + ".pdf")):
            sources.append(self.name + ".pdf")
        gold = {"document": self.name, "synthetic": True, "sources": sources,
                "initiatives": self.items}
        with open(os.path.join(out, "gold", self.name + ".gold.json"), "w", encoding="utf-8") as f:
            json.dump(gold, f, ensure_ascii=False, indent=1)
            f.write("\n")


class _TextRenderer(html.parser.HTMLParser):
    """The text rendering of a page, the way the shared corpus's .txt files
    are written: a line per heading and paragraph, list items after "・", a
    table row's cells joined by tabs (a cell a row span covers left empty),
    blank lines between blocks."""

    def __init__(self):
        super().__init__()
        self.lines, self.buf, self.row, self.spans = [], [], None, {}
        self.col = 0
        self.in_cell = False
        # A sheet (a table whose cells hold headed lists) is read a column
        # at a time, the way a text extractor reads its column blocks.
        self.sheet = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.sheet is not None:
            if tag in ("td", "th"):
                self.col = self.col + 1 if self.row_started else 0
                self.row_started = True
                self.sheet.setdefault(self.col, [])
            elif tag == "tr":
                self.row_started = False
            if tag in ("p", "li", "th"):
                self.buf = []
            return
        if tag == "table" and a.get("class") == "sheet":
            self.sheet, self.row_started = {}, False
            return
        if tag == "tr":
            self.row, self.col = [], 0
        elif tag in ("td", "th"):
            while self.spans.get(self.col, 0) > 0:
                self.spans[self.col] -= 1
                self.row.append("")
                self.col += 1
            n = int(a.get("rowspan", "1"))
            if n > 1:
                self.spans[self.col] = n - 1
            self.in_cell, self.buf = True, []
            self.colspan = int(a.get("colspan", "1"))
        elif tag == "li":
            self.buf = ["・"]
        elif tag in ("h1", "h2", "h3", "h4", "p"):
            self.buf = []

    def handle_endtag(self, tag):
        if self.sheet is not None:
            if tag in ("p", "li", "th"):
                t = "".join(self.buf).strip()
                if t:
                    self.sheet[self.col].append(t)
                self.buf = []
            elif tag == "table":
                for col in sorted(self.sheet):
                    self.lines.extend(self.sheet[col] + [""])
                self.sheet = None
            return
        if tag in ("td", "th"):
            self.row.append("".join(self.buf).strip())
            self.row.extend([""] * (self.colspan - 1))
            self.col += self.colspan
            self.in_cell, self.buf = False, []
        elif tag == "tr":
            while self.spans.get(self.col, 0) > 0:
                self.spans[self.col] -= 1
                self.row.append("")
                self.col += 1
            self.lines.append("\t".join(self.row))
            self.row = None
        elif tag == "table":
            self.spans = {}
            self.lines.append("")
        elif tag in ("h1", "h2", "h3", "h4", "p", "li") and not self.in_cell:
            self.lines.append("".join(self.buf).strip())
            if tag != "li":
                self.lines.append("")
            self.buf = []
        elif tag == "ul":
            self.lines.append("")

    def handle_data(self, data):
        self.buf.append(data)


def to_text(page):
    body = page.split("<body>", 1)[-1]
    r = _TextRenderer()
    r.feed(body)
    out = []
    for line in r.lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"


def print_pdfs(out, names):
    """Prints each HTML page to PDF with headless Chromium, so that training
    sees the lines, positions and page furniture of a PDF rendering too."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        raise SystemExit("gen_synthetic: --pdf needs chromium (apt install chromium fonts-noto-cjk)")
    with tempfile.TemporaryDirectory() as profile:
        for name in names:
            src = os.path.abspath(os.path.join(out, "docs", name + ".html"))
            dst = os.path.abspath(os.path.join(out, "docs", name + ".pdf"))
            subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu",
                            f"--user-data-dir={profile}", "--no-pdf-header-footer",
                            f"--print-to-pdf={dst}", "file://" + src],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def phrases(rng, n, pool):
    objs = rng.sample(OBJECTS, n)
    return [rng.choice(pool).format(o=o) for o in objs]


def section_number(i, style):
    return {"arabic": f"{i + 1} ", "paren": f"({i + 1}) ", "kanji": "一二三四五六七八九十"[i] + " ",
            "dai": f"第{i + 1}章 ", "bracket": f"【{i + 1}】"}[style]


def cell(text, attrs=""):
    return f"<td{attrs}>{html.escape(text)}</td>"


def project_table(d):
    """Rows of projects: an optional row-label column (row spans), the main
    column, ● columns, and number columns (budget, page, No.)."""
    rng = d.rng
    main_h = rng.choice(MAIN_HEADERS)
    label = rng.random() < 0.7
    label_h = rng.choice(LABEL_HEADERS)
    marks = rng.choice([0, 0, 3, 5, 6])
    nums = rng.sample(["事業費（千円）", "ページ", "No.", "実施年度", "予算額"], rng.choice([0, 1, 2]))
    person = rng.random() < 0.4
    person_h = rng.choice(PERSON_HEADERS)
    head = ["<tr>"]
    rows2 = marks > 0 and rng.random() < 0.5
    rs = ' rowspan="2"' if rows2 else ""
    if label:
        head.append(f"<th{rs}>{html.escape(label_h)}</th>")
    head.append(f"<th{rs}>{html.escape(main_h)}</th>")
    if marks:
        if rows2:
            head.append(f'<th colspan="{marks}">{html.escape(rng.choice(["重点目標", "重点施策", "関連する目標", "基本目標"]))}</th>')
        else:
            head += [f"<th>{CIRCLED[k]}</th>" for k in range(marks)]
    if person:
        head.append(f"<th{rs}>{html.escape(person_h)}</th>")
    head += [f"<th{rs}>{html.escape(h)}</th>" for h in nums]
    head.append("</tr>")
    if rows2:
        head.append("<tr>" + "".join(f"<th>{CIRCLED[k]}</th>" for k in range(marks)) + "</tr>")
    body = []
    no = rng.randint(1, 30)
    page = rng.randint(10, 80)
    groups = rng.randint(2, 5) if label else 1
    style = rng.choice(["letter", "kana", "none", "paren"])
    for gi in range(groups):
        g = rng.choice(FIELDS_TITLES)
        gname = {"letter": f"{LETTERS[gi]} {g}", "kana": f"{KANA[gi]} {g}", "none": g,
                 "paren": f"({gi + 1}) {g}"}[style]
        n = rng.randint(1, 5)
        for k, title in enumerate(phrases(rng, n, NOUN_ACTIONS)):
            tr = ["<tr>"]
            if label and k == 0:
                tr.append(cell(gname, f' rowspan="{n}"' if n > 1 else ""))
            tr.append(cell(title))
            fields = {}
            for m in range(marks):
                on = rng.random() < 0.35
                tr.append(cell("●" if on else ""))
                if on:
                    fields[CIRCLED[m]] = "●"
            if person:
                p = rng.choice(PERSONS)
                tr.append(cell(p))
                fields[person_h] = p
            for h in nums:
                v = {"事業費（千円）": str(rng.randint(100, 90000)), "予算額": f"{rng.randint(1, 900):,}",
                     "ページ": str(page), "No.": str(no), "実施年度": f"R{rng.randint(4, 8)}"}[h]
                tr.append(cell(v))
                fields[h] = v
            page += rng.choice([0, 1])
            no += 1
            tr.append("</tr>")
            body.append("".join(tr))
            d.item(title, category=gname if label else None, fields=fields)
    d.body.append("<table border=\"1\">" + "".join(head) + "".join(body) + "</table>")


def measure_table(d):
    """Numbered sentences of measures, each with the person in charge."""
    rng = d.rng
    main_h = rng.choice(SENTENCE_HEADERS)
    person_h = rng.choice(PERSON_HEADERS)
    numbered = rng.random() < 0.7
    rows = []
    for k, title in enumerate(phrases(rng, rng.randint(1, 6), SENTENCE_ACTIONS)):
        marker = CIRCLED[k] if numbered else ""
        p = "".join(rng.sample(PERSONS, rng.choice([1, 2])))
        rows.append("<tr>" + cell(marker + title) + cell(p) + "</tr>")
        d.item(title, marker=marker)
    d.body.append(f"<table border=\"1\"><tr><th>{html.escape(main_h)}</th><th>{html.escape(person_h)}</th></tr>"
                  + "".join(rows) + "</table>")


def labelled_items(d, items=True):
    """Items of a label line and an explanatory paragraph below it
    (◆label / paragraph): the item's title is the label, its text the label
    and the paragraph. With items=False, labelled paragraphs that describe
    the present state (○総人口 / 〜しています。): no initiative."""
    rng = d.rng
    b = rng.choice(["◆", "●", "◎", "■", "○", "◇"])
    for o in rng.sample(OBJECTS, rng.randint(2, 4)):
        if items:
            label = rng.choice(NOUN_ACTIONS).format(o=o)
            body = "".join(rng.choice(SENTENCE_ACTIONS).format(o=x) for x in rng.sample(OBJECTS, rng.choice([1, 2])))
        else:
            label = o + rng.choice(["の動向", "の推移", "", "の状況"])
            body = rng.choice(PROBLEMS).format(o=o) + rng.choice(
                ["近年は横ばいで推移しています。", "今後も減少が続くと見込まれます。", "全国平均を下回っています。"])
        d.para(b + label)
        d.para(body)
        text = label + " " + body
        if items and d.xrng.random() < 0.4:
            text += " " + results_block(d)
        if items:
            d.item(label, text=text, marker=b)


def results_block(d):
    """An item's results under a bracketed line (【令和4年度実績】 /
    ・相談件数 120件 …): part of the item's text, not a heading or items of
    their own. Returns the text it adds."""
    x = d.xrng
    year = x.choice([f"令和{x.randint(1, 5)}年度", f"平成{x.randint(26, 30)}年度", f"R{x.randint(1, 5)}"])
    head = x.choice([f"【{year}実績】", f"<{year}の実績>", f"【実績({year})】", f"《{year}の取組状況》"])
    lines = [f"{x.choice(['相談', '参加', '利用', '登録', '派遣', '開催'])}{x.choice(['件数', '者数', '回数'])} "
             f"{x.randint(2, 900)}{x.choice(['件', '人', '回', '団体'])}" for _ in range(x.randint(1, 3))]
    d.para(head)
    if x.random() < 0.5:
        d.body.append("<ul>" + "".join(f"<li>{html.escape(t)}</li>" for t in lines) + "</ul>")
    else:
        for t in lines:
            d.para("・" + t)
    return " ".join([head] + lines)


def sheet_table(d):
    """A progress sheet: columns of past results, problems and plans, each
    cell a list of ・ lines under ■ or 【…】 group headings (the heading
    marks of SPEC: a ■ line that items follow heads them) repeated along the
    row. The action columns' lines are initiatives, their section the column
    header and the group; the problem column's are not. Half the sheets set
    the group lines in bold, half do not (a text or spreadsheet rendering)."""
    x = d.xrng
    past = x.choice(["これまでの主な取組", "これまでの取組実績", "主な取組実績"])
    problem = x.choice(["主な課題", "今後の課題", "取組を進める上での課題"])
    plan = x.choice(["今年度の主な取組", "今後の取組", "次年度の取組", "今後の方向性"])
    cols = [(past, True), (problem, False), (plan, True)]
    if x.random() < 0.3:
        cols = [(past, True), (plan, True)]
    bracket = x.random() < 0.3
    bold = x.random() < 0.5
    groups = []
    for o in x.sample(OBJECTS, x.randint(1, 3)):
        g = x.choice(NOUN_ACTIONS).format(o=o)
        groups.append(f"【{g}】" if bracket else "■" + g)
    rows = []
    for g in groups:
        cells = []
        for header, acts in cols:
            lines = []
            for o in x.sample(OBJECTS, x.randint(2, 4)):
                if acts:
                    t = x.choice(NOUN_ACTIONS + SENTENCE_ACTIONS).format(o=o)
                    if x.random() < 0.5:
                        t += "(" + x.choice(PERSONS) + ")"
                    d.path += [(9, header), (10, g)]
                    d.item(t, marker="・")
                    d.path = d.path[:-2]
                else:
                    t = x.choice(PROBLEMS).format(o=o)
                lines.append(t)
            gh = f"<strong>{html.escape(g)}</strong>" if bold else html.escape(g)
            cells.append(f"<p>{gh}</p>" + "".join(f"<p>・{html.escape(t)}</p>" for t in lines))
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    d.body.append("<table class=\"sheet\" border=\"1\"><thead><tr>"
                  + "".join(f"<th>{html.escape(h)}</th>" for h, _ in cols)
                  + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def bullet_list(d, items=True):
    rng = d.rng
    b = rng.choice(BULLETS)
    pool = rng.choice([NOUN_ACTIONS, SENTENCE_ACTIONS]) if items else PROBLEMS
    use_li = rng.random() < 0.4
    lines = phrases(rng, rng.randint(2, 6), pool)
    if use_li:
        d.body.append("<ul>" + "".join(f"<li>{html.escape(t)}</li>" for t in lines) + "</ul>")
    else:
        for t in lines:
            d.para(b + t)
    if items:
        for t in lines:
            d.item(t, marker="" if use_li else b)


def label_content_table(d, items=True):
    """A form's label/content rows, no header: a row label (〇〇に関する事項)
    and a sentence. With items, the sentence states a measure (an
    initiative, its category the row label) or that there is none (なし,
    …予定はありません: no initiative); without, the rows describe the
    present state (現状: no initiative)."""
    x = d.xrng
    rows = []
    for o in x.sample(OBJECTS, x.randint(2, 5)):
        if items:
            label = o + x.choice(["に関する事項", "について", "の取組", "に関すること", ""])
            r = x.random()
            if r < 0.7:
                text = "".join(x.choice(SENTENCE_ACTIONS).format(o=y)
                               for y in [o] + x.sample(OBJECTS, x.choice([0, 1])))
                d.item(text, category=label)
            elif r < 0.85:
                text = x.choice(["なし", "該当なし", "特になし",
                                 f"{o}を行う予定はありません。",
                                 f"対象となる{o}がないため取り組みはありません。"])
            else:
                text = ""
        else:
            label = o + x.choice(["の状況", "の現状", "の概要", ""])
            text = x.choice(PROBLEMS).format(o=o)
        rows.append("<tr>" + cell(label) + cell(text) + "</tr>")
    d.body.append("<table border=\"1\">" + "".join(rows) + "</table>")


def stats_table(d):
    """Numbers by year: no initiative."""
    rng = d.rng
    era = rng.choice(["H", "R", "年"])
    years = ([f"平成{y}年" for y in range(26, 31)] if era == "H" else
             [f"令和{y}年度" for y in range(1, 6)] if era == "R" else [f"{y}年" for y in range(2015, 2021)])
    labels = rng.sample(["人口", "世帯数", "出生数", "死亡数", "転入者数", "転出者数", "観光客数",
                         "事業所数", "従業者数", "農家戸数", "職員数", "採用人数", "うち女性"], rng.randint(2, 5))
    rows = "".join("<tr>" + cell(l) + "".join(cell(f"{rng.randint(10, 9999):,}") for _ in years) + "</tr>"
                   for l in labels)
    d.body.append("<table border=\"1\"><tr><th>" + html.escape(rng.choice(["区分", "項目", ""])) + "</th>"
                  + "".join(f"<th>{y}</th>" for y in years) + "</tr>" + rows + "</table>")


def glossary_table(d):
    rng = d.rng
    rows = "".join("<tr>" + cell(a) + cell(b) + "</tr>" for a, b in rng.sample(GLOSSARY, 3))
    d.body.append("<table border=\"1\"><tr><th>用語</th><th>解説</th></tr>" + rows + "</table>")


def goal_table(d):
    """The plan's goals or problems: statements, no initiative."""
    rng = d.rng
    kind = rng.choice(["基本目標", "重点目標", "課題", "将来像"])
    rows = "".join("<tr>" + cell(f"{kind}{CIRCLED[k]}") + cell(t.rstrip("。")) + "</tr>"
                   for k, t in enumerate(phrases(rng, rng.randint(3, 5), PROBLEMS)))
    d.body.append("<table border=\"1\">" + rows + "</table>")


def toc(d):
    """A table of contents with dotted leaders: no initiative."""
    rng = d.rng
    d.heading(2, rng.choice(["目次", "目 次", "もくじ"]))
    page = rng.randint(1, 5)
    for i in range(rng.randint(3, 7)):
        mark = rng.choice([f"{i + 1} ", f"({i + 1}) ", f"第{i + 1}章 ", f"{CIRCLED[i]} "])
        leader = rng.choice(["・・・・・・・・・・・・", "…………………", "………", " ・・・・・・・ "])
        title = rng.choice(FIELDS_TITLES) + rng.choice(["の推進", "の現状", "の分析", "の展望", ""])
        d.para(f"{mark}{title} {leader} {page}")
        page += rng.randint(1, 9)


def prose(d):
    """○ paragraphs of background and analysis: no initiative."""
    rng = d.rng
    d.heading(2, rng.choice(["計画策定の趣旨", "背景", "計画の位置づけ", "人口の現状分析",
                             "これまでの経緯", "将来推計の考え方"]))
    b = rng.choice(["○", "・", ""])
    for _ in range(rng.randint(2, 5)):
        o = rng.choice(OBJECTS)
        d.para(b + rng.choice(PROBLEMS).format(o=o).rstrip("。") + "ため、"
               + rng.choice(["その要因を分析し、今後の見通しを示すことが必要です。",
                             "国や道の計画との整合を図りながら、本計画を定めるものです。",
                             "これまでの推移を把握し、課題を整理しました。"]))


ANALYSIS = [
    "{o}の動向は、今後の推計に当たって重要な要素となります。",
    "推計は、国の推計方法に準拠して行うものとします。",
    "{o}の将来値は、過去の推移を踏まえて設定しています。",
    "こうした傾向は、今後も続くことが見込まれます。",
    "{o}については、近年の実績をもとに仮定値を置いて推計しました。",
    "この推計は、現在の傾向が続くことを前提とするものです。",
    "{o}の変化は、地域の人口構成に大きな影響を与えると考えられます。",
    "推計の結果、{o}は2040年には現在の約7割になると想定されます。",
]
AIM_OPENINGS = ["{o}の充実を図るとともに、", "{o}を活かし、", "{o}と{q}の連携を強化し、",
                "こうした取り組みを通じて、{o}の課題を可能な限り解消することにより、",
                "そのためには、{o}の振興と交流の拡大、また、", "{o}の推進に当たっては、住民・企業・行政が一体となって、"]
AIM_MIDDLES = ["{q}の確保に向けた取り組みを進め", "{q}の拡大につなげ", "地域の活力を生み出す取り組みを進め",
               "{q}を次の世代へと受け継いでいく取り組みを総合戦略に位置づけ"]
AIM_ENDINGS = ["ていく必要があります。", "ていくことが重要となります。", "ることが不可欠です。",
               "、その着実な推進を図っていくこととします。", "ます。"]


def vision_part(d):
    """A vision's projection and its measures: ○ paragraphs that explain a
    projection or an analysis under its headings (推計, 見通し, [推計方法]):
    no initiative; then ○ paragraphs under a heading of purpose (［〜を実現する
    ために］, 〜の実現に向けて) that say what is to be done: initiatives."""
    x = d.xrng
    d.heading(2, x.choice(["人口の将来推計", "将来人口の見通し", "人口の将来展望", "将来推計の結果",
                           "人口動向の分析"]))
    for _ in range(x.randint(1, 2)):
        if x.random() < 0.6:
            d.heading(3, x.choice(["［推計方法］", "［推計の前提］", "［人口動向の検証］", "＜将来推計の考え方＞",
                                   "［分析の視点］"]))
        for _ in range(x.randint(2, 4)):
            t = "".join(x.choice(ANALYSIS).format(o=o) for o in x.sample(OBJECTS, x.choice([1, 1, 2])))
            d.para("○" + t)
    if x.random() < 0.8:
        d.heading(3, x.choice(["［将来展望を実現するために］", "［目指す将来像の実現に向けて］",
                               "［ビジョンの実現に向けて］", "＜目標を達成するために＞",
                               "将来の姿の実現をめざして", "【人口減少を克服するために】"]))
        for _ in range(x.randint(2, 5)):
            o, q = x.sample(OBJECTS, 2)
            t = (x.choice(AIM_OPENINGS) + x.choice(AIM_MIDDLES) + x.choice(AIM_ENDINGS)).format(o=o, q=q)
            d.para("○" + t)
            d.item(t, marker="○")


def document(rng, n):
    place = rng.choice(PLACES)
    suffix = rng.choice(ORG_SUFFIX)
    d = Doc(rng, f"synthetic_{n:02d}")
    d.heading(1, f"{place}{suffix}{rng.choice(['総合計画', '実施計画', '連携中枢都市圏ビジョン', '行動計画', '総合戦略'])}")
    a = rng.randint(2, 6)
    for t in rng.sample(INTRO, 2):
        d.para(t.format(p=place, s=suffix, a=a, b=a + 4))
    if rng.random() < 0.4:
        toc(d)
    if rng.random() < 0.5:
        prose(d)
    style = rng.choice(["arabic", "paren", "kanji", "dai", "bracket"])
    if rng.random() < 0.5:
        d.heading(2, section_number(0, style) + rng.choice(["現状と課題", "計画の背景", "これまでの取組の検証"]))
        rng.choice([stats_table, goal_table, lambda d: bullet_list(d, items=False)])(d)
        start = 1
    else:
        start = 0
    for i in range(start, start + rng.randint(2, 4)):
        d.heading(2, section_number(i, style) + rng.choice(FIELDS_TITLES) + rng.choice(["の推進", "の充実", "の強化", ""]))
        if rng.random() < 0.3:
            d.para(rng.choice(PROBLEMS).format(o=rng.choice(OBJECTS)))
        kind = rng.random()
        if kind < 0.45:
            project_table(d)
        elif kind < 0.7:
            measure_table(d)
        else:
            if rng.random() < 0.5:
                d.heading(3, rng.choice(["［現状と課題］", "＜現状と課題＞", "【課題】"]))
                rng.choice([lambda d: bullet_list(d, items=False),
                            lambda d: labelled_items(d, items=False)])(d)
                d.heading(3, rng.choice(["［主な取組］", "＜主な事業＞", "【具体的な取組】"]))
            rng.choice([bullet_list, labelled_items])(d)
        if rng.random() < 0.3:
            rng.choice([stats_table, glossary_table])(d)
        if d.xrng.random() < SHEET_RATE:
            d.heading(3, d.xrng.choice(["【施策の展開】", "＜取組の状況＞", "［進捗状況］", "主な取組の状況"]))
            sheet_table(d)
        if d.xrng.random() < 0.3:
            items = d.xrng.random() < 0.6
            d.heading(3, f"{CIRCLED[d.xrng.randint(0, 4)]} " + d.xrng.choice(FIELDS_TITLES)
                      + (d.xrng.choice(["についての考え方・検討状況", "の取組", "の今後の方針"]) if items
                         else d.xrng.choice(["の状況", "の現況", "の概要"])))
            label_content_table(d, items)
    if d.xrng.random() < VISION_RATE:
        vision_part(d)
    if rng.random() < 0.5:
        d.heading(2, rng.choice(["資料", "参考資料", "用語解説"]))
        rng.choice([stats_table, glossary_table, goal_table])(d)
    return d


# Share of sections with a progress sheet (--sheets). 0 by default: at 0.1
# and 0.2 the cross-validated figure fell on every draw of four (README).
SHEET_RATE = 0.0
# Share of documents with a vision's projection and measures (--visions).
VISION_RATE = 0.3


def main():
    global SHEET_RATE, VISION_RATE
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="training/synthetic")
    ap.add_argument("--docs", type=int, default=36)
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--pdf", action="store_true",
                    help="also print each page to PDF with headless Chromium (not byte-reproducible)")
    ap.add_argument("--sheets", type=float, default=SHEET_RATE,
                    help="share of sections with a progress sheet (default %(default)s)")
    ap.add_argument("--visions", type=float, default=VISION_RATE,
                    help="share of documents with a vision's projection and measures (default %(default)s)")
    args = ap.parse_args()
    SHEET_RATE = args.sheets
    VISION_RATE = args.visions
    rng = random.Random(args.seed)
    for sub in ("docs", "gold"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)
        for f in os.listdir(os.path.join(args.out, sub)):
            if f.startswith("synthetic_"):
                os.remove(os.path.join(args.out, sub, f))
    docs = [document(rng, n) for n in range(args.docs)]
    for d in docs:
        d.write(args.out)
    if args.pdf:
        print_pdfs(args.out, [d.name for d in docs])
        # The gold lists the PDF renderings now that they exist.
        for d in docs:
            d.write(args.out)


if __name__ == "__main__":
    main()
