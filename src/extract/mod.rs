//! Extraction: the bytes of one format → a [`Document`] of blocks with provenance.

pub mod html;
pub mod office;
pub mod pdf;
pub mod text;

use crate::error::{Error, ErrorKind, Result, Stage};
use crate::limits::Limits;
use crate::model::{Document, Format};

/// Reads `bytes` of a known format. `http_charset` is the charset of an HTTP
/// `Content-Type` header, which wins over the document's own declaration.
pub fn extract(
    format: Format,
    bytes: &[u8],
    http_charset: Option<&str>,
    limits: &Limits,
) -> Result<Document> {
    if bytes.len() as u64 > limits.max_input_bytes {
        return Err(Error::new(
            Stage::Extract,
            ErrorKind::LimitExceeded {
                what: "input bytes",
                limit: limits.max_input_bytes,
            },
        ));
    }
    match format {
        Format::Pdf => pdf::extract(bytes, limits),
        Format::Html => html::extract(bytes, http_charset, limits),
        Format::Text => text::extract(bytes, http_charset, limits),
        Format::Xlsx | Format::Xls | Format::Ods | Format::Docx | Format::Pptx => {
            office::extract(format, bytes, limits)
        }
    }
}
