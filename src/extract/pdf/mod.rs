//! PDF reader: file structure from lopdf; fonts, positions, reading order and
//! tables are ours.
//!
//! Pipeline per page: [`interp`] runs the content stream into positioned
//! glyphs, ruling lines and shaded areas; [`tables`] rebuilds ruled tables;
//! [`layout`] groups the remaining glyphs into lines and orders lines and
//! tables for reading. Across pages, running headers and footers are dropped
//! and tables that continue on the next page are joined.
//!
//! Debugging: with `TORIKUMI_PDF_DEBUG` set, each page's ruling lines and
//! table grids go to stderr; `TORIKUMI_PDF_GLYPHS` adds every glyph.
//! `TORIKUMI_PDF_DROPPED` reports what is dropped by design, one line each:
//! `dropped<TAB>PAGE<TAB>running|number<TAB>TEXT` for running headers,
//! footers and page numbers, `dropped<TAB>PAGE<TAB>header<TAB>CELL<TAB>CELL…`
//! for a repeated header row of a table continued from the page before, and
//! `joined<TAB>PAGE<TAB>EARLIER` where a table on PAGE continues one on an
//! earlier page and its rows go there (tests/pdftotext_compare.py uses it to
//! compare like with like).

pub mod font;
mod interp;
mod layout;
mod tables;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::time::Instant;

use lopdf::{Dictionary, Object, ObjectId};

use crate::error::{Error, ErrorKind, Result, Stage};
use crate::limits::Limits;
use crate::model::{BBox, Block, BlockKind, Cell, Document, Format, Provenance, Row, Table};
use interp::{FontCache, Interp, Matrix, PageContent, Resources, deref};
use layout::{Split, TextLine};

/// Reads a PDF into blocks: lines in reading order and tables, with page and
/// position on each.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Document> {
    // A panic in lopdf or here on a hostile file ends this document only.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        extract_inner(bytes, limits)
    })) {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "PDF reader".into());
            Err(Error::new(Stage::Extract, ErrorKind::Panic(msg)))
        }
    }
}

fn extract_inner(bytes: &[u8], limits: &Limits) -> Result<Document> {
    let start = Instant::now();
    let mut warnings: Vec<String> = Vec::new();
    let doc = open(bytes, limits, &mut warnings)?;
    let page_ids: Vec<ObjectId> = doc
        .page_iter()
        .take(limits.max_pages as usize + 1)
        .collect();
    if page_ids.len() > limits.max_pages as usize {
        return Err(Error::limit("pages", limits.max_pages as u64));
    }
    let mut out = Document::new(Format::Pdf);
    out.pages = Some(page_ids.len() as u32);
    if page_ids.is_empty() {
        // An empty, broken or looping page tree: say so rather than return
        // a silently empty document.
        warnings.push("no pages found: the page tree is empty, broken or loops".into());
    }
    out.title = info_title(&doc);
    let mut fonts = FontCache::default();
    let mut pages: Vec<PageItems> = Vec::with_capacity(page_ids.len());
    let mut undecodable = 0usize;
    let mut scans: Vec<u32> = Vec::new();
    for (i, &pid) in page_ids.iter().enumerate() {
        let page_no = i as u32 + 1;
        if start.elapsed() > limits.max_time {
            return Err(
                Error::limit("time per document (s)", limits.max_time.as_secs()).with_page(page_no),
            );
        }
        let (pc, geo) =
            interpret_page(&doc, pid, page_no, limits, start, &mut fonts, &mut warnings)?;
        undecodable += pc.undecodable;
        out.page_sizes.push((geo.width, geo.height));
        let area = geo.width * geo.height;
        if pc.glyphs.is_empty() && pc.image_area > 0.3 * area {
            scans.push(page_no);
        }
        pages.push(layout_page(&pc, page_no, geo, &mut warnings));
    }
    if fonts.len() > 0 && undecodable > 0 {
        warnings.push(format!(
            "{undecodable} glyphs could not be mapped to Unicode (shown as U+FFFD)"
        ));
    }
    if scans.len() == pages.len() && !scans.is_empty() {
        warnings.push(if scans.len() == 1 {
            "no text layer: page 1 is an image (scan?)".to_string()
        } else {
            format!(
                "no text layer: all {} pages are images (scan?)",
                scans.len()
            )
        });
    } else {
        for p in &scans {
            warnings.push(format!("no text layer: page {p} is an image (scan?)"));
        }
    }
    drop_running_lines(&mut pages);
    join_tables(&mut pages);
    // Body size: the size most characters of the document's running text
    // (lines outside tables) are set in; with little running text, of all glyphs.
    let mut hist: HashMap<u32, usize> = HashMap::new();
    for p in &pages {
        for it in &p.items {
            if let Item::Line(l) = it
                && l.size.is_finite()
                && l.size > 0.0
                && l.size < 1000.0
            {
                *hist.entry((l.size * 2.0).round() as u32).or_default() += l.chars;
            }
        }
    }
    if hist.values().sum::<usize>() < 200 {
        for p in &pages {
            for (k, n) in &p.sizes {
                *hist.entry(*k).or_default() += n;
            }
        }
    }
    let body = hist
        .iter()
        .max_by_key(|(k, n)| (**n, **k))
        .map_or(0.0, |(k, _)| *k as f32 / 2.0);
    // Heading sizes (half points) in use, for heading levels.
    let mut levels: Vec<u32> = pages
        .iter()
        .flat_map(|p| p.items.iter())
        .filter_map(|it| match it {
            Item::Line(l) if body > 0.0 && l.size / body >= 1.2 && l.chars <= 40 => {
                Some((l.size * 2.0).round() as u32)
            }
            _ => None,
        })
        .collect();
    levels.sort_unstable();
    levels.dedup();
    for p in pages {
        emit_page(p, body, &levels, &mut out.blocks);
    }
    out.warnings = warnings;
    Ok(out)
}

