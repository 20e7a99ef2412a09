//! Word documents (DOCX): paragraphs, headings (`Heading N` / `見出し N`
//! styles and outline levels; the `Title` style is the document's title,
//! read as a paragraph as an HTML cover's title is), list numbering rendered as the markers Word
//! prints (①, (1), ・, ○ from `numbering.xml`), tables with `w:gridSpan` and
//! `w:vMerge`, and text boxes (after the paragraph that anchors them).
//! Footnotes, endnotes, comments, deleted text and field codes are left out.

use std::collections::HashMap;

use super::Package;
use super::xml::{Ev, Xml, attr, truthy};
use crate::error::Result;
use crate::limits::Limits;
use crate::model::{Block, BlockKind, Cell, Document, Format, Provenance, Row, Table};

/// A paragraph style, as `styles.xml` defines it.
#[derive(Debug, Default, Clone)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
    num: Option<(String, u8)>,
}

/// One level of a list definition.
#[derive(Debug, Default, Clone)]
struct Level {
    start: u32,
    fmt: String,
    text: String,
}

/// `numbering.xml`: list definitions, and the counters of the lists so far.
#[derive(Debug, Default)]
pub(crate) struct Numbering {
    abstracts: HashMap<String, Vec<Level>>,
    nums: HashMap<String, String>,
    counters: HashMap<String, [u32; 9]>,
}

/// Reads a DOCX file.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Document> {
    let mut pkg = Package::open(bytes, limits, "docx")?;
    let main = main_part(&mut pkg)?;
    let styles = match pkg.part("word/styles.xml")? {
        Some(s) => parse_styles(&s, limits)?,
        None => HashMap::new(),
    };
    let mut numbering = match pkg.part("word/numbering.xml")? {
        Some(s) => parse_numbering(&s, limits)?,
        None => Numbering::default(),
    };
    let body = pkg
        .part(&main)?
        .ok_or_else(|| crate::error::Error::malformed("docx", format!("no main part {main}")))?;
    let mut doc = Document::new(Format::Docx);
    let (blocks, title) = read_body(&body, &styles, &mut numbering, limits)?;
    doc.blocks = blocks;
    doc.title = pkg.core_title()?.or(title);
    Ok(doc)
}

/// The main document part named in `[Content_Types].xml`.
fn main_part(pkg: &mut Package<'_>) -> Result<String> {
    let default = "word/document.xml".to_string();
    let Some(types) = pkg.part("[Content_Types].xml")? else {
        return Ok(default);
    };
    let limits = pkg.limits;
    let mut x = Xml::new(&types, limits, "docx");
    while let Some(ev) = x.next()? {
        if let Ev::Open {
            name: "Override",
            attrs,
            ..
        } = ev
            && attr(&attrs, "ContentType")
                .is_some_and(|c| c.contains("document.main") || c.contains("template.main"))
            && let Some(p) = attr(&attrs, "PartName")
        {
            return Ok(p.trim_start_matches('/').to_string());
        }
    }
    Ok(default)
}

