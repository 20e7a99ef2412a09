//! `torikumi view`: one self-contained HTML page showing what torikumi found
//! in one document.
//!
//! A PDF's pages are drawn as SVG from torikumi's own text positions (each
//! line of text placed and stretched to its box in page coordinates; no page
//! renderer), every initiative's box outlined and numbered, and beside each
//! page the initiatives that start on it: title, section, category, periods,
//! fiscal years, fields, quantities, owners. Text outside every box is drawn
//! in grey, so what was not taken shows as clearly as what was. HTML, text
//! and Office input is shown as its text in reading order, the lines of each
//! initiative highlighted and numbered. The page has no scripts and loads
//! nothing: it opens offline and prints.

use std::fmt::Write as _;

use crate::model::{BBox, Block, BlockKind, Document, Format, InitiativeRecord};

/// A piece of text at a place on a PDF page.
struct Placed<'a> {
    page: u32,
    bbox: BBox,
    text: &'a str,
    size: Option<f32>,
}

/// HTML-escapes text for element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn collect_placed<'a>(
    blocks: &'a [Block],
    out: &mut Vec<Placed<'a>>,
    cells: &mut Vec<(u32, BBox)>,
) {
    for b in blocks {
        match &b.kind {
            BlockKind::Table(t) => {
                for row in &t.rows {
                    for c in &row.cells {
                        if let (Some(p), Some(bb)) = (c.prov.page.or(b.prov.page), c.prov.bbox) {
                            cells.push((p, bb));
                        }
                        collect_placed(&c.blocks, out, cells);
                    }
                }
            }
            k => {
                if let (Some(page), Some(bbox), Some(text)) = (b.prov.page, b.prov.bbox, k.text()) {
                    out.push(Placed {
                        page,
                        bbox,
                        text,
                        size: b.prov.size,
                    });
                }
            }
        }
    }
}