/// Runs one page's content stream: its glyphs (bullet discs included),
/// ruling lines and fills, and the page's geometry.
fn interpret_page(
    doc: &lopdf::Document,
    pid: ObjectId,
    page_no: u32,
    limits: &Limits,
    start: Instant,
    fonts: &mut FontCache,
    warnings: &mut Vec<String>,
) -> Result<(PageContent, PageGeo)> {
    let geo = page_geometry(doc, pid);
    let content = match doc.get_page_content_with_limit(pid, interp::stream_limit(limits)) {
        Ok(c) => c,
        Err(lopdf::Error::Decompress(_)) => {
            return Err(
                Error::limit("decompressed stream bytes", limits.max_stream_bytes)
                    .with_page(page_no),
            );
        }
        Err(e) => {
            warnings.push(format!(
                "page {page_no}: content unreadable ({e}); page skipped"
            ));
            Vec::new()
        }
    };
    let res = page_resources(doc, pid);
    let interp = Interp::new(doc, limits, start, fonts, warnings);
    let mut pc = interp
        .run_page(&content, &res, geo.base)
        .map_err(|e| e.with_page(page_no))?;
    if pc.truncated {
        warnings.push(format!(
            "page {page_no}: too much content; the rest of the page was skipped"
        ));
    }
    let bullets = interp::bullet_discs(&pc.glyphs, &pc.discs);
    pc.glyphs.extend(bullets);
    Ok((pc, geo))
}

/// The reader's inner stages, one at a time, for `benches/pdf.rs`: not part
/// of the library's interface.
#[doc(hidden)]
pub mod stages {
    use super::*;

    /// Every page's content, interpreted.
    pub struct Interpreted(Vec<(PageContent, PageGeo)>);

    impl Interpreted {
        /// How many glyphs the pages hold.
        pub fn glyphs(&self) -> usize {
            self.0.iter().map(|(pc, _)| pc.glyphs.len()).sum()
        }
    }

    /// Runs every page's content stream (fonts loaded on the way).
    pub fn interpret(doc: &lopdf::Document, limits: &Limits) -> Result<Interpreted> {
        let start = Instant::now();
        let mut fonts = FontCache::default();
        let mut warnings = Vec::new();
        let mut pages = Vec::new();
        for (i, pid) in doc.page_iter().enumerate() {
            pages.push(interpret_page(
                doc,
                pid,
                i as u32 + 1,
                limits,
                start,
                &mut fonts,
                &mut warnings,
            )?);
        }
        Ok(Interpreted(pages))
    }

    /// Lines, tables and reading order of every interpreted page; returns
    /// how many lines and tables they make.
    pub fn layout(pages: &Interpreted) -> usize {
        let mut warnings = Vec::new();
        pages
            .0
            .iter()
            .enumerate()
            .map(|(i, (pc, geo))| {
                layout_page(pc, i as u32 + 1, *geo, &mut warnings)
                    .items
                    .len()
            })
            .sum()
    }
}

