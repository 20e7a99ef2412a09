//! `torikumi text`: a document as torikumi reads it, in reading order.

use crate::model::{Block, BlockKind, Document};

/// The document's text: one block a line, a table row's cells separated by a
/// tab at their column positions (a cell's lines joined by a space), pages
/// separated by a form feed. A page without text still counts: the n-th
/// page's text follows the (n-1)-th form feed, as with pdftotext.
pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    // Pages are numbered from 1: "page 0" ends before the first one.
    let mut page = doc.pages.map(|_| 1);
    render_blocks(&doc.blocks, &mut out, &mut page);
    if let (Some(n), Some(last)) = (doc.pages, page) {
        // Empty pages at the end.
        for _ in last..n.min(last.saturating_add(100_000)) {
            out.push('\u{0C}');
        }
    }
    out
}

fn render_blocks(blocks: &[Block], out: &mut String, page: &mut Option<u32>) {
    for b in blocks {
        if let (Some(p), Some(q)) = (b.prov.page, *page)
            && p != q
        {
            // One form feed per page boundary, so that empty pages keep their place.
            let n = p.saturating_sub(q).clamp(1, 100_000);
            for _ in 0..n {
                out.push('\u{0C}');
            }
        }
        if b.prov.page.is_some() {
            *page = b.prov.page;
        }
        match &b.kind {
            BlockKind::Table(t) => {
                // Cells at their columns, so that rows line up as TSV even
                // where spans leave a column empty.
                let ncols = t.column_count();
                for row in &t.rows {
                    let mut cells = vec![String::new(); ncols];
                    for c in &row.cells {
                        if let Some(slot) = cells.get_mut(c.col as usize) {
                            *slot = c.text().replace('\n', " ");
                        }
                    }
                    out.push_str(cells.join("\t").trim_end_matches('\t'));
                    out.push('\n');
                }
            }
            BlockKind::ListItem {
                depth,
                implicit_marker,
                text,
            } => {
                for _ in 0..*depth {
                    out.push_str("  ");
                }
                if let Some(m) = implicit_marker {
                    out.push_str(m);
                    out.push(' ');
                }
                out.push_str(text);
                out.push('\n');
            }
            other => {
                out.push_str(other.text().unwrap_or(""));
                out.push('\n');
            }
        }
    }
}
