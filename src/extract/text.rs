//! Plain text: one [`BlockKind::Line`] per non-empty line; runs of
//! tab-separated lines become tables, whose cells may hold HTML list markup
//! (as report tables pasted from web pages do).

use crate::detect;
use crate::error::{Error, ErrorKind, Result, Stage};
use crate::limits::Limits;
use crate::model::{Block, BlockKind, Cell, Document, Format, Provenance, Row, Table};

/// Decodes text bytes (BOM, HTTP charset, or detection) and splits them into
/// lines and tables.
pub fn extract(bytes: &[u8], http_charset: Option<&str>, limits: &Limits) -> Result<Document> {
    let (enc, _) = detect::encoding(bytes, http_charset, false);
    let (text, _, had_errors) = enc.decode(bytes);
    let mut doc = Document::new(Format::Text);
    if had_errors {
        let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
        if bad * 100 > text.chars().count().max(1) {
            return Err(Error::new(
                Stage::Extract,
                ErrorKind::Encoding(format!(
                    "not valid {} text ({bad} malformed sequences)",
                    enc.name()
                )),
            ));
        }
        doc.warnings.push(format!(
            "{bad} malformed {} byte sequences replaced by U+FFFD",
            enc.name()
        ));
    }
    if text.trim().is_empty() {
        return Err(Error::new(Stage::Extract, ErrorKind::Empty));
    }
    let lines: Vec<(usize, &str)> = text.lines().enumerate().map(|(i, l)| (i + 1, l)).collect();
    let mut i = 0;
    while i < lines.len() {
        let (no, line) = lines[i];
        if line.contains('\t') && line.split('\t').filter(|c| !c.trim().is_empty()).count() >= 2 {
            let start = i;
            while i + 1 < lines.len() && lines[i + 1].1.contains('\t') {
                i += 1;
            }
            doc.blocks.push(table(&lines[start..=i], limits));
        } else if !line.trim().is_empty() {
            doc.blocks.push(Block {
                kind: BlockKind::Line {
                    text: line.to_string(),
                },
                prov: Provenance::line(no as u32),
            });
        }
        i += 1;
    }
    Ok(doc)
}

/// A run of tab-separated lines. Empty cells are left out (a row label left
/// empty continues the one above, as a row span would); cells holding
/// markup are read as HTML fragments.
///
/// Rows that run one column further right than the first (header) row — an
/// extra leading label column the header does not show, as copied tables
/// have — are aligned to it by their last cell.
fn table(lines: &[(usize, &str)], limits: &Limits) -> Block {
    let last_filled = |line: &str| {
        line.split('\t')
            .enumerate()
            .filter(|(_, c)| !c.trim().is_empty())
            .map(|(i, _)| i)
            .last()
    };
    let header_last = lines.first().and_then(|(_, l)| last_filled(l)).unwrap_or(0);
    let mut table = Table::default();
    for &(no, line) in lines {
        let mut row = Row::default();
        let shift = last_filled(line).unwrap_or(0).saturating_sub(header_last);
        for (col, cell) in line.split('\t').enumerate() {
            let cell = cell.trim();
            if cell.is_empty() || col < shift {
                continue;
            }
            let col = col - shift;
            let blocks = if cell.contains('<') && cell.contains('>') {
                super::html::fragment_blocks(cell, limits)
            } else {
                vec![Block {
                    kind: BlockKind::Line {
                        text: cell.to_string(),
                    },
                    prov: Provenance::line(no as u32),
                }]
            };
            row.cells.push(Cell {
                header: false,
                col: col as u32,
                col_span: 1,
                row_span: 1,
                blocks,
                prov: Provenance::line(no as u32),
            });
        }
        table.rows.push(row);
    }
    Block {
        kind: BlockKind::Table(table),
        prov: Provenance::line(lines.first().map(|l| l.0 as u32).unwrap_or(0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_tables() {
        let doc = extract(
            "見出し\n\n区分\t主な取組\n総合\t<ul><li>○研修</li></ul>\n\t○会議\n終わり\n".as_bytes(),
            None,
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(doc.blocks.len(), 3);
        assert_eq!(
            doc.blocks[0].kind,
            BlockKind::Line {
                text: "見出し".into()
            }
        );
        let BlockKind::Table(t) = &doc.blocks[1].kind else {
            panic!()
        };
        assert_eq!(t.rows.len(), 3);
        assert_eq!(
            t.rows[1].cells[1].blocks[0].kind,
            BlockKind::ListItem {
                depth: 0,
                implicit_marker: Some("•".into()),
                text: "○研修".into()
            }
        );
        assert_eq!(t.rows[2].cells.len(), 1);
        assert_eq!(t.rows[2].cells[0].col, 1);
        assert_eq!(doc.blocks[2].prov.line, Some(6));
    }

    #[test]
    fn shift_jis_text_is_detected() {
        let (bytes, _, _) =
            encoding_rs::SHIFT_JIS.encode("○北海道の地域づくりを支援する取組を実施\n");
        let doc = extract(&bytes, None, &Limits::default()).unwrap();
        assert_eq!(
            doc.blocks[0].kind,
            BlockKind::Line {
                text: "○北海道の地域づくりを支援する取組を実施".into()
            }
        );
    }

    #[test]
    fn blank_text_is_an_error() {
        assert!(extract(b"  \n\n", None, &Limits::default()).is_err());
    }
}