/// Loads the file with lopdf, within the limits, and deals with encryption.
fn open(bytes: &[u8], limits: &Limits, warnings: &mut Vec<String>) -> Result<lopdf::Document> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(interp::stream_limit(limits)),
        ..Default::default()
    };
    // lopdf must not take the process down on a hostile file.
    let loaded =
        std::panic::catch_unwind(|| lopdf::Document::load_mem_with_options(bytes, options));
    let doc = match loaded {
        Ok(Ok(d)) => d,
        Ok(Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
            ..
        }))) => {
            return Err(Error::limit(
                "decompressed stream bytes",
                limits.max_stream_bytes,
            ));
        }
        Ok(Err(lopdf::Error::InvalidPassword)) => {
            return Err(Error::new(
                Stage::Extract,
                ErrorKind::Encrypted("a password is needed to open it".into()),
            ));
        }
        Ok(Err(e)) => return Err(Error::malformed("pdf", e.to_string())),
        Err(_) => {
            return Err(Error::malformed(
                "pdf",
                "the PDF parser failed on this file",
            ));
        }
    };
    if doc.objects.len() > limits.max_objects as usize {
        return Err(Error::limit("objects", limits.max_objects as u64));
    }
    // lopdf decrypts with the empty user password when it can (and then drops
    // /Encrypt from the trailer); a remaining /Encrypt means it could not.
    if let Some(state) = &doc.encryption_state {
        let algo = match (state.version(), state.revision()) {
            (5, _) | (_, 5) | (_, 6) => "AES-256",
            (4, _) => "RC4/AES-128",
            _ => "RC4",
        };
        if state.permissions().contains(lopdf::Permissions::COPYABLE) {
            warnings.push(format!(
                "encrypted PDF ({algo}) with an empty user password; read anyway"
            ));
        } else {
            warnings.push(format!(
                "encrypted PDF ({algo}) that forbids copying its text; read anyway"
            ));
        }
    } else if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(Error::new(
            Stage::Extract,
            ErrorKind::Encrypted("a user password is needed to open it".into()),
        ));
    }
    if doc.xref_recovery.is_some() {
        warnings.push("cross-reference table was damaged and has been rebuilt".into());
    }
    Ok(doc)
}

/// The /Info /Title, when it names the document rather than the file or the tool.
fn info_title(doc: &lopdf::Document) -> Option<String> {
    let info = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| deref(doc, o))?
        .as_dict()
        .ok()?;
    let raw = match deref(doc, info.get(b"Title").ok()?)? {
        Object::String(s, _) => interp::decode_text_string(s),
        _ => return None,
    };
    let t = raw
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{0}')
        .to_string();
    let lower = t.to_lowercase();
    let junk = t.is_empty()
        || t.contains('\u{FFFD}')
        || [
            "untitled",
            "無題",
            "microsoft word",
            "microsoft excel",
            "powerpoint プレゼンテーション",
            "スライド",
        ]
        .iter()
        .any(|j| lower.starts_with(j))
        || [
            ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".pdf", ".jtd", ".txt", ".html",
            ".htm", ".tmp",
        ]
        .iter()
        .any(|e| lower.ends_with(e))
        || t.chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_punctuation() || c == ' ');
    if junk { None } else { Some(t) }
}

#[derive(Debug, Clone, Copy)]
struct PageGeo {
    base: Matrix,
    width: f32,
    height: f32,
}

fn inherited<'a>(doc: &'a lopdf::Document, page: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut d = doc.get_dictionary(page).ok()?;
    for _ in 0..32 {
        if let Ok(v) = d.get(key) {
            return deref(doc, v);
        }
        d = deref(doc, d.get(b"Parent").ok()?)?.as_dict().ok()?;
    }
    None
}

fn rect_of(o: Option<&Object>, doc: &lopdf::Document) -> Option<[f32; 4]> {
    let a = o?.as_array().ok()?;
    if a.len() != 4 {
        return None;
    }
    let mut v = [0.0f32; 4];
    for (i, x) in a.iter().enumerate() {
        v[i] = deref(doc, x)?.as_float().ok().filter(|f| f.is_finite())?;
    }
    let r = [
        v[0].min(v[2]),
        v[1].min(v[3]),
        v[0].max(v[2]),
        v[1].max(v[3]),
    ];
    (r[2] - r[0] > 1.0 && r[3] - r[1] > 1.0).then_some(r)
}

/// The matrix from user space to display space (crop box at the origin,
/// /Rotate applied), and the displayed size.
fn page_geometry(doc: &lopdf::Document, page: ObjectId) -> PageGeo {
    let media = rect_of(inherited(doc, page, b"MediaBox"), doc).unwrap_or([0.0, 0.0, 612.0, 792.0]);
    let b = rect_of(inherited(doc, page, b"CropBox"), doc).unwrap_or(media);
    let rot = inherited(doc, page, b"Rotate")
        .and_then(|o| o.as_i64().ok())
        .unwrap_or(0)
        .rem_euclid(360);
    let (w, h) = (b[2] - b[0], b[3] - b[1]);
    let shift = Matrix([1.0, 0.0, 0.0, 1.0, -b[0], -b[1]]);
    let (rotm, dw, dh) = match rot {
        90 => (Matrix([0.0, -1.0, 1.0, 0.0, 0.0, w]), h, w),
        180 => (Matrix([-1.0, 0.0, 0.0, -1.0, w, h]), w, h),
        270 => (Matrix([0.0, 1.0, -1.0, 0.0, h, 0.0]), h, w),
        _ => (Matrix::IDENTITY, w, h),
    };
    PageGeo {
        base: shift.mul(&rotm),
        width: dw,
        height: dh,
    }
}

/// The page's resource dictionaries, nearest first (inheritance resolved by lopdf).
fn page_resources(doc: &lopdf::Document, page: ObjectId) -> Resources<'_> {
    let mut dicts: Vec<&Dictionary> = Vec::new();
    if let Ok((direct, ids)) = doc.get_page_resources(page) {
        if let Some(d) = direct {
            dicts.push(d);
        }
        for id in ids {
            if let Ok(d) = doc.get_dictionary(id) {
                dicts.push(d);
            }
        }
    }
    Resources::new(dicts)
}

