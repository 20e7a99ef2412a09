//! Plain text: one [`BlockKind::Line`] per non-empty line, tab-separated rows
//! as tables.

use crate::detect;
use crate::error::{Error, ErrorKind, Result, Stage};
use crate::limits::Limits;
use crate::model::{Block, BlockKind, Document, Format, Provenance};

/// Decodes text bytes (BOM, HTTP charset, or detection) and splits them into lines.
pub fn extract(bytes: &[u8], http_charset: Option<&str>, limits: &Limits) -> Result<Document> {
    let _ = limits;
    let (enc, _) = detect::encoding(bytes, http_charset, false);
    let (text, _, had_errors) = enc.decode(bytes);
    let mut doc = Document::new(Format::Text);
    if had_errors {
        let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
        if bad * 20 > text.chars().count().max(1) {
            return Err(Error::new(Stage::Extract, ErrorKind::Encoding(format!("not valid {} text", enc.name()))));
        }
        doc.warnings.push(format!("{bad} bytes could not be decoded as {} and were replaced", enc.name()));
    }
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        doc.blocks.push(Block { kind: BlockKind::Line { text: line.to_string() }, prov: Provenance::line(i as u32 + 1) });
    }
    Ok(doc)
}