fn parse_styles(xml: &str, limits: &Limits) -> Result<HashMap<String, Style>> {
    let mut x = Xml::new(xml, limits, "docx");
    let mut out = HashMap::new();
    let mut cur: Option<(String, Style)> = None;
    let mut num: (Option<String>, u8) = (None, 0);
    while let Some(ev) = x.next()? {
        match ev {
            Ev::Open {
                name: "style",
                attrs,
                empty,
            } => {
                if attr(&attrs, "type").unwrap_or("paragraph") == "paragraph" && !empty {
                    cur = Some((
                        attr(&attrs, "styleId").unwrap_or("").to_string(),
                        Style::default(),
                    ));
                } else if !empty {
                    x.skip()?;
                }
            }
            Ev::Open { name, attrs, .. } => {
                let Some((_, st)) = cur.as_mut() else {
                    continue;
                };
                let val = attr(&attrs, "val").unwrap_or("");
                match name {
                    "name" => st.name = val.to_string(),
                    "basedOn" => st.based_on = Some(val.to_string()),
                    "outlineLvl" => st.outline = val.parse().ok(),
                    "numId" => num.0 = Some(val.to_string()),
                    "ilvl" => num.1 = val.parse().unwrap_or(0),
                    _ => {}
                }
            }
            Ev::Close("style") => {
                if let Some((id, mut st)) = cur.take() {
                    if let Some(n) = num.0.take() {
                        st.num = Some((n, num.1));
                    }
                    num = (None, 0);
                    out.insert(id, st);
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

pub(crate) fn parse_numbering(xml: &str, limits: &Limits) -> Result<Numbering> {
    let mut x = Xml::new(xml, limits, "docx");
    let mut n = Numbering::default();
    let mut abs: Option<(String, Vec<Level>)> = None;
    let mut lvl: Option<(usize, Level)> = None;
    let mut num: Option<String> = None;
    while let Some(ev) = x.next()? {
        match ev {
            Ev::Open {
                name: "abstractNum",
                attrs,
                ..
            } => {
                abs = Some((
                    attr(&attrs, "abstractNumId").unwrap_or("").to_string(),
                    vec![Level::default(); 9],
                ));
            }
            Ev::Open {
                name: "lvl", attrs, ..
            } if abs.is_some() => {
                let i: usize = attr(&attrs, "ilvl")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                lvl = Some((
                    i.min(8),
                    Level {
                        start: 1,
                        fmt: "decimal".into(),
                        text: String::new(),
                    },
                ));
            }
            Ev::Open { name, attrs, .. } if lvl.is_some() => {
                let (_, l) = lvl.as_mut().expect("checked");
                let val = attr(&attrs, "val").unwrap_or("");
                match name {
                    "start" => l.start = val.parse().unwrap_or(1),
                    "numFmt" => l.fmt = val.to_string(),
                    "lvlText" => l.text = val.to_string(),
                    _ => {}
                }
            }
            Ev::Close("lvl") => {
                if let (Some((i, l)), Some((_, levels))) = (lvl.take(), abs.as_mut()) {
                    levels[i] = l;
                }
            }
            Ev::Close("abstractNum") => {
                if let Some((id, levels)) = abs.take() {
                    n.abstracts.insert(id, levels);
                }
            }
            Ev::Open {
                name: "num", attrs, ..
            } => {
                num = attr(&attrs, "numId").map(str::to_string);
            }
            Ev::Open {
                name: "abstractNumId",
                attrs,
                ..
            } => {
                if let (Some(id), Some(a)) = (num.as_ref(), attr(&attrs, "val")) {
                    n.nums.insert(id.clone(), a.to_string());
                }
            }
            Ev::Close("num") => num = None,
            _ => {}
        }
    }
    Ok(n)
}

impl Numbering {
    /// The marker the next paragraph of list `num_id` at level `ilvl` prints
    /// ("" for none), counting it.
    pub(crate) fn next_marker(&mut self, num_id: &str, ilvl: u8) -> String {
        let Some(levels) = self.nums.get(num_id).and_then(|a| self.abstracts.get(a)) else {
            return String::new();
        };
        let ilvl = usize::from(ilvl.min(8));
        let counters = self.counters.entry(num_id.to_string()).or_insert([0; 9]);
        counters[ilvl] = if counters[ilvl] == 0 {
            levels[ilvl].start
        } else {
            counters[ilvl].saturating_add(1)
        };
        for c in counters.iter_mut().skip(ilvl + 1) {
            *c = 0;
        }
        let lvl = &levels[ilvl];
        if lvl.fmt == "none" {
            return lvl
                .text
                .chars()
                .filter(|c| *c != '%')
                .collect::<String>()
                .trim()
                .to_string();
        }
        if lvl.fmt == "bullet" {
            return bullet(&lvl.text);
        }
        let mut out = String::new();
        let mut chars = lvl.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%'
                && let Some(d) = chars.peek().and_then(|d| d.to_digit(10))
                && (1..=9).contains(&d)
            {
                chars.next();
                let k = d as usize - 1;
                let v = if counters[k] == 0 {
                    levels[k].start
                } else {
                    counters[k]
                };
                out.push_str(&format_counter(v, &levels[k].fmt));
            } else {
                out.push(c);
            }
        }
        out
    }
}

/// A bullet as printed: symbol-font code points (U+F0xx) become the
/// characters they draw.
fn bullet(text: &str) -> String {
    text.chars()
        .map(|c| match u32::from(c) {
            0xF0B7 | 0xF095 => '•',
            0xF06C | 0xF09F => '●',
            0xF0A7 | 0xF06E => '▪',
            0xF0D8 => '➢',
            0xF0FC => '✓',
            0xF076 => '❖',
            0xF0A1 => '○',
            0xE000..=0xF8FF => '•',
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// A list counter in a `w:numFmt`.
pub(crate) fn format_counter(n: u32, fmt: &str) -> String {
    const AIUEO: &str = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン";
    const IROHA: &str = "イロハニホヘトチリヌルヲワカヨタレソツネナラムウヰノオクヤマケフコエテアサキユメミシヱヒモセスン";
    let pick = |set: &str| {
        let v: Vec<char> = set.chars().collect();
        v.get((n.max(1) as usize - 1) % v.len())
            .map(|c| c.to_string())
            .unwrap_or_default()
    };
    match fmt {
        "decimalZero" => format!("{n:02}"),
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|d| char::from_u32(u32::from(d) - 0x30 + 0xFF10).unwrap_or(d))
            .collect(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => match n {
            1..=20 => char::from_u32(0x2460 + n - 1)
                .map(String::from)
                .unwrap_or_default(),
            21..=35 => char::from_u32(0x3251 + n - 21)
                .map(String::from)
                .unwrap_or_default(),
            36..=50 => char::from_u32(0x32B1 + n - 36)
                .map(String::from)
                .unwrap_or_default(),
            _ => n.to_string(),
        },
        "decimalEnclosedParen" => match n {
            1..=20 => char::from_u32(0x2474 + n - 1)
                .map(String::from)
                .unwrap_or_default(),
            _ => format!("({n})"),
        },
        "decimalEnclosedFullstop" => match n {
            1..=20 => char::from_u32(0x2488 + n - 1)
                .map(String::from)
                .unwrap_or_default(),
            _ => format!("{n}."),
        },
        "upperLetter" | "lowerLetter" => {
            let c = char::from(b'A' + ((n.max(1) - 1) % 26) as u8);
            let s = c.to_string().repeat(((n.max(1) - 1) / 26 + 1) as usize);
            if fmt == "lowerLetter" {
                s.to_lowercase()
            } else {
                s
            }
        }
        "upperRoman" | "lowerRoman" => {
            let s = roman(n);
            if fmt == "lowerRoman" {
                s.to_lowercase()
            } else {
                s
            }
        }
        "aiueo" | "aiueoFullWidth" => pick(AIUEO),
        "iroha" | "irohaFullWidth" => pick(IROHA),
        "japaneseCounting"
        | "ideographDigital"
        | "chineseCounting"
        | "chineseCountingThousand"
        | "japaneseLegal"
        | "ideographTraditional" => kanji(n),
        _ => n.to_string(),
    }
}

fn roman(mut n: u32) -> String {
    const R: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in R {
        while n >= v && s.len() < 32 {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

fn kanji(n: u32) -> String {
    const D: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n >= 100 {
        return n
            .to_string()
            .chars()
            .map(|c| D[c.to_digit(10).unwrap_or(0) as usize])
            .collect();
    }
    let (t, u) = (n / 10, n % 10);
    let mut s = String::new();
    if t > 1 {
        s.push_str(D[t as usize]);
    }
    if t > 0 {
        s.push('十');
    }
    if u > 0 || n == 0 {
        s.push_str(D[u as usize]);
    }
    s
}

/// The heading level of a style name: `Heading 2`, `heading 2`, `見出し 2`;
/// 0 for the document's own title (`Title`, `表題`), which heads no section.
fn heading_level(name: &str) -> Option<u8> {
    let lower = name.to_lowercase();
    if lower == "title" || name == "表題" {
        return Some(0);
    }
    let rest = lower
        .strip_prefix("heading")
        .or_else(|| name.strip_prefix("見出し"))?
        .trim();
    let d: String = rest
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(u32::from(c) - 0xFF10 + 0x30).unwrap_or(c),
            c => c,
        })
        .collect();
    d.parse::<u8>().ok().filter(|l| (1..=9).contains(l))
}

/// A style's heading level and list, following `basedOn` (at most 16 steps).
fn resolve_style(styles: &HashMap<String, Style>, id: &str) -> (Option<u8>, Option<(String, u8)>) {
    let (mut level, mut num) = (None, None);
    let mut cur = styles.get(id);
    for _ in 0..16 {
        let Some(st) = cur else { break };
        if level.is_none() {
            level = heading_level(&st.name).or(st.outline.filter(|&o| o < 9).map(|o| o + 1));
        }
        if num.is_none() {
            num = st.num.clone();
        }
        cur = st.based_on.as_deref().and_then(|b| styles.get(b));
    }
    (level, num)
}

#[derive(Debug, Default)]
struct Para {
    text: String,
    style: Option<String>,
    outline: Option<u8>,
    num_id: Option<String>,
    ilvl: Option<u8>,
    bold_chars: usize,
    plain_chars: usize,
    link_chars: usize,
    boxes: Vec<Block>,
}

#[derive(Debug, Default)]
struct CellB {
    span: u32,
    vmerge: Option<bool>, // Some(true): restart; Some(false): continue
    blocks: Vec<Block>,
    bold: bool,
    any_text: bool,
}

#[derive(Debug, Default)]
struct TableB {
    rows: Vec<(bool, u32, Vec<CellB>)>, // header row, grid columns before, cells
}

enum Container {
    Body(Vec<Block>),
    Cell(CellB),
    TextBox(Vec<Block>),
}

fn push_block(containers: &mut [Container], b: Block) {
    match containers.last_mut() {
        Some(Container::Body(v) | Container::TextBox(v)) => v.push(b),
        Some(Container::Cell(c)) => {
            if b.kind.text().is_some() {
                c.any_text = true;
            }
            c.blocks.push(b);
        }
        None => {}
    }
}

fn read_body(
    xml: &str,
    styles: &HashMap<String, Style>,
    numbering: &mut Numbering,
    limits: &Limits,
) -> Result<(Vec<Block>, Option<String>)> {
    const SKIP: [&str; 12] = [
        "Fallback",
        "delText",
        "instrText",
        "pPrChange",
        "rPrChange",
        "moveFrom",
        "del",
        "tblPr",
        "tblGrid",
        "sectPr",
        "footnotePr",
        "endnotePr",
    ];
    let mut x = Xml::new(xml, limits, "docx");
    let mut containers = vec![Container::Body(Vec::new())];
    let mut paras: Vec<Para> = Vec::new();
    let mut tables: Vec<TableB> = Vec::new();
    let (mut in_t, mut in_ppr, mut in_rpr, mut run_bold) = (false, false, false, false);
    let mut in_link = 0u32;
    let mut element = 0u32;
    let mut title = None;
    while let Some(ev) = x.next()? {
        match ev {
            Ev::Open {
                name, empty: false, ..
            } if SKIP.contains(&name) => x.skip()?,
            Ev::Open { name, attrs, empty } => match name {
                "p" if !empty => paras.push(Para::default()),
                "pPr" => in_ppr = !empty,
                "rPr" if !in_ppr => in_rpr = !empty,
                "r" => run_bold = false,
                "b" if in_rpr => run_bold = truthy(&attrs),
                "pStyle" if in_ppr => {
                    if let Some(p) = paras.last_mut() {
                        p.style = attr(&attrs, "val").map(str::to_string);
                    }
                }
                "outlineLvl" if in_ppr => {
                    if let Some(p) = paras.last_mut() {
                        p.outline = attr(&attrs, "val").and_then(|v| v.parse().ok());
                    }
                }
                "numId" if in_ppr => {
                    if let Some(p) = paras.last_mut() {
                        p.num_id = attr(&attrs, "val").map(str::to_string);
                    }
                }
                "ilvl" if in_ppr => {
                    if let Some(p) = paras.last_mut() {
                        p.ilvl = attr(&attrs, "val").and_then(|v| v.parse().ok());
                    }
                }
                "t" => in_t = !empty,
                "hyperlink" if !empty => in_link += 1,
                "tab" if !in_ppr => add_text(&mut paras, "\t", run_bold),
                "br" | "cr" if !matches!(attr(&attrs, "type"), Some("page" | "column")) => {
                    add_text(&mut paras, "\n", run_bold)
                }
                "noBreakHyphen" => add_text(&mut paras, "-", run_bold),
                "txbxContent" if !empty => containers.push(Container::TextBox(Vec::new())),
                "tbl" if !empty => tables.push(TableB::default()),
                "tr" if !empty => {
                    if let Some(t) = tables.last_mut() {
                        t.rows.push((false, 0, Vec::new()));
                    }
                }
                "tblHeader" => {
                    if let Some(row) = tables.last_mut().and_then(|t| t.rows.last_mut()) {
                        row.0 = truthy(&attrs);
                    }
                }
                "gridBefore" => {
                    if let Some(row) = tables.last_mut().and_then(|t| t.rows.last_mut()) {
                        row.1 = attr(&attrs, "val")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0)
                            .min(512);
                    }
                }
                "tc" if !empty => containers.push(Container::Cell(CellB {
                    span: 1,
                    ..Default::default()
                })),
                "gridSpan" => {
                    if let Some(Container::Cell(c)) = containers.last_mut() {
                        c.span = attr(&attrs, "val")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(1)
                            .clamp(1, 512);
                    }
                }
                "vMerge" => {
                    if let Some(Container::Cell(c)) = containers.last_mut() {
                        c.vmerge = Some(attr(&attrs, "val") == Some("restart"));
                    }
                }
                _ => {}
            },
            Ev::Text(t) if in_t => {
                add_text(&mut paras, &t, run_bold);
                if in_link > 0
                    && let Some(p) = paras.last_mut()
                {
                    p.link_chars += t.chars().filter(|c| !c.is_whitespace()).count();
                }
            }
            Ev::Close(name) => match name {
                "t" => in_t = false,
                "hyperlink" => in_link = in_link.saturating_sub(1),
                "pPr" => in_ppr = false,
                "rPr" => in_rpr = false,
                "p" => {
                    if let Some(p) = paras.pop() {
                        element += 1;
                        let (block, bold, boxes) =
                            finish_para(p, styles, numbering, element, &mut title);
                        if let Some(b) = block {
                            if let Some(Container::Cell(c)) = containers.last_mut() {
                                c.bold = if c.blocks.is_empty() && !c.any_text {
                                    bold
                                } else {
                                    c.bold && bold
                                };
                            }
                            push_block(&mut containers, b);
                        }
                        for b in boxes {
                            push_block(&mut containers, b);
                        }
                    }
                }
                "txbxContent" => {
                    if matches!(containers.last(), Some(Container::TextBox(_)))
                        && let Some(Container::TextBox(v)) = containers.pop()
                    {
                        match paras.last_mut() {
                            Some(p) => p.boxes.extend(v),
                            None => v.into_iter().for_each(|b| push_block(&mut containers, b)),
                        }
                    }
                }
                "tc" => {
                    if matches!(containers.last(), Some(Container::Cell(_)))
                        && let Some(Container::Cell(c)) = containers.pop()
                        && let Some(row) = tables.last_mut().and_then(|t| t.rows.last_mut())
                    {
                        row.2.push(c);
                    }
                }
                "tbl" => {
                    if let Some(t) = tables.pop() {
                        let table = finish_table(t, element);
                        match containers.last_mut() {
                            // A table in a cell: its cells' paragraphs join the cell.
                            Some(Container::Cell(c)) => {
                                for row in table.rows {
                                    for cell in row.cells {
                                        c.blocks.extend(cell.blocks);
                                    }
                                }
                                c.any_text = true;
                            }
                            _ => push_block(
                                &mut containers,
                                Block {
                                    kind: BlockKind::Table(table),
                                    prov: Provenance::element(element),
                                },
                            ),
                        }
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    // Unclosed elements of a truncated file: what was read is kept.
    let mut out = Vec::new();
    for c in containers {
        match c {
            Container::Body(v) | Container::TextBox(v) => out.extend(v),
            Container::Cell(c) => out.extend(c.blocks),
        }
    }
    Ok((out, title))
}

fn add_text(paras: &mut [Para], t: &str, bold: bool) {
    if let Some(p) = paras.last_mut() {
        p.text.push_str(t);
        let n = t.chars().filter(|c| !c.is_whitespace()).count();
        if bold {
            p.bold_chars += n;
        } else {
            p.plain_chars += n;
        }
    }
}

/// The block a paragraph becomes, whether all its text is bold, and the
/// text boxes anchored in it.
fn finish_para(
    p: Para,
    styles: &HashMap<String, Style>,
    numbering: &mut Numbering,
    element: u32,
    title: &mut Option<String>,
) -> (Option<Block>, bool, Vec<Block>) {
    let (style_level, style_num) = p
        .style
        .as_deref()
        .map(|s| resolve_style(styles, s))
        .unwrap_or((None, None));
    let level = p.outline.filter(|&o| o < 9).map(|o| o + 1).or(style_level);
    if level == Some(0) {
        // The document's title: a paragraph (as an HTML cover's title is), kept as the title.
        let text = p.text.trim().to_string();
        if text.is_empty() {
            return (None, false, p.boxes);
        }
        if title.is_none() {
            *title = Some(text.clone());
        }
        let block = Block {
            kind: BlockKind::Paragraph { text },
            prov: Provenance::element(element),
        };
        return (Some(block), false, p.boxes);
    }
    let num = match (p.num_id, p.ilvl) {
        (Some(id), ilvl) => Some((id, ilvl.or(style_num.as_ref().map(|n| n.1)).unwrap_or(0))),
        (None, Some(ilvl)) => style_num.map(|(id, _)| (id, ilvl)),
        (None, None) => style_num,
    }
    .filter(|(id, _)| id != "0");
    let text = p.text.trim().to_string();
    let bold = p.bold_chars > 0 && p.plain_chars == 0;
    if text.is_empty() {
        return (None, bold, p.boxes);
    }
    let marker = num
        .as_ref()
        .map(|(id, ilvl)| (numbering.next_marker(id, *ilvl), *ilvl));
    // A list item that is (nearly) all link is a list of links (downloads,
    // related pages): read as a paragraph, as the HTML reader reads one.
    let chars = p.bold_chars + p.plain_chars;
    let marker =
        marker.filter(|_| level.is_some() || p.link_chars == 0 || p.link_chars * 10 < chars * 8);
    let mut prov = Provenance::element(element);
    // As the HTML reader says it: all the paragraph's text is bold.
    prov.bold = bold;
    let kind = if let Some(level) = level {
        let text = match marker {
            Some((m, _)) if !m.is_empty() => format!("{m} {text}"),
            _ => text,
        };
        BlockKind::Heading {
            level: level.min(6),
            text,
        }
    } else if let Some((m, ilvl)) = marker {
        BlockKind::ListItem {
            depth: ilvl,
            implicit_marker: (!m.is_empty()).then_some(m),
            text,
        }
    } else {
        BlockKind::Paragraph { text }
    };
    (Some(Block { kind, prov }), bold, p.boxes)
}

fn finish_table(t: TableB, element: u32) -> Table {
    let mut table = Table::default();
    // (row index, cell index) of the cell that starts a vertical merge, by column.
    let mut open: HashMap<u32, (usize, usize)> = HashMap::new();
    for (header_row, before, cells) in t.rows {
        let ri = table.rows.len();
        let mut row = Row::default();
        let mut col = before;
        for c in cells {
            let span = c.span;
            match c.vmerge {
                Some(false) => {
                    if let Some(&(r, i)) = open.get(&col) {
                        let cell: &mut Cell = &mut table.rows[r].cells[i];
                        cell.row_span += 1;
                        col = col.saturating_add(span);
                        continue;
                    }
                }
                Some(true) => {
                    open.insert(col, (ri, row.cells.len()));
                }
                None => {
                    open.remove(&col);
                }
            }
            row.cells.push(Cell {
                header: header_row || (c.bold && c.any_text),
                col,
                col_span: span,
                row_span: 1,
                blocks: c.blocks,
                prov: Provenance::element(element),
            });
            col = col.saturating_add(span);
        }
        table.rows.push(row);
    }
    table
}