// ------------------------------------------------------------------ page layout

/// A table of one page, with what joining across pages needs.
#[derive(Debug, Clone)]
struct PageTable {
    table: Table,
    /// Column boundaries (x), to recognise a continuation on the next page.
    xs: Vec<f32>,
    bbox: [f32; 4],
    /// Rows at the top that are shaded like a header.
    header_rows: usize,
}

#[derive(Debug, Clone)]
enum Item {
    Line(TextLine),
    Table(PageTable),
}

#[derive(Debug)]
struct PageItems {
    page: u32,
    height: f32,
    items: Vec<Item>,
    /// Glyph counts by font size (half points), tables included.
    sizes: HashMap<u32, usize>,
}

fn bbox_of(b: [f32; 4]) -> BBox {
    BBox {
        x0: b[0],
        y0: b[1],
        x1: b[2],
        y1: b[3],
    }
}

fn layout_page(pc: &PageContent, page: u32, geo: PageGeo, warnings: &mut Vec<String>) -> PageItems {
    let grids = tables::find_tables(&pc.rules, &pc.fills, warnings);
    if std::env::var_os("TORIKUMI_PDF_DEBUG").is_some() {
        eprintln!(
            "page {page}: {} glyphs, {} rules, {} fills, {} tables",
            pc.glyphs.len(),
            pc.rules.len(),
            pc.fills.len(),
            grids.len()
        );
        for r in &pc.rules {
            eprintln!("  rule {r:?}");
        }
        if std::env::var_os("TORIKUMI_PDF_GLYPHS").is_some() {
            for g in &pc.glyphs {
                eprintln!(
                    "  glyph {:?} {:?} size {:.1} box {:.1} {:.1} {:.1} {:.1}",
                    g.text, g.dir, g.size, g.x0, g.y0, g.x1, g.y1
                );
            }
        }
        for g in &grids {
            eprintln!("  grid xs {:?} ys {:?}", g.xs, g.ys);
        }
    }
    // Glyphs → table cells or free text, by the glyph's centre.
    let mut cell_glyphs: Vec<Vec<Vec<usize>>> = grids
        .iter()
        .map(|g| vec![Vec::new(); g.cells.len()])
        .collect();
    let mut free: Vec<usize> = Vec::new();
    for (i, g) in pc.glyphs.iter().enumerate() {
        let b = g.page_box();
        let (cx, cy) = ((b[0] + b[2]) * 0.5, (b[1] + b[3]) * 0.5);
        let mut placed = false;
        for (t, grid) in grids.iter().enumerate() {
            if let Some(c) = grid.cell_at(cx, cy) {
                cell_glyphs[t][c].push(i);
                placed = true;
                break;
            }
        }
        if !placed {
            free.push(i);
        }
    }
    let mut items: Vec<Item> = Vec::new();
    // Drawn vertical rules, by position, to find text they cut through.
    let mut verticals: Vec<&interp::Rule> = pc.rules.iter().filter(|r| !r.horizontal).collect();
    verticals.sort_by(|a, b| a.pos.total_cmp(&b.pos));
    let mut charts: Vec<[f32; 4]> = Vec::new();
    for (t, grid) in grids.iter().enumerate() {
        let filled_cells = cell_glyphs[t].iter().filter(|c| !c.is_empty()).count();
        let chart = cuts_through_text(&pc.glyphs, &cell_glyphs[t], &verticals);
        if filled_cells < 2 || chart {
            // A frame or a chart, not a table: its text reads as free text.
            for c in &cell_glyphs[t] {
                free.extend(c);
            }
            if chart {
                charts.push(grid.bbox());
            }
            continue;
        }
        items.push(Item::Table(make_table(pc, grid, &cell_glyphs[t], page)));
    }
    free.sort_unstable();
    // The grid lines of a chart run through its labels: they split no line.
    let inside = |r: &interp::Rule, b: &[f32; 4]| {
        let (x0, y0, x1, y1) = if r.horizontal {
            (r.from, r.pos, r.to, r.pos)
        } else {
            (r.pos, r.from, r.pos, r.to)
        };
        x0 >= b[0] - 3.0 && x1 <= b[2] + 3.0 && y0 >= b[1] - 3.0 && y1 <= b[3] + 3.0
    };
    let rules: std::borrow::Cow<[interp::Rule]> = if charts.is_empty() {
        std::borrow::Cow::Borrowed(&pc.rules)
    } else {
        pc.rules
            .iter()
            .filter(|r| !charts.iter().any(|b| inside(r, b)))
            .copied()
            .collect()
    };
    let free_lines = layout::build_lines_ruled(&pc.glyphs, &free, Split::AtGaps, &rules);
    for l in layout::fix_vertical_layout(&pc.glyphs, free_lines, &rules) {
        items.push(Item::Line(l));
    }
    let boxes: Vec<[f32; 4]> = items
        .iter()
        .map(|it| match it {
            Item::Line(l) => l.bbox,
            Item::Table(t) => t.bbox,
        })
        .collect();
    let vertical: Vec<bool> = items
        .iter()
        .map(|it| matches!(it, Item::Line(l) if l.dir == interp::Dir::Down))
        .collect();
    let mut sizes: Vec<f32> = items
        .iter()
        .filter_map(|it| match it {
            Item::Line(l) => Some(l.size),
            _ => None,
        })
        .collect();
    sizes.sort_by(f32::total_cmp);
    let median = sizes.get(sizes.len() / 2).copied().unwrap_or(10.0);
    let chars: Vec<usize> = items
        .iter()
        .map(|it| match it {
            Item::Line(l) => l.chars,
            Item::Table(_) => usize::MAX,
        })
        .collect();
    let order = layout::reading_order(&boxes, &vertical, &chars, median);
    let mut slots: Vec<Option<Item>> = items.into_iter().map(Some).collect();
    let items = order
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect();
    let mut sizes: HashMap<u32, usize> = HashMap::new();
    for g in &pc.glyphs {
        if g.size.is_finite() && g.size > 0.0 && g.size < 1000.0 {
            *sizes.entry((g.size * 2.0).round() as u32).or_default() += 1;
        }
    }
    PageItems {
        page,
        height: geo.height,
        items,
        sizes,
    }
}

