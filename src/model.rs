//! The data model shared by every stage.
//!
//! Extractors (HTML, PDF, text) turn bytes into a [`Document`]: a flat list of
//! [`Block`]s in reading order, each with its [`Provenance`]. The parser turns
//! blocks into output records ([`InitiativeRecord`], [`DocumentRecord`],
//! [`KpiRecord`]). The records' field order is the output's key order.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The format of an input, found from its bytes (never its file name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A PDF file (`%PDF-` near the start).
    Pdf,
    /// An HTML page.
    Html,
    /// Plain text.
    Text,
    /// An Excel workbook (Office Open XML, `.xlsx`/`.xlsm`).
    Xlsx,
    /// An Excel 5.0–2003 workbook (BIFF5 or BIFF8 in an OLE2 compound file, `.xls`).
    Xls,
    /// An OpenDocument spreadsheet (`.ods`).
    Ods,
    /// A Word document (Office Open XML, `.docx`).
    Docx,
    /// A PowerPoint presentation (Office Open XML, `.pptx`).
    Pptx,
}

impl Format {
    /// The name written to `documents.jsonl`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Text => "text",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Docx => "docx",
            Format::Pptx => "pptx",
        }
    }
}

/// A rectangle on a PDF page in PDF user space (points, origin bottom left).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct BBox {
    /// Left edge.
    pub x0: f32,
    /// Bottom edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Top edge.
    pub y1: f32,
}

/// Where a block came from in its source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Provenance {
    /// 1-based PDF page.
    pub page: Option<u32>,
    /// 1-based line in a text file.
    pub line: Option<u32>,
    /// Position on the page (PDF).
    pub bbox: Option<BBox>,
    /// 0-based position of the element among the HTML document's elements (HTML).
    pub element: Option<u32>,
    /// Font size in points of the block's text, where the source gives one (PDF).
    pub size: Option<f32>,
    /// The block's text is set in bold. PDF: at least 80% of a line's
    /// visible glyphs are bold (a bold font by name or descriptor, text
    /// filled and stroked, or a glyph drawn twice a hair apart). HTML: all
    /// its visible text is inside `<b>`, `<strong>` or an inline
    /// `font-weight` of bold or 600 and more (a heading is not bold by its
    /// tag alone). On a table cell: all the cell's text blocks are bold.
    pub bold: bool,
}

impl Provenance {
    /// Provenance of a line of a text or HTML source.
    pub fn line(line: u32) -> Self {
        Provenance {
            line: Some(line),
            ..Default::default()
        }
    }
    /// Provenance of an HTML element, by its position among the document's elements.
    pub fn element(index: u32) -> Self {
        Provenance {
            element: Some(index),
            ..Default::default()
        }
    }
    /// Provenance of something on a PDF page.
    pub fn page(page: u32, bbox: Option<BBox>) -> Self {
        Provenance {
            page: Some(page),
            bbox,
            ..Default::default()
        }
    }
}

/// One unit of a document's content, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// What the block is.
    pub kind: BlockKind,
    /// Where it came from.
    pub prov: Provenance,
}

/// What a block is. Text is stored as extracted (not normalized): the
/// normalizer maps blocks to blocks, and bullet markers are read before it.
#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    /// A heading the source marks as one (HTML h1–h6, a large bold PDF line).
    Heading {
        /// 1 (outermost) to 6.
        level: u8,
        /// The heading's text.
        text: String,
    },
    /// A logical paragraph whose extent the source marks (HTML `<p>`, `<div>` text).
    Paragraph {
        /// The paragraph's text; explicit breaks (`<br>`) kept as `\n`.
        text: String,
    },
    /// A physical line of a text file or PDF page. Whether it starts an item,
    /// continues the previous one or is a heading is the parser's decision.
    Line {
        /// The line's text.
        text: String,
    },
    /// A list item the source marks as one (HTML `<li>`).
    ListItem {
        /// Nesting depth, 0 for a top-level list.
        depth: u8,
        /// The marker the list draws when the text prints none:
        /// "•" for `<ul>`, "N." for `<ol>`; `None` when the list draws none.
        implicit_marker: Option<String>,
        /// The item's own text (nested lists follow as their own blocks).
        text: String,
    },
    /// A table.
    Table(Table),
}

