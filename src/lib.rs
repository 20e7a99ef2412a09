//! torikumi (取組): Japanese prefectural and municipal reports in, a JSON Lines
//! dataset of the initiatives they list out.
//!
//! The pipeline reads as its stages, data flowing one way:
//!
//! 1. [`source`]: paths, directories, globs, manifests and URLs → bytes;
//! 2. [`detect`]: format and character encoding from the bytes;
//! 3. [`extract`]: HTML, PDF or text → a [`model::Document`] of blocks with provenance;
//! 4. [`normalize`]: NFKC with the exceptions Japanese reports need;
//! 5. [`parse`]: sections, initiatives, dates, codes, quantities, owners, KPIs;
//! 6. [`emit`]: JSON Lines (and Parquet, CSV) files, written atomically, and their JSON Schema.
//!
//! [`pipeline`] ties them together for one document and for a batch;
//! [`mapper`] streams paths in and tagged records out, for Spark, Hadoop
//! streaming and GNU parallel; [`view`] draws one document's findings as an
//! HTML page.
#![deny(missing_docs)]

// Linked in for `mi_collect` (memory::give_back), also where
// mimalloc is not the global allocator (the library's own tests).
#[cfg(feature = "mimalloc")]
use mimalloc as _;

pub mod detect;
pub mod emit;
pub mod error;
pub mod extract;
pub mod limits;
pub mod mapper;
mod memory;
pub mod model;
pub mod normalize;
pub mod parse;
pub mod pipeline;
pub mod source;
pub mod train;
pub mod view;

pub use error::{Error, ErrorKind, Result, Stage};
pub use limits::Limits;
pub use model::{Block, BlockKind, Document, Format};