/// True when the grid's vertical rules run through its lines of text: in a
/// table, text stays inside its cells; over a chart's grid lines (labels,
/// titles set across the plot) it does not, and read as cells it would be
/// cut apart ("1 地 | 995年3月20日 下鉄…"). At least 3 glyphs, and a twentieth
/// of the grid's, with a drawn rule through their middle half.
fn cuts_through_text(
    glyphs: &[interp::Glyph],
    cells: &[Vec<usize>],
    verticals: &[&interp::Rule],
) -> bool {
    let total: usize = cells.iter().map(Vec::len).sum();
    let mut cut = 0usize;
    for &i in cells.iter().flatten() {
        let g = &glyphs[i];
        if g.dir != interp::Dir::Right || g.text.chars().all(char::is_whitespace) {
            continue;
        }
        let b = g.page_box();
        let w = b[2] - b[0];
        let (lo, hi) = (b[0] + 0.25 * w, b[2] - 0.25 * w);
        let cy = (b[1] + b[3]) * 0.5;
        let start = verticals.partition_point(|r| r.pos <= lo);
        if verticals[start..]
            .iter()
            .take_while(|r| r.pos < hi)
            .any(|r| r.from <= cy && r.to >= cy)
        {
            cut += 1;
        }
    }
    cut >= 3 && cut * 20 >= total
}