impl BlockKind {
    /// The block's text, or `None` for a table.
    pub fn text(&self) -> Option<&str> {
        match self {
            BlockKind::Heading { text, .. }
            | BlockKind::Paragraph { text }
            | BlockKind::Line { text }
            | BlockKind::ListItem { text, .. } => Some(text),
            BlockKind::Table(_) => None,
        }
    }
}

/// A table: rows of cells, spans resolved by the extractor.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Rows, top to bottom.
    pub rows: Vec<Row>,
}

impl Table {
    /// Number of columns: the furthest right any cell reaches, capped at 512
    /// (a hostile `colspan` must not make callers allocate without bound).
    pub fn column_count(&self) -> usize {
        self.rows
            .iter()
            .flat_map(|r| {
                r.cells
                    .iter()
                    .map(|c| c.col.saturating_add(c.col_span.max(1)) as usize)
            })
            .max()
            .unwrap_or(0)
            .min(512)
    }
}

/// One table row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    /// Cells, left to right, as they appear in the source: a cell that a
    /// span from an earlier row covers is not repeated here.
    pub cells: Vec<Cell>,
}

/// One table cell.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cell {
    /// True for a header cell (`<th>`, or a row the extractor took as a header).
    pub header: bool,
    /// 0-based column where the cell starts, spans of earlier rows accounted for.
    pub col: u32,
    /// Columns the cell spans (at least 1).
    pub col_span: u32,
    /// Rows the cell spans (at least 1).
    pub row_span: u32,
    /// The cell's content as blocks (paragraphs, list items, lines).
    pub blocks: Vec<Block>,
    /// Where the cell came from.
    pub prov: Provenance,
}

impl Cell {
    /// The cell's text: its blocks' texts joined by newlines.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            if let Some(t) = b.kind.text() {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(t);
            }
        }
        out
    }
}

/// A document as an extractor read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The detected format.
    pub format: Format,
    /// Title from metadata (`<title>`, PDF `/Title`), if any.
    pub title: Option<String>,
    /// Page count (PDF).
    pub pages: Option<u32>,
    /// Width and height in points of each page as displayed (PDF: crop box,
    /// rotation applied), the space block boxes are in; empty for other formats.
    pub page_sizes: Vec<(f32, f32)>,
    /// Content in reading order.
    pub blocks: Vec<Block>,
    /// Things the reader noticed but could work around.
    pub warnings: Vec<String>,
}

impl Document {
    /// An empty document of a format.
    pub fn new(format: Format) -> Self {
        Document {
            format,
            title: None,
            pages: None,
            page_sizes: Vec::new(),
            blocks: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

// ------------------------------------------------------------------ records

/// Writes a whole number without a fractional part (5000, not 5000.0), so
/// that counts read as counts in JSON.
fn number<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

/// A date or fiscal-year expression found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Period {
    /// The expression as printed (after normalization).
    pub raw: String,
    /// ISO partial date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub start: String,
    /// ISO partial date, equal to `start` for a single point; `None` for an open range.
    pub end: Option<String>,
}

/// A number with a counter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Quantity {
    /// The expression as printed (after normalization).
    pub raw: String,
    /// The value, with 万/億 applied for counters other than money.
    #[serde(serialize_with = "number")]
    pub value: f64,
    /// The counter as printed after normalization (件, 人, 千円, %, ...).
    pub unit: String,
}

/// One line of `documents.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DocumentRecord {
    /// Path relative to the input root, or the URL.
    pub source: String,
    /// SHA-256 of the input bytes, hex.
    pub sha256: String,
    /// `pdf`, `html`, `text`, `xlsx`, `xls`, `ods`, `docx` or `pptx`; `null` when the bytes could not be read at all.
    pub format: Option<Format>,
    /// Page count (PDF), sheets (workbooks), slides (presentations).
    pub pages: Option<u32>,
    /// The document's title.
    pub title: Option<String>,
    /// How many initiatives were found.
    pub initiatives: usize,
    /// Things noticed and worked around.
    pub warnings: Vec<String>,
    /// Why the document could not be read, or `null`.
    pub error: Option<String>,
    /// Details of a fetched document (URL inputs only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetch: Option<FetchInfo>,
}