const STYLE: &str = r#"
body{font-family:"Noto Sans CJK JP","Noto Sans JP","Hiragino Sans","Yu Gothic",sans-serif;margin:0;background:#eceff1;color:#222}
header{background:#263238;color:#fff;padding:12px 20px}
header h1{font-size:18px;margin:0 0 4px}
header p{margin:0;font-size:13px;color:#cfd8dc}
.page{display:flex;gap:16px;align-items:flex-start;padding:16px 20px}
.sheet{flex:0 0 auto;background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.3)}
.sheet svg{display:block}
.cards{flex:1 1 0;min-width:280px;max-width:560px}
.pageno{font-size:13px;color:#546e7a;margin:0 0 6px}
.card{background:#fff;border-left:4px solid #e65100;margin:0 0 8px;padding:6px 10px;font-size:12.5px;box-shadow:0 1px 2px rgba(0,0,0,.15)}
.card h3{font-size:13.5px;margin:0 0 3px}
.card .n{display:inline-block;min-width:1.6em;background:#e65100;color:#fff;border-radius:3px;text-align:center;margin-right:6px}
.card dl{display:grid;grid-template-columns:max-content 1fr;gap:1px 8px;margin:0}
.card dt{color:#78909c}.card dd{margin:0}
.missing{border-left-color:#b71c1c}
svg text.out{fill:#9e9e9e}
svg text.in{fill:#111}
svg rect.cell{fill:none;stroke:#cfd8dc;stroke-width:.5}
svg rect.ini{fill:rgba(255,152,0,.16);stroke:#e65100;stroke-width:1.2}
svg text.num{fill:#fff;font-weight:bold}
svg rect.numbg{fill:#e65100}
.text{flex:1 1 0;background:#fff;padding:10px 16px;box-shadow:0 1px 4px rgba(0,0,0,.3);font-size:14px;line-height:1.6}
.line{white-space:pre-wrap;color:#757575;padding:0 4px}
.line.h{font-weight:bold;color:#37474f}
.line.ini{background:rgba(255,152,0,.16);color:#111;border-left:3px solid #e65100}
.line .n{display:inline-block;min-width:1.6em;background:#e65100;color:#fff;border-radius:3px;text-align:center;margin-right:6px;font-size:12px}
"#;

fn card(out: &mut String, n: usize, i: &InitiativeRecord, placed: bool) {
    let _ = write!(
        out,
        "<div class=\"card{}\" id=\"i{n}\" data-id=\"{}\"><h3><span class=\"n\">{n}</span>{}</h3><dl>",
        if placed { "" } else { " missing" },
        escape(&i.id),
        escape(&i.title)
    );
    let mut row = |k: &str, v: String| {
        if !v.is_empty() {
            let _ = write!(out, "<dt>{k}</dt><dd>{}</dd>", escape(&v));
        }
    };
    row("id", i.id.clone());
    row("section", i.section.join(" › "));
    row("category", i.category.clone().unwrap_or_default());
    row(
        "periods",
        i.periods
            .iter()
            .map(|p| match &p.end {
                Some(e) if *e != p.start => format!("{} ({}–{})", p.raw, p.start, e),
                Some(_) => format!("{} ({})", p.raw, p.start),
                None => format!("{} ({}–)", p.raw, p.start),
            })
            .collect::<Vec<_>>()
            .join("; "),
    );
    row(
        "fiscal years",
        i.fiscal_years
            .iter()
            .map(|y| y.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    );
    for (k, v) in &i.fields {
        let v = match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        row(&format!("field: {}", escape(k)), v);
    }
    row(
        "quantities",
        i.quantities
            .iter()
            .map(|q| q.raw.clone())
            .collect::<Vec<_>>()
            .join("; "),
    );
    row("codes", i.policy_codes.join(", "));
    row("owners", i.orgs.join(", "));
    row("regions", i.regions.join(", "));
    if !placed {
        row("where", "no box on the page (not located)".into());
    }
    out.push_str("</dl></div>\n");
}

fn inside(b: &BBox, r: &[f64; 4]) -> bool {
    let (cx, cy) = (f64::from(b.x0 + b.x1) / 2.0, f64::from(b.y0 + b.y1) / 2.0);
    cx >= r[0] - 0.5 && cx <= r[2] + 0.5 && cy >= r[1] - 0.5 && cy <= r[3] + 0.5
}

fn pdf_pages(doc: &Document, initiatives: &[InitiativeRecord], out: &mut String) {
    let mut placed = Vec::new();
    let mut cells = Vec::new();
    collect_placed(&doc.blocks, &mut placed, &mut cells);
    let pages = doc.page_sizes.len() as u32;
    for page in 1..=pages {
        let (w, h) = doc.page_sizes[page as usize - 1];
        let (w, h) = (f64::from(w.max(1.0)), f64::from(h.max(1.0)));
        let here: Vec<(usize, &InitiativeRecord)> = initiatives
            .iter()
            .enumerate()
            .filter(|(_, i)| i.page == Some(page))
            .map(|(k, i)| (k + 1, i))
            .collect();
        let scale = (820.0 / w).min(1160.0 / h);
        let _ = write!(
            out,
            "<section class=\"page\" id=\"p{page}\"><div class=\"sheet\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w:.1} {h:.1}\" width=\"{:.0}\" height=\"{:.0}\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>",
            w * scale,
            h * scale
        );
        for (p, b) in &cells {
            if *p == page {
                let _ = write!(
                    out,
                    "<rect class=\"cell\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
                    b.x0,
                    h - f64::from(b.y1),
                    b.x1 - b.x0,
                    b.y1 - b.y0
                );
            }
        }
        for (_, i) in &here {
            if let Some(r) = i.bbox {
                let _ = write!(
                    out,
                    "<rect class=\"ini\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
                    r[0] - 1.5,
                    h - r[3] - 1.5,
                    r[2] - r[0] + 3.0,
                    r[3] - r[1] + 3.0
                );
            }
        }
        for t in placed.iter().filter(|t| t.page == page) {
            let lines: Vec<&str> = t
                .text
                .split('\n')
                .filter(|l| !l.trim().is_empty())
                .collect();
            if lines.is_empty() {
                continue;
            }
            let bh = f64::from(t.bbox.y1 - t.bbox.y0).max(1.0);
            let step = bh / lines.len() as f64;
            let size = t
                .size
                .map(f64::from)
                .filter(|s| *s > 0.5 && *s <= step * 1.6)
                .unwrap_or(step * 0.85)
                .max(1.0);
            let class = if here
                .iter()
                .any(|(_, i)| i.bbox.is_some_and(|r| inside(&t.bbox, &r)))
            {
                "in"
            } else {
                "out"
            };
            for (k, l) in lines.iter().enumerate() {
                let base = h - f64::from(t.bbox.y1) + step * (k as f64 + 1.0)
                    - (step - size) / 2.0
                    - size * 0.12;
                let width = f64::from(t.bbox.x1 - t.bbox.x0).max(1.0);
                let _ = write!(
                    out,
                    "<text class=\"{class}\" x=\"{:.1}\" y=\"{base:.1}\" font-size=\"{size:.1}\" textLength=\"{width:.1}\" lengthAdjust=\"spacingAndGlyphs\">{}</text>",
                    t.bbox.x0,
                    escape(l.trim())
                );
            }
        }
        for (n, i) in &here {
            if let Some(r) = i.bbox {
                let label = n.to_string();
                let bw = 4.0 + 5.0 * label.len() as f64;
                let (x, y) = ((r[0] - 2.0 - bw).max(0.0), (h - r[3] - 1.5).max(0.0));
                let _ = write!(
                    out,
                    "<rect class=\"numbg\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bw:.1}\" height=\"9\" rx=\"1.5\"/><text class=\"num\" x=\"{:.1}\" y=\"{:.1}\" font-size=\"7.5\">{label}</text>",
                    x + 2.0,
                    y + 7.3
                );
            }
        }
        let _ = write!(
            out,
            "</svg></div><div class=\"cards\"><p class=\"pageno\">page {page} of {pages}: {} initiatives</p>",
            here.len()
        );
        for (n, i) in &here {
            card(out, *n, i, i.bbox.is_some());
        }
        out.push_str("</div></section>\n");
    }
    let elsewhere: Vec<(usize, &InitiativeRecord)> = initiatives
        .iter()
        .enumerate()
        .filter(|(_, i)| i.page.is_none_or(|p| p == 0 || p > pages))
        .map(|(k, i)| (k + 1, i))
        .collect();
    if !elsewhere.is_empty() {
        out.push_str(
            "<section class=\"page\"><div class=\"cards\"><p class=\"pageno\">not on any page</p>",
        );
        for (n, i) in elsewhere {
            card(out, n, i, false);
        }
        out.push_str("</div></section>\n");
    }
}

/// One line of a non-PDF document's text, in reading order.
struct TextLine {
    text: String,
    heading: bool,
}

fn flatten(blocks: &[Block], out: &mut Vec<TextLine>) {
    for b in blocks {
        match &b.kind {
            BlockKind::Table(t) => {
                for row in &t.rows {
                    let cells: Vec<String> = row
                        .cells
                        .iter()
                        .map(|c| c.text().replace('\n', " "))
                        .collect();
                    out.push(TextLine {
                        text: cells.join(" │ "),
                        heading: row.cells.iter().all(|c| c.header),
                    });
                }
            }
            BlockKind::Heading { text, .. } => out.push(TextLine {
                text: text.clone(),
                heading: true,
            }),
            k => {
                for l in k.text().unwrap_or("").split('\n') {
                    out.push(TextLine {
                        text: l.to_string(),
                        heading: false,
                    });
                }
            }
        }
    }
}

/// For each line, the (1-based) initiative whose text it starts or continues.
fn assign(
    lines: &[TextLine],
    initiatives: &[InitiativeRecord],
) -> (Vec<Option<usize>>, Vec<bool>, Vec<bool>) {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let texts: Vec<String> = lines.iter().map(|l| squash(&l.text)).collect();
    let mut owner = vec![None; lines.len()];
    let mut starts = vec![false; lines.len()];
    let mut found = vec![false; initiatives.len()];
    let mut cursor = 0usize;
    for (k, i) in initiatives.iter().enumerate() {
        let title: String = squash(&i.title).chars().take(40).collect();
        if title.is_empty() {
            continue;
        }
        let Some(s) = (cursor..lines.len()).find(|&l| texts[l].contains(&title)) else {
            continue;
        };
        found[k] = true;
        starts[s] = true;
        if owner[s].is_none() {
            owner[s] = Some(k + 1);
        }
        cursor = s;
        let body = squash(&i.text);
        let mut l = s + 1;
        while l < lines.len()
            && !texts[l].is_empty()
            && body.contains(&texts[l])
            && owner[l].is_none()
        {
            owner[l] = Some(k + 1);
            l += 1;
        }
    }
    (owner, starts, found)
}

fn text_view(doc: &Document, initiatives: &[InitiativeRecord], out: &mut String) {
    let mut lines = Vec::new();
    flatten(&doc.blocks, &mut lines);
    let (owner, starts, found) = assign(&lines, initiatives);
    out.push_str("<section class=\"page\"><div class=\"text\">");
    for (k, l) in lines.iter().enumerate() {
        if l.text.trim().is_empty() {
            continue;
        }
        let class = match (owner[k], l.heading) {
            (Some(_), _) => "line ini",
            (None, true) => "line h",
            (None, false) => "line",
        };
        let badge = match (owner[k], starts[k]) {
            (Some(n), true) => format!("<a class=\"n\" href=\"#i{n}\">{n}</a>"),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "<div class=\"{class}\">{badge}{}</div>",
            escape(&l.text)
        );
    }
    out.push_str("</div><div class=\"cards\">");
    for (k, i) in initiatives.iter().enumerate() {
        card(out, k + 1, i, found[k]);
    }
    out.push_str("</div></section>\n");
}

/// The page for one document: `doc` as read (and normalized), `initiatives`
/// as parsed from it, `source` its name.
pub fn render(doc: &Document, initiatives: &[InitiativeRecord], source: &str) -> String {
    let mut out = String::with_capacity(64 << 10);
    let placed = initiatives.iter().filter(|i| i.bbox.is_some()).count();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>torikumi: {}</title><style>{STYLE}</style></head><body>\n<header><h1>{}</h1><p>{} · {} initiatives{}{} · torikumi {}</p></header>\n",
        escape(source),
        escape(source),
        doc.format.as_str(),
        initiatives.len(),
        doc.pages
            .map(|p| format!(" · {p} pages"))
            .unwrap_or_default(),
        if doc.format == Format::Pdf {
            format!(" · {placed} boxed")
        } else {
            String::new()
        },
        env!("CARGO_PKG_VERSION")
    );
    if doc.format == Format::Pdf && !doc.page_sizes.is_empty() {
        pdf_pages(doc, initiatives, &mut out);
    } else {
        text_view(doc, initiatives, &mut out);
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_input_highlights_each_initiative() {
        let bytes = "計画\n○研修を開催する<&>\n  続きの行\n本文です\n・相談窓口の設置\n".as_bytes();
        let l = crate::Limits::default();
        let doc = crate::pipeline::read_document(bytes, None, &l).unwrap();
        let out = crate::pipeline::process_bytes(bytes, "t.txt", None, &l);
        assert!(!out.initiatives.is_empty());
        let html = render(&doc, &out.initiatives, "t.txt");
        assert!(html.contains("&lt;&amp;&gt;"), "text is escaped");
        for (k, i) in out.initiatives.iter().enumerate() {
            assert!(html.contains(&format!("id=\"i{}\"", k + 1)));
            assert!(html.contains(&escape(&i.title)));
        }
        assert!(html.contains("class=\"line ini\""));
        assert!(
            !html.contains("class=\"card missing\""),
            "every initiative was located"
        );
    }
}