fn make_table(
    pc: &PageContent,
    grid: &tables::Grid,
    cell_glyphs: &[Vec<usize>],
    page: u32,
) -> PageTable {
    let nrows = grid.ys.len().saturating_sub(1);
    let ncols = grid.xs.len().saturating_sub(1);
    // Compact away grid rows and columns where no cell starts (rule ends, slivers).
    let mut row_used = vec![false; nrows];
    let mut col_used = vec![false; ncols];
    for c in &grid.cells {
        row_used[c.row] = true;
        col_used[c.col] = true;
    }
    let row_map: Vec<usize> = prefix_index(&row_used);
    let col_map: Vec<usize> = prefix_index(&col_used);
    let mut rows: Vec<Row> = (0..row_used.iter().filter(|&&u| u).count())
        .map(|_| Row::default())
        .collect();
    let mut row_filled: Vec<bool> = vec![true; rows.len()];
    let mut filled_at: std::collections::HashSet<(usize, u32)> = Default::default();
    for (ci, c) in grid.cells.iter().enumerate() {
        let mut lines = layout::build_lines(&pc.glyphs, &cell_glyphs[ci], Split::Never);
        let boxes: Vec<[f32; 4]> = lines.iter().map(|l| l.bbox).collect();
        let vertical: Vec<bool> = lines.iter().map(|l| l.dir == interp::Dir::Down).collect();
        let chars: Vec<usize> = lines.iter().map(|l| l.chars).collect();
        let order = layout::reading_order(&boxes, &vertical, &chars, f32::MAX);
        let mut slots: Vec<Option<TextLine>> = lines.drain(..).map(Some).collect();
        let ordered: Vec<TextLine> = order
            .into_iter()
            .filter_map(|i| slots.get_mut(i).and_then(Option::take))
            .collect();
        let blocks: Vec<Block> = join_wrapped_dots(ordered)
            .into_iter()
            .map(|l| {
                let mut prov = Provenance::page(page, Some(bbox_of(l.bbox)));
                prov.bold = l.bold;
                Block {
                    kind: BlockKind::Line { text: l.text },
                    prov,
                }
            })
            .collect();
        // A cell is bold when all its lines are.
        let mut prov = Provenance::page(page, Some(bbox_of(c.bbox)));
        prov.bold = !blocks.is_empty() && blocks.iter().all(|b| b.prov.bold);
        let r = row_map[c.row];
        let col = col_map[c.col];
        let col_span = (c.col..c.col + c.col_span)
            .filter(|&k| col_used.get(k).copied().unwrap_or(false))
            .count()
            .max(1);
        let row_span = (c.row..c.row + c.row_span)
            .filter(|&k| row_used.get(k).copied().unwrap_or(false))
            .count()
            .max(1);
        if !c.filled {
            row_filled[r] = false;
        } else {
            filled_at.insert((r, col as u32));
        }
        rows[r].cells.push(Cell {
            header: false,
            col: col as u32,
            col_span: col_span as u32,
            row_span: row_span as u32,
            blocks,
            prov,
        });
    }
    for r in &mut rows {
        r.cells.sort_by_key(|c| c.col);
    }
    // Header: the top rows shaded in every cell, when the body is not.
    let mut header_rows = row_filled.iter().take_while(|&&f| f).count();
    if header_rows == rows.len() {
        header_rows = 0;
    }
    // Unshaded, a multi-level header still shows: a top row whose cells
    // group columns (a column span), with the lower header level under it.
    if header_rows == 0 && rows.len() > 3 {
        let top = &rows[0].cells;
        if top.len() > 1 && top.iter().any(|c| c.col_span > 1) {
            let depth = top.iter().map(|c| c.row_span as usize).max().unwrap_or(1);
            if depth < rows.len() / 2 && top.iter().any(|c| (c.row_span as usize) < depth) {
                header_rows = depth;
            }
        }
    }
    for r in rows.iter_mut().take(header_rows) {
        for c in &mut r.cells {
            c.header = true;
        }
    }
    // Row labels are header cells too (<th> in the source): under a
    // multi-level header, the columns its top-left cell covers; shaded like
    // the header, cells of the first column.
    let label_cols = match rows.first().and_then(|r| r.cells.first()) {
        Some(c) if header_rows >= 2 && c.col == 0 && c.row_span as usize == header_rows => {
            c.col_span
        }
        _ => 0,
    };
    for (ri, r) in rows.iter_mut().enumerate().skip(header_rows) {
        for c in &mut r.cells {
            if c.col < label_cols
                || (header_rows >= 1 && c.col == 0 && filled_at.contains(&(ri, 0)))
            {
                c.header = true;
            }
        }
    }
    let xs: Vec<f32> = grid
        .xs
        .iter()
        .enumerate()
        .filter(|(i, _)| *i == ncols || col_used[*i])
        .map(|(_, &x)| x)
        .collect();
    PageTable {
        table: Table { rows },
        xs,
        bbox: grid.bbox(),
        header_rows,
    }
}

/// In a narrow cell a word like 維持・向上 can wrap before its ・, and the
/// next line then looks like a bullet item. A line that starts with ・ right
/// after a line that fills the cell's width and does not end an item (。 or a
/// closing bracket) is such a wrap: it is joined to the line before.
fn join_wrapped_dots(lines: Vec<TextLine>) -> Vec<TextLine> {
    let right = lines
        .iter()
        .filter(|l| l.dir == interp::Dir::Right)
        .map(|l| l.bbox[2])
        .fold(f32::MIN, f32::max);
    let mut out: Vec<TextLine> = Vec::with_capacity(lines.len());
    for l in lines {
        if let Some(prev) = out.last_mut() {
            let wrap = l.dir == interp::Dir::Right
                && prev.dir == interp::Dir::Right
                && l.text.starts_with(['・', '･'])
                && prev.bbox[2] >= right - 1.2 * prev.size
                && !prev
                    .text
                    .ends_with(['。', '）', ')', '」', '』', '】', '］', '・', '、'])
                && l.bbox[3] < prev.bbox[1] + 0.5 * prev.size;
            if wrap {
                prev.text.push_str(&l.text);
                prev.bbox = [
                    prev.bbox[0].min(l.bbox[0]),
                    prev.bbox[1].min(l.bbox[1]),
                    prev.bbox[2].max(l.bbox[2]),
                    prev.bbox[3].max(l.bbox[3]),
                ];
                prev.chars += l.chars;
                prev.bold &= l.bold;
                continue;
            }
        }
        out.push(l);
    }
    out
}

/// For each used slot, its index among the used slots.
fn prefix_index(used: &[bool]) -> Vec<usize> {
    let mut n = 0;
    used.iter()
        .map(|&u| {
            let i = n;
            if u {
                n += 1;
            }
            i
        })
        .collect()
}

// ------------------------------------------------------------------ across pages

