//! Runs the font layer over real PDFs: every Tj/TJ/'/" string of each page
//! (and of the form XObjects it draws) through the matching `Font`, in
//! content-stream order, then compares the characters with the poppler
//! reference `<file>.pdftotext.txt` when one sits beside the PDF.
//!
//! ```text
//! cargo run --example pdf_fonts -- [--text] [--warnings] FILE.pdf...
//! cargo run --example pdf_fonts -- /work/shared/corpus-real/pdfjs/*.pdf
//! ```
//!
//! Columns: glyphs decoded, glyphs with empty text (undecodable), the
//! character-bigram Dice coefficient against the reference after removing
//! white space, raw (`dice`) and after NFKC on both sides (`nfkc`), and the
//! Dice of the NFKC character multisets (`chars`, order-free). Bigram Dice
//! also counts reading-order differences (content-stream order here, layout
//! order in pdftotext); `chars` isolates decoding.
//!
//! Debug aids: `PDF_FONTS_DUMP=1` prints font dictionaries, ToUnicode CMaps,
//! embedded cmap subtables and strings with undecodable glyphs;
//! `PDF_FONTS_WIDTHS=1` prints each glyph's text and advances.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object};
use torikumi::extract::pdf::font::{DecodedGlyph, Font};
use torikumi::limits::Limits;
use unicode_normalization::UnicodeNormalization;

struct Stats {
    glyphs: usize,
    undecodable: usize,
    warnings: Vec<String>,
    /// Undecodable glyphs per font: (font name, code) → count.
    undecodable_codes: BTreeMap<(String, u32), usize>,
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    doc.dereference(o).ok().map(|(_, o)| o)
}

fn fonts_of<'a>(
    doc: &'a Document,
    resources: Option<&'a Dictionary>,
) -> BTreeMap<Vec<u8>, &'a Dictionary> {
    let mut m = BTreeMap::new();
    let Some(fd) = resources
        .and_then(|r| r.get(b"Font").ok())
        .and_then(|o| deref(doc, o))
        .and_then(|o| o.as_dict().ok())
    else {
        return m;
    };
    for (k, v) in fd.iter() {
        if let Some(Object::Dictionary(d)) = deref(doc, v) {
            m.insert(k.clone(), d);
        }
    }
    m
}

