//! `torikumi text`: a document as torikumi reads it, in reading order.

use crate::model::{Block, BlockKind, Document};

/// The document's text: one block a line, a table row's cells separated by a
/// tab at their column positions (a cell's lines joined by a space), pages
/// separated by a form feed.
pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    let mut page = None;
    render_blocks(&doc.blocks, &mut out, &mut page);
    out
}

fn render_blocks(blocks: &[Block], out: &mut String, page: &mut Option<u32>) {
    for b in blocks {
        if b.prov.page.is_some() && page.is_some() && b.prov.page != *page {
            out.push('\u{0C}');
        }
        if b.prov.page.is_some() {
            *page = b.prov.page;
        }
        match &b.kind {
            BlockKind::Table(t) => {
                // Cells at their columns, so that rows line up as TSV even
                // where spans leave a column empty.
                let ncols = t
                    .rows
                    .iter()
                    .flat_map(|r| r.cells.iter().map(|c| (c.col + c.col_span.max(1)) as usize))
                    .max()
                    .unwrap_or(0)
                    .min(512);
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
