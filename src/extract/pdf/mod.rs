//! PDF reader: file structure from lopdf; fonts, positions, reading order and
//! tables are ours.

pub mod font;

use crate::error::{Error, ErrorKind, Result, Stage};
use crate::limits::Limits;
use crate::model::Document;

/// Reads a PDF into blocks: lines in reading order and tables, with page and
/// position on each.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Document> {
    let _ = (bytes, limits);
    Err(Error::new(
        Stage::Extract,
        ErrorKind::Unsupported("PDF reading is not implemented yet".into()),
    ))
}