impl DocumentRecord {
    /// The record of `source` before anything is known of it: no format,
    /// pages, title, initiatives, warnings, error or fetch details.
    pub fn new(source: impl Into<String>, sha256: impl Into<String>) -> Self {
        DocumentRecord {
            source: source.into(),
            sha256: sha256.into(),
            format: None,
            pages: None,
            title: None,
            initiatives: 0,
            warnings: Vec::new(),
            error: None,
            fetch: None,
        }
    }
}

/// How a URL input was fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FetchInfo {
    /// The URL after redirects.
    pub final_url: String,
    /// HTTP status of the final response (304 when served from the cache after revalidation).
    pub status: u16,
    /// When it was fetched, RFC 3339 UTC.
    pub fetched_at: String,
    /// Whether the body came from the cache.
    pub from_cache: bool,
}

/// One line of `initiatives.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InitiativeRecord {
    /// First 12 hex of the document's sha256, `-`, ordinal.
    pub id: String,
    /// As in documents.jsonl.
    pub source: String,
    /// 0-based position in the document.
    pub ordinal: usize,
    /// 1-based PDF page where the initiative starts.
    pub page: Option<u32>,
    /// Box of the initiative's lines on its first page, `[x0, y0, x1, y1]` in
    /// PDF points (origin at the bottom left of the displayed page, y up),
    /// rounded to 0.01 pt. PDF input only: the key is absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[f64; 4]>,
    /// Heading path, outermost first.
    pub section: Vec<String>,
    /// Innermost row label of a table row.
    pub category: Option<String>,
    /// Other non-empty cells of a table row, keyed by their lowest header cell.
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// The bullet printed at the start of the item ("" for a table row).
    pub marker: String,
    /// First logical line without its bullet.
    pub title: String,
    /// The whole item, normalized, bullet removed.
    pub text: String,
    /// Policy codes attached to it.
    pub policy_codes: Vec<String>,
    /// Date and fiscal-year expressions, in order.
    pub periods: Vec<Period>,
    /// Sorted unique fiscal years the periods touch.
    pub fiscal_years: Vec<i32>,
    /// Numbers with counters.
    pub quantities: Vec<Quantity>,
    /// Responsible bodies named in parentheses after the text.
    pub orgs: Vec<String>,
    /// Region tags such as 【宗谷】, without brackets.
    pub regions: Vec<String>,
}

/// A fiscal year with a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct YearValue {
    /// Gregorian fiscal year.
    pub fiscal_year: i32,
    /// The value in the indicator's unit.
    #[serde(serialize_with = "number")]
    pub value: f64,
}

/// A fiscal year with a progress rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct YearPercent {
    /// Gregorian fiscal year.
    pub fiscal_year: i32,
    /// Progress in percent.
    pub percent: f64,
}

/// One line of `kpis.jsonl`: one indicator in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KpiRecord {
    /// Indicator name, without its bullet.
    pub name: String,
    /// Region or area the row is for.
    pub region: Option<String>,
    /// Unit of the values (カ所, %, ...).
    pub unit: Option<String>,
    /// Baseline year and value.
    pub baseline: Option<YearValue>,
    /// Values per year between baseline and target.
    pub values: Vec<YearValue>,
    /// Target year and value.
    pub target: Option<YearValue>,
    /// Progress rates per year.
    pub progress: Vec<YearPercent>,
    /// Notes printed with the row (e.g. 見直し前38カ所).
    pub notes: Vec<String>,
    /// As in documents.jsonl.
    pub source: String,
    /// 1-based PDF page.
    pub page: Option<u32>,
}
