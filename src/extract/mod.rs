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
    check_size(bytes, limits)?;
    match format {
        Format::Pdf => pdf::extract(bytes, limits),
        Format::Html => html::extract(bytes, http_charset, limits),
        Format::Text => text::extract(bytes, http_charset, limits),
        Format::Xlsx | Format::Xls | Format::Ods | Format::Docx | Format::Pptx => {
            office::extract(format, bytes, limits)
        }
    }
}

/// [`extract`] on bytes it owns, which it frees as soon as it has no more
/// use for them: an HTML page's once html5ever has read them (before its
/// tree becomes blocks); the other formats' when they are read.
pub fn extract_owned(
    format: Format,
    bytes: Vec<u8>,
    http_charset: Option<&str>,
    limits: &Limits,
) -> Result<Document> {
    check_size(&bytes, limits)?;
    match format {
        Format::Html => html::extract_owned(bytes, http_charset, limits),
        _ => extract(format, &bytes, http_charset, limits),
    }
}

fn check_size(bytes: &[u8], limits: &Limits) -> Result<()> {
    if bytes.len() as u64 > limits.max_input_bytes {
        return Err(Error::new(
            Stage::Extract,
            ErrorKind::LimitExceeded {
                what: "input bytes",
                limit: limits.max_input_bytes,
            },
        ));
    }
    Ok(())
}
