//! `Provenance.bold` on the shipped corpus: the HTML page's `<strong>`
//! paragraphs, and the same page printed to PDF by Chromium and LibreOffice
//! (their bold font faces).

use std::collections::BTreeSet;
use std::path::PathBuf;

use torikumi::limits::Limits;
use torikumi::model::{Block, BlockKind, Format};

fn read(name: &str, format: Format) -> Vec<Block> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    torikumi::extract::extract(format, &bytes, None, &Limits::default())
        .unwrap()
        .blocks
}

/// Text blocks (table cells' included) as (text, bold, is a heading).
fn texts(blocks: &[Block], out: &mut Vec<(String, bool, bool)>) {
    for b in blocks {
        match &b.kind {
            BlockKind::Table(t) => {
                for c in t.rows.iter().flat_map(|r| &r.cells) {
                    texts(&c.blocks, out);
                }
            }
            k => out.push((
                k.text().unwrap_or("").to_string(),
                b.prov.bold,
                matches!(k, BlockKind::Heading { .. }),
            )),
        }
    }
}

/// The texts of the page's `<strong>` elements (none nests markup).
fn strong_texts(html: &str) -> BTreeSet<String> {
    html.split("<strong>")
        .skip(1)
        .filter_map(|s| s.split_once("</strong>"))
        .map(|(t, _)| t.trim().to_string())
        .collect()
}

const PAGE: &str = "002_d177e17a2c8ccc19";

#[test]
fn html_blocks_are_bold_exactly_when_set_in_strong() {
    let html = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("corpus/{PAGE}.html")),
    )
    .unwrap();
    let strong = strong_texts(&html);
    assert!(strong.len() > 50, "{}", strong.len());
    let mut t = Vec::new();
    texts(&read(&format!("{PAGE}.html"), Format::Html), &mut t);
    let bold: BTreeSet<String> = t.iter().filter(|x| x.1).map(|x| x.0.clone()).collect();
    assert_eq!(bold, strong);
}

#[test]
fn pdf_lines_printed_from_strong_are_bold() {
    let html = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("corpus/{PAGE}.html")),
    )
    .unwrap();
    let strong = strong_texts(&html);
    let mut plain = Vec::new();
    texts(&read(&format!("{PAGE}.html"), Format::Html), &mut plain);
    // Regular paragraphs and items of the page. Headings print bold, those
    // of the cover too (read as paragraphs).
    let plain: BTreeSet<String> = plain
        .into_iter()
        .filter(|x| !x.1 && !x.2 && !html.contains(&format!("{}</h", x.0)))
        .map(|x| x.0)
        .collect();
    for renderer in ["chromium", "lo"] {
        let mut lines = Vec::new();
        texts(
            &read(&format!("{PAGE}.{renderer}.pdf"), Format::Pdf),
            &mut lines,
        );
        // Lines that print a whole <strong> text (short ones do not wrap).
        let bold_hits = lines.iter().filter(|l| strong.contains(&l.0)).count();
        let bold_ok = lines
            .iter()
            .filter(|l| strong.contains(&l.0) && l.1)
            .count();
        assert!(bold_hits >= 40, "{renderer}: {bold_hits}");
        assert_eq!(bold_ok, bold_hits, "{renderer}");
        // Lines that print a whole regular paragraph are not bold.
        let regular: Vec<&(String, bool, bool)> =
            lines.iter().filter(|l| plain.contains(&l.0)).collect();
        assert!(regular.len() >= 40, "{renderer}: {}", regular.len());
        let wrong: Vec<&str> = regular
            .iter()
            .filter(|l| l.1)
            .map(|l| l.0.as_str())
            .collect();
        assert!(wrong.is_empty(), "{renderer}: {wrong:?}");
    }
}
