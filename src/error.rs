//! Errors of one document's processing.

use std::fmt;

/// Which stage of the pipeline failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading or fetching the bytes.
    Source,
    /// Finding the format and encoding.
    Detect,
    /// Reading the format into blocks.
    Extract,
    /// Finding initiatives.
    Parse,
    /// Writing output.
    Emit,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Source => "source",
            Stage::Detect => "detect",
            Stage::Extract => "extract",
            Stage::Parse => "parse",
            Stage::Emit => "emit",
        })
    }
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    /// An I/O error (missing file, permission denied, ...).
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The input has no bytes.
    #[error("empty file")]
    Empty,
    /// The bytes are not a document torikumi reads (binary data, ...).
    #[error("unsupported content: {0}")]
    Unsupported(String),
    /// The bytes do not decode in their declared or detected encoding.
    #[error("cannot decode text: {0}")]
    Encoding(String),
    /// The document is malformed.
    #[error("malformed {format}: {reason}")]
    Malformed {
        /// pdf, html, ...
        format: &'static str,
        /// Why.
        reason: String,
    },
    /// The document needs a password torikumi does not have.
    #[error("encrypted: {0}")]
    Encrypted(String),
    /// A limit against hostile input was exceeded.
    #[error("limit exceeded: {what} (limit {limit})")]
    LimitExceeded {
        /// Which limit.
        what: &'static str,
        /// Its value.
        limit: u64,
    },
    /// Fetching a URL failed.
    #[error("fetch failed: {0}")]
    Fetch(String),
    /// A bug: processing panicked. Reported for this document only.
    #[error("internal error (panic): {0}")]
    Panic(String),
}

/// An error of one document, with the stage and page where it happened.
/// Boxed so that `Result<T, Error>` stays small.
#[derive(Debug)]
pub struct Error(Box<Inner>);

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    stage: Stage,
    page: Option<u32>,
}

impl Error {
    /// A new error at a stage.
    pub fn new(stage: Stage, kind: impl Into<ErrorKind>) -> Self {
        Error(Box::new(Inner {
            kind: kind.into(),
            stage,
            page: None,
        }))
    }
    /// Shorthand for a malformed-input error in the extract stage.
    pub fn malformed(format: &'static str, reason: impl Into<String>) -> Self {
        Error::new(
            Stage::Extract,
            ErrorKind::Malformed {
                format,
                reason: reason.into(),
            },
        )
    }
    /// Shorthand for a limit error in the extract stage.
    pub fn limit(what: &'static str, limit: u64) -> Self {
        Error::new(Stage::Extract, ErrorKind::LimitExceeded { what, limit })
    }
    /// The same error, located on a page.
    pub fn with_page(mut self, page: u32) -> Self {
        self.0.page = Some(page);
        self
    }
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }
    /// Which stage failed.
    pub fn stage(&self) -> Stage {
        self.0.stage
    }
    /// The page, when known.
    pub fn page(&self) -> Option<u32> {
        self.0.page
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = self.0.page {
            write!(f, "page {p}: ")?;
        }
        write!(f, "{}: {}", self.0.stage, self.0.kind)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.kind.source()
    }
}

/// Result of one document's stage.
pub type Result<T, E = Error> = std::result::Result<T, E>;