/// Drops running headers and footers (text repeated near the top or bottom
/// of most pages) and lone page numbers.
fn drop_running_lines(pages: &mut [PageItems]) {
    let margin = |p: &PageItems, l: &TextLine| -> Option<bool> {
        let band = 0.12 * p.height;
        if l.bbox[1] >= p.height - band {
            Some(true)
        } else if l.bbox[3] <= band {
            Some(false)
        } else {
            None
        }
    };
    // Digits stand for any digits (a page number in a running header), but
    // only in a line with words of its own: "100点" at the top of one page
    // and "125点" at the top of the next are body text, not a running line.
    let key = |l: &TextLine| -> String {
        let is_digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
        let words = l
            .text
            .chars()
            .filter(|&c| !c.is_whitespace() && !is_digit(c))
            .count();
        l.text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if is_digit(c) && words >= 3 { '#' } else { c })
            .collect()
    };
    let mut counts: HashMap<(bool, String), usize> = HashMap::new();
    for p in pages.iter() {
        let mut seen: Vec<(bool, String)> = Vec::new();
        for it in &p.items {
            if let Item::Line(l) = it
                && let Some(top) = margin(p, l)
            {
                let k = (top, key(l));
                if !seen.contains(&k) {
                    seen.push(k);
                }
            }
        }
        for k in seen {
            *counts.entry(k).or_default() += 1;
        }
    }
    let n = pages.len();
    let threshold = (n / 2).max(3);
    let report = std::env::var_os("TORIKUMI_PDF_DROPPED").is_some();
    for p in pages.iter_mut() {
        let height = p.height;
        let items = std::mem::take(&mut p.items);
        let pp = PageItems {
            page: p.page,
            height,
            items: Vec::new(),
            sizes: HashMap::new(),
        };
        p.items = items
            .into_iter()
            .filter(|it| {
                let Item::Line(l) = it else { return true };
                let Some(top) = margin(&pp, l) else {
                    return true;
                };
                if n >= 3 && counts.get(&(top, key(l))).copied().unwrap_or(0) >= threshold {
                    if report {
                        eprintln!("dropped\t{}\trunning\t{}", pp.page, l.text);
                    }
                    return false;
                }
                if is_page_number(&l.text) {
                    if report {
                        eprintln!("dropped\t{}\tnumber\t{}", pp.page, l.text);
                    }
                    return false;
                }
                true
            })
            .collect();
    }
}

/// "12", "- 12 -", "P.12", "12/40", "（12）" and the like.
fn is_page_number(t: &str) -> bool {
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let core = t
        .trim_start_matches(['-', '－', '–', '—', '(', '（', '[', '［'])
        .trim_end_matches(['-', '－', '–', '—', ')', '）', ']', '］']);
    let core = core
        .strip_prefix("P.")
        .or_else(|| core.strip_prefix("p."))
        .unwrap_or(core);
    let core = core
        .strip_suffix("頁")
        .or_else(|| core.strip_suffix("ページ"))
        .unwrap_or(core);
    let mut parts = core.splitn(2, ['/', '／']);
    let is_num = |s: &str| {
        !s.is_empty()
            && s.chars().count() <= 4
            && s.chars()
                .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    };
    match (parts.next(), parts.next()) {
        (Some(a), None) => is_num(a),
        (Some(a), Some(b)) => is_num(a) && is_num(b),
        _ => false,
    }
}

fn table_texts(rows: &[Row]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.cells.iter().map(|c| c.text()).collect())
        .collect()
}

/// Joins a table that starts a page to the table that ends the page before,
/// when their columns line up; repeated header rows are dropped.
fn join_tables(pages: &mut [PageItems]) {
    for i in 1..pages.len() {
        let (before, after) = pages.split_at_mut(i);
        let Some(prev_page) = before.iter_mut().rev().find(|p| !p.items.is_empty()) else {
            continue;
        };
        let cur = &mut after[0];
        let (Some(Item::Table(prev)), Some(Item::Table(next))) =
            (prev_page.items.last(), cur.items.first())
        else {
            continue;
        };
        let aligned = prev.xs.len() == next.xs.len()
            && prev
                .xs
                .iter()
                .zip(&next.xs)
                .all(|(a, b)| (a - b).abs() <= 3.0);
        if !aligned {
            continue;
        }
        let Some(Item::Table(mut next)) = (if cur.items.is_empty() {
            None
        } else {
            Some(cur.items.remove(0))
        }) else {
            continue;
        };
        let Some(Item::Table(prev)) = prev_page.items.last_mut() else {
            continue;
        };
        // Rows repeated from the top of the first part are a repeated header.
        let top = table_texts(&prev.table.rows);
        let cont = table_texts(&next.table.rows);
        let mut repeated = 0;
        while repeated < cont.len()
            && repeated < top.len()
            && repeated < 4
            && cont[repeated] == top[repeated]
        {
            repeated += 1;
        }
        if repeated > 0 && repeated < next.table.rows.len() {
            report_dropped_rows(cur.page, &next.table.rows[..repeated]);
            next.table.rows.drain(..repeated);
            prev.header_rows = prev.header_rows.max(repeated);
            for r in prev.table.rows.iter_mut().take(repeated) {
                for c in &mut r.cells {
                    c.header = true;
                }
            }
        } else {
            // The continuation's own shaded top rows repeat the header too.
            if next.header_rows > 0
                && next.header_rows < next.table.rows.len()
                && prev.header_rows > 0
            {
                report_dropped_rows(cur.page, &next.table.rows[..next.header_rows]);
                next.table.rows.drain(..next.header_rows);
            }
        }
        for r in &mut next.table.rows {
            for c in &mut r.cells {
                c.header = false;
            }
        }
        continue_split_row(&mut prev.table, &mut next.table);
        if std::env::var_os("TORIKUMI_PDF_DROPPED").is_some() {
            eprintln!("joined\t{}\t{}", cur.page, prev_page.page);
        }
        prev.table.rows.append(&mut next.table.rows);
    }
}