#[allow(clippy::too_many_arguments)]
fn run_content(
    doc: &Document,
    content: &[u8],
    fonts: &BTreeMap<Vec<u8>, &Dictionary>,
    resources: Option<&Dictionary>,
    depth: u32,
    limits: &Limits,
    out: &mut String,
    stats: &mut Stats,
) {
    let Ok(ops) = Content::decode(content) else {
        stats.warnings.push("content stream unreadable".into());
        return;
    };
    let mut cache: HashMap<Vec<u8>, Font> = HashMap::new();
    let mut current: Option<Vec<u8>> = None;
    let mut glyphs: Vec<DecodedGlyph> = Vec::new();
    for op in &ops.operations {
        match op.operator.as_str() {
            "gs" | "Do" | "BDC" | "BMC" if std::env::var_os("PDF_FONTS_DUMP").is_some() => {
                eprintln!("OP {} {:?}", op.operator, op.operands);
            }
            "Tf" => {
                if std::env::var_os("PDF_FONTS_DUMP").is_some() {
                    eprintln!("OP Tf {:?}", op.operands);
                }
                if let Some(Object::Name(n)) = op.operands.first() {
                    if !cache.contains_key(n)
                        && let Some(d) = fonts.get(n)
                    {
                        let f = Font::load(doc, d, limits, &mut stats.warnings);
                        if std::env::var_os("PDF_FONTS_DUMP").is_some() {
                            dump_font(doc, d);
                        }
                        cache.insert(n.clone(), f);
                    }
                    current = Some(n.clone());
                }
            }
            "Tj" | "'" | "\"" | "TJ" => {
                let Some(font) = current.as_ref().and_then(|n| cache.get(n)) else {
                    continue;
                };
                let mut strings: Vec<&[u8]> = Vec::new();
                for o in &op.operands {
                    match o {
                        Object::String(s, _) => strings.push(s),
                        Object::Array(a) => {
                            for e in a {
                                if let Object::String(s, _) = e {
                                    strings.push(s);
                                }
                            }
                        }
                        _ => {}
                    }
                }
                for s in strings {
                    glyphs.clear();
                    font.decode(s, &mut glyphs);
                    if std::env::var_os("PDF_FONTS_WIDTHS").is_some() {
                        let w: Vec<String> = glyphs
                            .iter()
                            .map(|g| {
                                format!(
                                    "{:x}:{}={:.3}/{:.3}",
                                    g.code, g.text, g.width, g.vertical_advance
                                )
                            })
                            .collect();
                        eprintln!(
                            "WIDTHS {:?} {} {}",
                            font.kind(),
                            font.base_font(),
                            w.join(" ")
                        );
                    }
                    if std::env::var_os("PDF_FONTS_DUMP").is_some()
                        && glyphs.iter().any(|g| g.text.is_empty())
                    {
                        eprintln!(
                            "UNDECODABLE depth {depth} {} {:02x?} font {:?}",
                            font.base_font(),
                            s,
                            current.as_ref().map(|n| String::from_utf8_lossy(n))
                        );
                    }
                    for g in &glyphs {
                        stats.glyphs += 1;
                        if g.text.is_empty() {
                            stats.undecodable += 1;
                            *stats
                                .undecodable_codes
                                .entry((font.base_font().to_string(), g.code))
                                .or_insert(0) += 1;
                            out.push('\u{FFFD}');
                        } else {
                            out.push_str(&g.text);
                        }
                    }
                }
            }
            "ET" | "T*" => out.push('\n'),
            "Do" if depth < 8 => {
                let Some(Object::Name(n)) = op.operands.first() else {
                    continue;
                };
                let xo = resources
                    .and_then(|r| r.get(b"XObject").ok())
                    .and_then(|o| deref(doc, o))
                    .and_then(|o| o.as_dict().ok())
                    .and_then(|d| d.get(n).ok())
                    .and_then(|o| deref(doc, o));
                if let Some(Object::Stream(s)) = xo {
                    if s.dict.get(b"Subtype").and_then(|o| o.as_name()).ok()
                        != Some(b"Form".as_slice())
                    {
                        continue;
                    }
                    let res = s
                        .dict
                        .get(b"Resources")
                        .ok()
                        .and_then(|o| deref(doc, o))
                        .and_then(|o| o.as_dict().ok());
                    let res = res.or(resources);
                    let f2 = fonts_of(doc, res);
                    if let Ok(data) = s.get_plain_content_with_limit(64 << 20) {
                        run_content(doc, &data, &f2, res, depth + 1, limits, out, stats);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Debug aid (env PDF_FONTS_DUMP=1): the font dictionary and its ToUnicode.
fn dump_font(doc: &Document, d: &Dictionary) {
    eprintln!("FONT {:?}", d);
    if let Some(Object::Stream(s)) = d.get(b"ToUnicode").ok().and_then(|o| deref(doc, o))
        && let Ok(b) = s.get_plain_content_with_limit(1 << 20)
    {
        eprintln!(
            "TOUNICODE {}",
            String::from_utf8_lossy(&b[..b.len().min(3000)])
        );
    }
    if let Some(Object::Dictionary(fd)) = d.get(b"FontDescriptor").ok().and_then(|o| deref(doc, o))
    {
        eprintln!("  DESC {:?}", fd);
        if let Some(Object::Stream(s)) = fd.get(b"FontFile2").ok().and_then(|o| deref(doc, o))
            && let Ok(b) = s.get_plain_content_with_limit(64 << 20)
            && let Ok(raw) = ttf_parser::RawFace::parse(&b, 0)
        {
            for t in raw.table_records {
                eprintln!("  TABLE {}", t.tag);
            }
            if let Some(c) = raw
                .table(ttf_parser::Tag::from_bytes(b"cmap"))
                .and_then(ttf_parser::cmap::Table::parse)
            {
                for sub in c.subtables {
                    let mut v = Vec::new();
                    sub.codepoints(|cp| {
                        if v.len() < 40 {
                            v.push((cp, sub.glyph_index(cp).map(|g| g.0)))
                        }
                    });
                    eprintln!("  CMAP {:?} {} {:x?}", sub.platform_id, sub.encoding_id, v);
                }
            }
        }
    }
    for key in [&b"DescendantFonts"[..], b"Encoding"] {
        if let Some(o) = d.get(key).ok().and_then(|o| deref(doc, o)) {
            eprintln!("  {} = {:?}", String::from_utf8_lossy(key), o);
        }
    }
}

fn bigrams(s: &str) -> HashMap<(char, char), usize> {
    let chars: Vec<char> = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{FFFD}')
        .collect();
    let mut m = HashMap::new();
    for w in chars.windows(2) {
        *m.entry((w[0], w[1])).or_insert(0) += 1;
    }
    m
}

fn dice(a: &str, b: &str) -> f64 {
    let (x, y) = (bigrams(a), bigrams(b));
    let (nx, ny): (usize, usize) = (x.values().sum(), y.values().sum());
    if nx + ny == 0 {
        return 1.0;
    }
    let common: usize = x
        .iter()
        .map(|(k, v)| (*v).min(*y.get(k).unwrap_or(&0)))
        .sum();
    2.0 * common as f64 / (nx + ny) as f64
}

/// Dice of the character multisets (order-free), white space and U+FFFD removed.
fn char_dice(a: &str, b: &str) -> f64 {
    let count = |t: &str| {
        let mut m: HashMap<char, usize> = HashMap::new();
        for c in t.chars().filter(|c| !c.is_whitespace() && *c != '\u{FFFD}') {
            *m.entry(c).or_insert(0) += 1;
        }
        m
    };
    let (x, y) = (count(a), count(b));
    let (nx, ny): (usize, usize) = (x.values().sum(), y.values().sum());
    if nx + ny == 0 {
        return 1.0;
    }
    let common: usize = x
        .iter()
        .map(|(k, v)| (*v).min(*y.get(k).unwrap_or(&0)))
        .sum();
    2.0 * common as f64 / (nx + ny) as f64
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_text = args.iter().any(|a| a == "--text");
    let show_warn = args.iter().any(|a| a == "--warnings");
    let limits = Limits::default();
    println!(
        "{:<44} {:>5} {:>7} {:>6} {:>6} {:>6} {:>6}",
        "file", "pages", "glyphs", "undec", "dice", "nfkc", "chars"
    );
    for path in args.iter().filter(|a| !a.starts_with("--")) {
        let name = Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let doc = match Document::load(path) {
            Ok(d) => d,
            Err(e) => {
                println!("{name:<44} load error: {e}");
                continue;
            }
        };
        let mut stats = Stats {
            glyphs: 0,
            undecodable: 0,
            warnings: Vec::new(),
            undecodable_codes: BTreeMap::new(),
        };
        let mut all = String::new();
        let pages = doc.get_pages();
        for (no, id) in &pages {
            let fonts = doc.get_page_fonts(*id).unwrap_or_default();
            let resources = doc.get_page_resources(*id).ok().and_then(|(r, ids)| {
                r.or_else(|| ids.first().and_then(|i| doc.get_dictionary(*i).ok()))
            });
            let content = doc
                .get_page_content_with_limit(*id, 64 << 20)
                .unwrap_or_default();
            let mut text = String::new();
            run_content(
                &doc, &content, &fonts, resources, 0, &limits, &mut text, &mut stats,
            );
            if show_text {
                println!("--- {name} page {no}\n{text}");
            }
            all.push_str(&text);
        }
        // The poppler reference, else (corpus-dev) the source text `<stem>.txt`
        // of `<stem>.lo.pdf` / `<stem>.chromium.pdf`.
        let stem = path
            .trim_end_matches(".pdf")
            .trim_end_matches(".lo")
            .trim_end_matches(".chromium");
        let reference = std::fs::read_to_string(format!("{path}.pdftotext.txt"))
            .or_else(|_| std::fs::read_to_string(format!("{stem}.txt")))
            .ok();
        let (d, dn, dc) = match &reference {
            Some(r) => {
                let a: String = all.nfkc().collect();
                let b: String = r.nfkc().collect();
                (
                    format!("{:.3}", dice(&all, r)),
                    format!("{:.3}", dice(&a, &b)),
                    format!("{:.3}", char_dice(&a, &b)),
                )
            }
            None => ("-".into(), "-".into(), "-".into()),
        };
        println!(
            "{name:<44} {:>5} {:>7} {:>6} {:>6} {:>6} {:>6}",
            pages.len(),
            stats.glyphs,
            stats.undecodable,
            d,
            dn,
            dc
        );
        if let (true, Some(r)) = (show_warn, &reference) {
            // Characters (NFKC) this decoder gives more or fewer often than the reference.
            let count = |t: &str| {
                let mut m: HashMap<char, i64> = HashMap::new();
                for c in t.nfkc().filter(|c| !c.is_whitespace()) {
                    *m.entry(c).or_insert(0) += 1;
                }
                m
            };
            let (a, b) = (count(&all), count(r));
            let mut diff: Vec<(char, i64)> = a
                .keys()
                .chain(b.keys())
                .map(|c| (*c, a.get(c).unwrap_or(&0) - b.get(c).unwrap_or(&0)))
                .collect();
            diff.sort_by_key(|d| (-d.1, d.0));
            diff.dedup();
            let more: String = diff
                .iter()
                .filter(|d| d.1 > 0)
                .take(25)
                .map(|d| format!("{}:{} ", d.0, d.1))
                .collect();
            let less: String = diff
                .iter()
                .rev()
                .filter(|d| d.1 < 0)
                .take(25)
                .map(|d| format!("{}:{} ", d.0, -d.1))
                .collect();
            println!("    more than reference: {more}");
            println!("    fewer than reference: {less}");
        }
        if show_warn {
            stats.warnings.sort();
            stats.warnings.dedup();
            for w in &stats.warnings {
                println!("    warning: {w}");
            }
            for ((f, code), n) in stats.undecodable_codes.iter().take(40) {
                println!("    undecodable: font {f} code {code:#06x} x{n}");
            }
        }
    }
}
