//! Limits against hostile input. Exceeding one ends that document with an
//! error; the batch goes on.

use std::time::Duration;

/// Bounds on the work one document may cause.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest input accepted, in bytes.
    pub max_input_bytes: u64,
    /// Largest decompressed size of one PDF stream or Office zip part, in
    /// bytes (all parts of one Office file together: 4 times this).
    pub max_stream_bytes: u64,
    /// Most pages read from one PDF (sheets of a workbook, slides of a presentation).
    pub max_pages: u32,
    /// Most objects in one PDF (cells in one workbook; cells in the used
    /// range of one `.xls` sheet, which calamine allocates whole).
    pub max_objects: u32,
    /// Deepest nesting (PDF arrays, form XObjects, HTML elements; Office
    /// XML elements: 8 times this).
    pub max_depth: u32,
    /// Wall time one document may take.
    pub max_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 256 << 20,
            max_stream_bytes: 64 << 20,
            max_pages: 5_000,
            max_objects: 2_000_000,
            max_depth: 64,
            max_time: Duration::from_secs(60),
        }
    }
}