/// With `TORIKUMI_PDF_DROPPED` set, reports the repeated header rows of a
/// table continued on `page` that joining drops.
fn report_dropped_rows(page: u32, rows: &[Row]) {
    if std::env::var_os("TORIKUMI_PDF_DROPPED").is_none() {
        return;
    }
    for r in rows {
        let cells: Vec<String> = r
            .cells
            .iter()
            .map(|c| c.text().replace(['\n', '\t'], " "))
            .collect();
        eprintln!("dropped\t{page}\theader\t{}", cells.join("\t"));
    }
}

/// Where a page break splits a table, the continuation's first row may carry
/// on cells of the first part: an empty cell under a cell that reaches the
/// first part's last row and has text, left of the row's first text, extends
/// that cell (a row label spanning rows). When
/// the leftmost cell is such a continuation of a one-row label, the whole row
/// was split by the page break, and its cells' lines go to the cells above.
fn continue_split_row(prev: &mut Table, next: &mut Table) {
    let last = prev.rows.len();
    if last == 0 || next.rows.is_empty() {
        return;
    }
    // Cells of `prev` that reach its last row, by column: (row, index in row).
    let mut reaching: HashMap<u32, (usize, usize)> = HashMap::new();
    for (ri, r) in prev.rows.iter().enumerate() {
        for (ci, c) in r.cells.iter().enumerate() {
            if ri + c.row_span as usize == last {
                reaching.insert(c.col, (ri, ci));
            }
        }
    }
    let first = &next.rows[0];
    let matches = |c: &Cell| {
        reaching
            .get(&c.col)
            .is_some_and(|&(ri, ci)| prev.rows[ri].cells[ci].col_span == c.col_span)
    };
    if !first.cells.iter().all(matches) {
        return;
    }
    let lead_empty = first
        .cells
        .first()
        .is_some_and(|c| c.col == 0 && c.text().trim().is_empty());
    let lead_one_row = reaching.get(&0).is_some_and(|&(ri, ci)| {
        let c = &prev.rows[ri].cells[ci];
        ri + 1 == last && c.row_span == 1 && !c.text().trim().is_empty()
    });
    let whole_row =
        lead_empty && lead_one_row && next.rows[0].cells.iter().all(|c| c.row_span == 1);
    let first = next.rows.remove(0);
    // Only row labels carry on: cells left of the row's first text.
    let first_text = first
        .cells
        .iter()
        .find(|c| !c.text().trim().is_empty())
        .map_or(u32::MAX, |c| c.col);
    let mut kept = Vec::new();
    for mut c in first.cells {
        let Some(&(ri, ci)) = reaching.get(&c.col) else {
            continue;
        };
        let target = &mut prev.rows[ri].cells[ci];
        if whole_row {
            target.blocks.append(&mut c.blocks);
        } else if c.col < first_text
            && c.text().trim().is_empty()
            && !target.text().trim().is_empty()
        {
            target.row_span += c.row_span;
        } else {
            kept.push(c);
        }
    }
    if !whole_row {
        // The row stays a row of its own, minus the cells that extended those above.
        next.rows.insert(0, Row { cells: kept });
    }
}

fn emit_page(p: PageItems, body: f32, levels: &[u32], out: &mut Vec<Block>) {
    for it in p.items {
        match it {
            Item::Line(l) => {
                let mut prov = Provenance::page(p.page, Some(bbox_of(l.bbox)));
                prov.size = Some(l.size);
                prov.bold = l.bold;
                let ratio = if body > 0.0 { l.size / body } else { 1.0 };
                let kind = if ratio >= 1.2 && l.chars <= 40 {
                    // Levels by the rank of the heading sizes the document uses.
                    let key = (l.size * 2.0).round() as u32;
                    let rank = levels.iter().filter(|&&k| k > key).count();
                    BlockKind::Heading {
                        level: (rank + 1).min(6) as u8,
                        text: l.text,
                    }
                } else {
                    BlockKind::Line { text: l.text }
                };
                out.push(Block { kind, prov });
            }
            Item::Table(t) => {
                out.push(Block {
                    kind: BlockKind::Table(t.table),
                    prov: Provenance::page(p.page, Some(bbox_of(t.bbox))),
                });
            }
        }
    }
}
