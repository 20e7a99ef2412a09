//! PowerPoint presentations (PPTX): each slide a page; title placeholders
//! as headings at level 2 (a title slide's centred title is the deck's
//! title: a paragraph, as an HTML cover's title is); a text box
//! of one paragraph set all in bold as a heading below them (levels ranked
//! by font size, largest first); other text frames in reading order (top
//! to bottom, then left to right, by their offsets); bullets and automatic
//! numbering from the paragraph properties as list items; tables with
//! `gridSpan`/`rowSpan`. Speaker notes are left out.

use std::collections::HashMap;

use super::xml::{Ev, Xml, attr};
use super::{Package, relationships, resolve_target};
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::model::{Block, BlockKind, Cell, Document, Format, Provenance, Row, Table};

/// Reading-order band: shapes whose tops are closer than this (EMU, a
/// quarter inch) are one row, read left to right.
const BAND: i64 = 228_600;

#[derive(Debug, Default)]
struct Para {
    text: String,
    lvl: u8,
    bullet: Option<Bullet>,
    bold_chars: usize,
    plain_chars: usize,
    size: Option<u32>,
}

impl Para {
    /// All its text is bold (and there is some).
    fn all_bold(&self) -> bool {
        self.bold_chars > 0 && self.plain_chars == 0
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Bullet {
    Char(String),
    Auto(String, u32),
    None,
}

/// A table being read: whether its first row is a header row (`firstRow`),
/// and its rows of cells, each with whether a merge covers it.
type TableRead = (bool, Vec<Vec<(Cell, bool)>>);

#[derive(Debug, Default)]
struct Shape {
    ph: Option<String>,
    pos: Option<(i64, i64)>,
    paras: Vec<Para>,
    table: Option<Table>,
    order: usize,
}

/// Reads a PPTX file.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Document> {
    let mut pkg = Package::open(bytes, limits, "pptx")?;
    let slides = slide_parts(&mut pkg)?;
    if slides.len() as u64 > u64::from(limits.max_pages) {
        return Err(Error::limit("slides", u64::from(limits.max_pages)));
    }
    let mut decks: Vec<Vec<Shape>> = Vec::new();
    for path in &slides {
        let shapes = match pkg.part(path)? {
            Some(xml) => parse_slide(&xml, limits)?,
            None => Vec::new(),
        };
        decks.push(shapes);
    }
    // Font sizes of one-paragraph bold text boxes, largest first: their heading levels.
    let mut sizes: Vec<u32> = decks
        .iter()
        .flatten()
        .filter(|s| is_bold_heading(s))
        .map(|s| s.paras[0].size.unwrap_or(1800))
        .collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    sizes.dedup();
    let mut doc = Document::new(Format::Pptx);
    doc.pages = Some(slides.len() as u32);
    let deck_title = decks
        .iter()
        .flatten()
        .find(|s| s.ph.as_deref() == Some("ctrTitle"))
        .map(|s| {
            s.paras
                .iter()
                .map(|p| p.text.trim())
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        });
    for (i, mut shapes) in decks.into_iter().enumerate() {
        order_shapes(&mut shapes);
        let page = i as u32 + 1;
        for s in shapes {
            emit_shape(s, page, &sizes, &mut doc.blocks);
        }
    }
    doc.title = pkg.core_title()?.or(deck_title.filter(|t| !t.is_empty()));
    Ok(doc)
}

fn is_bold_heading(s: &Shape) -> bool {
    s.ph.is_none()
        && s.table.is_none()
        && s.paras.len() == 1
        && s.paras[0].all_bold()
        && !matches!(s.paras[0].bullet, Some(Bullet::Char(_) | Bullet::Auto(..)))
}

/// The slides in presentation order (`sldIdLst`), else `ppt/slides/slideN.xml` by N.
fn slide_parts(pkg: &mut Package<'_>) -> Result<Vec<String>> {
    let limits = pkg.limits;
    let mut ids = Vec::new();
    if let Some(pres) = pkg.part("ppt/presentation.xml")? {
        let mut x = Xml::new(&pres, limits, "pptx");
        while let Some(ev) = x.next()? {
            if let Ev::Open {
                name: "sldId",
                attrs,
                ..
            } = ev
                && let Some(id) = attr(&attrs, "id").filter(|_| true)
            {
                // r:id: the local name is "id" too; the relationship id is the one starting with "rId" or not numeric.
                let rid = attrs
                    .iter()
                    .filter(|(k, _)| *k == "id")
                    .map(|(_, v)| v.to_string())
                    .find(|v| v.parse::<u64>().is_err())
                    .unwrap_or_else(|| id.to_string());
                ids.push(rid);
            }
        }
    }
    let mut out = Vec::new();
    if !ids.is_empty()
        && let Some(rels) = pkg.part("ppt/_rels/presentation.xml.rels")?
    {
        let rels: HashMap<String, String> = relationships(&rels, limits, "pptx")?
            .into_iter()
            .map(|(id, target, _)| (id, resolve_target("ppt", &target)))
            .collect();
        out = ids.iter().filter_map(|id| rels.get(id).cloned()).collect();
    }
    if out.is_empty() {
        let mut found: Vec<(u32, String)> = pkg
            .names()
            .into_iter()
            .filter_map(|n| {
                let num = n
                    .strip_prefix("ppt/slides/slide")?
                    .strip_suffix(".xml")?
                    .parse()
                    .ok()?;
                Some((num, n))
            })
            .collect();
        found.sort();
        out = found.into_iter().map(|(_, n)| n).collect();
    }
    Ok(out)
}

fn parse_slide(xml: &str, limits: &Limits) -> Result<Vec<Shape>> {
    let mut x = Xml::new(xml, limits, "pptx");
    let mut shapes: Vec<Shape> = Vec::new();
    // Shapes open (a group's shapes nest); the innermost gets what is read.
    let mut stack: Vec<Shape> = Vec::new();
    let mut para: Option<Para> = None;
    let (mut in_t, mut run_bold, mut run_size) = (false, false, None);
    // Table being read: rows of (cell, covered); the current cell's paragraphs.
    let mut table: Option<TableRead> = None;
    let mut cell_paras: Option<Vec<String>> = None;
    let mut cell_bold = true;
    let mut order = 0usize;
    while let Some(ev) = x.next()? {
        match ev {
            Ev::Open { name, attrs, empty } => match name {
                "sp" | "graphicFrame" | "cxnSp" if !empty => {
                    order += 1;
                    stack.push(Shape {
                        order,
                        ..Default::default()
                    });
                }
                "ph" => {
                    if let Some(s) = stack.last_mut() {
                        s.ph = Some(attr(&attrs, "type").unwrap_or("body").to_string());
                    }
                }
                "off" => {
                    if let Some(s) = stack.last_mut().filter(|s| s.pos.is_none()) {
                        let n = |k| {
                            attr(&attrs, k)
                                .and_then(|v| v.parse::<i64>().ok())
                                .unwrap_or(0)
                        };
                        s.pos = Some((n("y"), n("x")));
                    }
                }
                "p" if !empty => {
                    para = Some(Para::default());
                }
                "pPr" => {
                    if let Some(p) = para.as_mut() {
                        p.lvl = attr(&attrs, "lvl")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0)
                            .min(8);
                    }
                }
                "buChar" => {
                    if let Some(p) = para.as_mut() {
                        p.bullet = Some(Bullet::Char(
                            attr(&attrs, "char").unwrap_or("•").to_string(),
                        ));
                    }
                }
                "buAutoNum" => {
                    if let Some(p) = para.as_mut() {
                        let start = attr(&attrs, "startAt")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(1);
                        p.bullet = Some(Bullet::Auto(
                            attr(&attrs, "type").unwrap_or("arabicPeriod").to_string(),
                            start,
                        ));
                    }
                }
                "buNone" => {
                    if let Some(p) = para.as_mut() {
                        p.bullet = Some(Bullet::None);
                    }
                }
                "r" | "fld" => {
                    run_bold = false;
                    run_size = None;
                }
                "rPr" => {
                    run_bold = attr(&attrs, "b").is_some_and(|b| b == "1" || b == "true");
                    run_size = attr(&attrs, "sz").and_then(|v| v.parse().ok());
                }
                "t" => in_t = !empty,
                "br" => {
                    if let Some(p) = para.as_mut() {
                        p.text.push('\n');
                    }
                }
                "tbl" if !empty => {
                    table = Some((false, Vec::new()));
                }
                "tblPr" => {
                    if let Some(t) = table.as_mut() {
                        t.0 = attr(&attrs, "firstRow").is_some_and(|v| v == "1" || v == "true");
                    }
                }
                "tr" if !empty => {
                    if let Some(t) = table.as_mut() {
                        t.1.push(Vec::new());
                    }
                }
                "tc" => {
                    if let Some((_, rows)) = table.as_mut()
                        && let Some(row) = rows.last_mut()
                    {
                        let n = |k| attr(&attrs, k).and_then(|v| v.parse::<u32>().ok());
                        let covered = n("hMerge").is_some_and(|v| v > 0)
                            || attr(&attrs, "hMerge") == Some("true")
                            || n("vMerge").is_some_and(|v| v > 0)
                            || attr(&attrs, "vMerge") == Some("true");
                        let cell = Cell {
                            col_span: n("gridSpan").unwrap_or(1).clamp(1, 512),
                            row_span: n("rowSpan").unwrap_or(1).clamp(1, 65_535),
                            ..Default::default()
                        };
                        row.push((cell, covered));
                        if !empty {
                            cell_paras = Some(Vec::new());
                            cell_bold = true;
                        }
                    }
                }
                _ => {}
            },
            Ev::Text(t) if in_t => {
                if let Some(p) = para.as_mut() {
                    p.text.push_str(&t);
                    let n = t.chars().filter(|c| !c.is_whitespace()).count();
                    if run_bold {
                        p.bold_chars += n;
                    } else {
                        p.plain_chars += n;
                    }
                    if n > 0 && p.size.is_none() {
                        p.size = run_size;
                    }
                }
            }
            Ev::Close(name) => match name {
                "t" => in_t = false,
                "p" => {
                    if let Some(p) = para.take() {
                        if let Some(cp) = cell_paras.as_mut() {
                            if !p.text.trim().is_empty() {
                                cell_bold &= p.plain_chars == 0;
                                cp.push(p.text.trim().to_string());
                            }
                        } else if let Some(s) = stack.last_mut() {
                            s.paras.push(p);
                        }
                    }
                }
                "tc" => {
                    if let (Some(cp), Some((_, rows))) = (cell_paras.take(), table.as_mut())
                        && let Some((cell, _)) = rows.last_mut().and_then(|r| r.last_mut())
                    {
                        cell.header = cell_bold && !cp.is_empty();
                        cell.blocks = cp
                            .into_iter()
                            .map(|t| Block {
                                kind: BlockKind::Paragraph { text: t },
                                prov: Provenance::default(),
                            })
                            .collect();
                    }
                }
                "tbl" => {
                    if let Some((first_row, rows)) = table.take() {
                        let mut t = Table::default();
                        for (ri, row) in rows.into_iter().enumerate() {
                            let mut r = Row::default();
                            for (ci, (mut cell, covered)) in row.into_iter().enumerate() {
                                if covered {
                                    continue;
                                }
                                cell.col = ci as u32;
                                cell.header |= first_row && ri == 0;
                                r.cells.push(cell);
                            }
                            t.rows.push(r);
                        }
                        if let Some(s) = stack.last_mut() {
                            s.table = Some(t);
                        }
                    }
                }
                "sp" | "graphicFrame" | "cxnSp" => {
                    if let Some(s) = stack.pop() {
                        shapes.push(s);
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    shapes.extend(stack);
    Ok(shapes)
}

/// Sorts a slide's shapes into reading order. A shape without an offset of
/// its own (a placeholder placed by its layout) follows the shape before it
/// in the file; a title without one comes first.
fn order_shapes(shapes: &mut [Shape]) {
    shapes.sort_by_key(|s| s.order);
    let mut last = (i64::MIN, i64::MIN);
    let mut keys = Vec::with_capacity(shapes.len());
    for s in shapes.iter() {
        let title = matches!(s.ph.as_deref(), Some("title" | "ctrTitle"));
        let key = match s.pos {
            Some((y, x)) => (y / BAND, x),
            None if title => (i64::MIN, i64::MIN),
            None => last,
        };
        last = key;
        keys.push((key, s.order));
    }
    let mut idx: Vec<usize> = (0..shapes.len()).collect();
    idx.sort_by_key(|&i| keys[i]);
    let order: Vec<usize> = idx.iter().map(|&i| shapes[i].order).collect();
    shapes.sort_by_key(|s| {
        order
            .iter()
            .position(|&o| o == s.order)
            .unwrap_or(usize::MAX)
    });
}

fn emit_shape(s: Shape, page: u32, sizes: &[u32], out: &mut Vec<Block>) {
    let prov = || Provenance::page(page, None);
    if let Some(t) = s.table {
        out.push(Block {
            kind: BlockKind::Table(t),
            prov: prov(),
        });
        return;
    }
    let heading_level = match s.ph.as_deref() {
        Some("title") => Some(2),
        _ if is_bold_heading(&s) => {
            let size = s.paras[0].size.unwrap_or(1800);
            Some((3 + sizes.iter().position(|&x| x <= size).unwrap_or(0)).min(6) as u8)
        }
        _ => None,
    };
    if let Some(level) = heading_level {
        let text: Vec<String> = s
            .paras
            .iter()
            .map(|p| p.text.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        if !text.is_empty() {
            out.push(Block {
                kind: BlockKind::Heading {
                    level,
                    text: text.join(" "),
                },
                prov: prov(),
            });
        }
        return;
    }
    let mut counters: HashMap<u8, (String, u32)> = HashMap::new();
    for p in s.paras {
        let text = p.text.trim().to_string();
        if text.is_empty() {
            continue;
        }
        let bold = p.all_bold();
        let kind = match p.bullet {
            Some(Bullet::Char(c)) => BlockKind::ListItem {
                depth: p.lvl,
                implicit_marker: Some(c),
                text,
            },
            Some(Bullet::Auto(kind, start)) => {
                let e = counters
                    .entry(p.lvl)
                    .or_insert((kind.clone(), start.saturating_sub(1)));
                if e.0 != kind {
                    *e = (kind.clone(), start.saturating_sub(1));
                }
                e.1 += 1;
                let n = e.1;
                counters.retain(|&l, _| l <= p.lvl);
                BlockKind::ListItem {
                    depth: p.lvl,
                    implicit_marker: Some(auto_number(&kind, n)),
                    text,
                }
            }
            _ => {
                counters.retain(|&l, _| l < p.lvl);
                BlockKind::Paragraph { text }
            }
        };
        let mut prov = prov();
        prov.bold = bold;
        out.push(Block { kind, prov });
    }
}

/// The marker of automatic numbering `kind` (`arabicPeriod`, `circleNumDbPlain`, ...) for `n`.
fn auto_number(kind: &str, n: u32) -> String {
    use super::docx::format_counter;
    let (fmt, pre, post) = if kind.starts_with("circleNum") {
        ("decimalEnclosedCircle", "", "")
    } else {
        let fmt = if kind.starts_with("alphaLc") {
            "lowerLetter"
        } else if kind.starts_with("alphaUc") {
            "upperLetter"
        } else if kind.starts_with("romanLc") {
            "lowerRoman"
        } else if kind.starts_with("romanUc") {
            "upperRoman"
        } else if kind.starts_with("ea1JpnChsDb") || kind.contains("Jpn") && kind.contains("Db") {
            "decimalFullWidth"
        } else {
            "decimal"
        };
        let (pre, post) = if kind.ends_with("ParenBoth") {
            ("(", ")")
        } else if kind.ends_with("ParenR") {
            ("", ")")
        } else if kind.ends_with("Period") {
            ("", ".")
        } else {
            ("", "")
        };
        (fmt, pre, post)
    };
    format!("{pre}{}{post}", format_counter(n, fmt))
}
