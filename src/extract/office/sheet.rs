//! Spreadsheets (XLSX, BIFF5/BIFF8 `.xls`, ODS) through calamine.
//!
//! Each sheet becomes a page. Its used cells are split into regions by empty
//! rows; in each region the rows holding one value (a title, a note) become
//! headings or paragraphs and the rows between the first and the last row of
//! several values become one table, merged ranges as spans. A one-value row
//! is a heading when its font is bold or larger than the workbook's body
//! text (XLSX), or when it stands right above a table; heading levels rank
//! the font sizes, largest first. In a table a bold cell is a header cell;
//! in a workbook without styles (XLS, ODS) the first row of each table is.
//! Dates and numbers are printed with the cell's number format where the
//! file gives one (XLSX), else as Excel's General format prints them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Cursor;

use calamine::{Data, DataRef, Dimensions, ExcelDateTime, Reader};

use super::Package;
use crate::error::{Error, ErrorKind, Result, Stage};
use crate::limits::Limits;
use crate::model::{Block, BlockKind, Cell, Document, Format, Provenance, Row, Table};

/// One cell's printed value and font.
#[derive(Debug, Clone, Default)]
struct Value {
    text: String,
    bold: bool,
    size: Option<f64>,
    /// The cell has visible borders (XLSX): a table cell, even alone in its row.
    bordered: bool,
    /// Rich text with bold runs (XLSX): for each line of `text` (split at
    /// `\n`), whether all of it is bold. A progress sheet's cell often sets
    /// its ■ group lines in bold and the ・ lines under them plain.
    bold_lines: Option<Vec<bool>>,
}

/// One sheet as read: its non-empty cells and merged ranges.
#[derive(Debug, Default)]
struct Grid {
    cells: BTreeMap<(u32, u32), Value>,
    merges: Vec<Dimensions>,
}

/// Reads a workbook into one page per visible worksheet.
pub fn extract(format: Format, bytes: &[u8], limits: &Limits) -> Result<Document> {
    let (grids, styled) = match format {
        Format::Xlsx => (guarded("xlsx", || read_xlsx(bytes, limits))?, true),
        Format::Xls => (guarded("xls", || read_xls(bytes, limits))?, false),
        Format::Ods => (guarded("ods", || read_ods(bytes, limits))?, false),
        other => {
            return Err(Error::new(
                Stage::Extract,
                ErrorKind::Unsupported(format!("{} is not a spreadsheet", other.as_str())),
            ));
        }
    };
    let mut doc = Document::new(format);
    doc.pages = Some(grids.len() as u32);
    let styled = styled
        && grids
            .iter()
            .any(|g| g.cells.values().any(|v| v.bold || v.size.is_some()));
    let fonts = FontRanks::new(&grids);
    for (i, grid) in grids.iter().enumerate() {
        layout(grid, i as u32 + 1, styled, &fonts, &mut doc.blocks);
    }
    if format == Format::Xlsx
        && let Ok(mut pkg) = Package::open(bytes, limits, "xlsx")
    {
        doc.title = pkg.core_title().ok().flatten();
    }
    Ok(doc)
}

/// Runs a calamine read, turning a panic inside calamine (it indexes some
/// damaged records without checking their lengths) into this document's
/// "malformed" error. Panics of torikumi's own code are not expected here
/// either, and end the same way.
fn guarded<T>(format: &'static str, read: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)) {
        Ok(r) => r,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(malformed(
                format,
                format!("the workbook reader failed on it ({msg})"),
            ))
        }
    }
}

fn malformed(format: &'static str, e: impl std::fmt::Display) -> Error {
    Error::malformed(format, e.to_string())
}

/// Most cells read from one workbook (all sheets).
fn max_cells(limits: &Limits) -> usize {
    limits.max_objects as usize
}

fn check_sheets(n: usize, limits: &Limits) -> Result<()> {
    if n as u64 > u64::from(limits.max_pages) {
        return Err(Error::limit("sheets", u64::from(limits.max_pages)));
    }
    Ok(())
}

fn visible_worksheets<RS: std::io::Read + std::io::Seek, R: Reader<RS>>(book: &R) -> Vec<String> {
    book.sheets_metadata()
        .iter()
        .filter(|s| {
            s.typ == calamine::SheetType::WorkSheet && s.visible == calamine::SheetVisible::Visible
        })
        .map(|s| s.name.clone())
        .collect()
}

fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Vec<Grid>> {
    let mut pkg = Package::open(bytes, limits, "xlsx")?;
    pkg.check_actual_sizes()?;
    let rich = rich_bold_lines(&mut pkg, limits);
    drop(pkg);
    let mut book = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsxError::Password => encrypted(),
        e => malformed("xlsx", e),
    })?;
    let names = visible_worksheets(&book);
    check_sheets(names.len(), limits)?;
    let mut total = 0usize;
    let mut out = Vec::new();
    for name in names {
        let mut grid = Grid::default();
        {
            let mut reader = book
                .worksheet_cells_reader(&name)
                .map_err(|e| malformed("xlsx", e))?;
            let styles = reader.styles().to_vec();
            while let Some((cell, style_id)) = reader
                .next_cell_with_style_id()
                .map_err(|e| malformed("xlsx", e))?
            {
                let style = styles.get(style_id);
                let code = style
                    .and_then(|s| s.number_format.as_ref())
                    .map(|n| n.format_code.as_str())
                    .unwrap_or("General");
                let text = print_ref(cell.get_value(), code);
                if text.trim().is_empty() {
                    continue;
                }
                total += 1;
                if total > max_cells(limits) {
                    return Err(Error::limit("cells", max_cells(limits) as u64));
                }
                let font = style.and_then(|s| s.font.as_ref());
                grid.cells.insert(
                    cell.get_position(),
                    Value {
                        bold: font.is_some_and(|f| f.is_bold()),
                        size: font.and_then(|f| f.size),
                        bordered: style
                            .and_then(|s| s.borders.as_ref())
                            .is_some_and(|b| b.has_visible_borders()),
                        bold_lines: if rich.is_empty() {
                            None
                        } else {
                            rich.get(&text).cloned()
                        },
                        text,
                    },
                );
            }
        }
        if let Ok(m) = book.merge_cells_by_sheet_name(&name) {
            grid.merges = m;
        }
        out.push(grid);
    }
    Ok(out)
}

/// The rich-text strings of a workbook that have bold runs, by their text:
/// for each line, whether all its text is bold. calamine gives a cell's
/// text and its cell-level font, not its runs, so the runs are read here,
/// from the shared strings (`<si>`, as Excel and LibreOffice write them) and
/// from the worksheets' inline strings (`<is>`, as openpyxl writes them).
/// A part that does not parse gives no runs; the cells keep their text.
fn rich_bold_lines(pkg: &mut Package, limits: &Limits) -> HashMap<String, Vec<bool>> {
    let mut out = HashMap::new();
    let mut parts = vec!["xl/sharedStrings.xml".to_string()];
    parts.extend(
        pkg.names()
            .into_iter()
            .filter(|n| n.starts_with("xl/worksheets/") && n.ends_with(".xml")),
    );
    for name in parts {
        if let Ok(Some(xml)) = pkg.part(&name)
            && (name.ends_with("sharedStrings.xml") || xml.contains("inlineStr"))
        {
            let _ = scan_rich_strings(&xml, limits, &mut out);
        }
    }
    out
}

/// Adds the rich strings of one part with a bold run to `out`; phonetic
/// guides (`<rPh>`) are not part of the text, as calamine reads it.
fn scan_rich_strings(
    xml: &str,
    limits: &Limits,
    out: &mut HashMap<String, Vec<bool>>,
) -> Result<()> {
    use super::xml::{Ev, Xml, truthy};
    let mut x = Xml::new(xml, limits, "xlsx");
    // (text, bold) runs of the string being read, if inside one.
    let mut runs: Option<Vec<(String, bool)>> = None;
    let (mut in_rpr, mut in_t, mut in_phonetic, mut bold) = (false, false, 0u32, false);
    while let Some(ev) = x.next()? {
        match ev {
            Ev::Open { name, attrs, empty } => match name {
                "si" | "is" if !empty => runs = Some(Vec::new()),
                "r" if !empty => bold = false,
                "rPr" if !empty => in_rpr = true,
                "b" if in_rpr => bold = truthy(&attrs),
                "t" if !empty => in_t = true,
                "rPh" | "phoneticPr" if !empty => in_phonetic += 1,
                _ => {}
            },
            Ev::Close(name) => match name {
                "rPr" => in_rpr = false,
                "t" => in_t = false,
                "r" => bold = false,
                "rPh" | "phoneticPr" => in_phonetic = in_phonetic.saturating_sub(1),
                "si" | "is" => {
                    if let Some(runs) = runs.take()
                        && runs.iter().any(|(_, b)| *b)
                    {
                        let (text, lines) = bold_by_line(&runs);
                        out.insert(text, lines);
                    }
                }
                _ => {}
            },
            Ev::Text(t) => {
                if in_t
                    && in_phonetic == 0
                    && let Some(runs) = runs.as_mut()
                {
                    runs.push((t.into_owned(), bold));
                }
            }
        }
    }
    Ok(())
}

/// The text of `runs` and, for each of its lines, whether it has text and
/// all of it is in bold runs.
fn bold_by_line(runs: &[(String, bool)]) -> (String, Vec<bool>) {
    let text: String = runs.iter().map(|(t, _)| t.as_str()).collect();
    // (bold chars, plain chars) of each line.
    let mut counts = vec![(0usize, 0usize)];
    for (t, b) in runs {
        for ch in t.chars() {
            if ch == '\n' {
                counts.push((0, 0));
            } else if !ch.is_whitespace() {
                let last = counts.last_mut().expect("one line at least");
                if *b {
                    last.0 += 1;
                } else {
                    last.1 += 1;
                }
            }
        }
    }
    let lines = counts.iter().map(|&(b, p)| b > 0 && p == 0).collect();
    (text, lines)
}

fn encrypted() -> Error {
    Error::new(
        Stage::Extract,
        ErrorKind::Encrypted("the workbook is password protected".into()),
    )
}

fn read_xls(bytes: &[u8], limits: &Limits) -> Result<Vec<Grid>> {
    let grids = read_xls_with(bytes, limits, None)?;
    // A BIFF5 workbook without a CODEPAGE record is read as Latin-1: when its
    // strings, taken back to bytes, read as Shift_JIS, read it as CP932.
    if looks_like_sjis_mojibake(&grids) {
        return read_xls_with(bytes, limits, Some(932));
    }
    Ok(grids)
}

fn read_xls_with(bytes: &[u8], limits: &Limits, codepage: Option<u16>) -> Result<Vec<Grid>> {
    let clean = workbook_stream(bytes, limits)?;
    let owned = clean.as_slice();
    let mut options = calamine::XlsOptions::default();
    options.force_codepage = codepage;
    let mut book =
        calamine::Xls::new_with_options(Cursor::new(owned), options).map_err(|e| match e {
            calamine::XlsError::Password => encrypted(),
            e => malformed("xls", e),
        })?;
    let names = visible_worksheets(&book);
    check_sheets(names.len(), limits)?;
    let mut out = Vec::new();
    let mut total = 0usize;
    for name in names {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| malformed("xls", e))?;
        let mut grid = plain_cells(&range, &mut total, limits)?;
        grid.merges = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
        out.push(grid);
    }
    Ok(out)
}

/// A sheet's printed cell values without styles (XLS, ODS), counted against
/// the workbook's cell limit in `total`.
fn plain_cells(
    range: &calamine::Range<calamine::Data>,
    total: &mut usize,
    limits: &Limits,
) -> Result<Grid> {
    let mut grid = Grid::default();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, v) in range.used_cells() {
        let text = print_data(v);
        if text.trim().is_empty() {
            continue;
        }
        *total += 1;
        if *total > max_cells(limits) {
            return Err(Error::limit("cells", max_cells(limits) as u64));
        }
        grid.cells.insert(
            (r0 + r as u32, c0 + c as u32),
            Value {
                text,
                ..Default::default()
            },
        );
    }
    Ok(grid)
}

fn read_ods(bytes: &[u8], limits: &Limits) -> Result<Vec<Grid>> {
    let mut pkg = Package::open(bytes, limits, "ods")?;
    pkg.check_actual_sizes()?;
    drop(pkg);
    let owned = bytes;
    let mut book = calamine::Ods::new(Cursor::new(owned)).map_err(|e| malformed("ods", e))?;
    let names = visible_worksheets(&book);
    check_sheets(names.len(), limits)?;
    let mut out = Vec::new();
    let mut total = 0usize;
    for name in names {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| malformed("ods", e))?;
        let grid = plain_cells(&range, &mut total, limits)?;
        out.push(grid);
    }
    Ok(out)
}

/// The workbook stream (`Workbook`, BIFF8; `Book`, BIFF5) of a compound
/// file, alone in a fresh compound file. calamine's own compound-file
/// reader trusts the sector tables of a damaged file (it allocates what
/// they say); the `cfb` crate checks them, and what calamine then reads is
/// well formed. Other streams (VBA, summaries) are left behind.
fn workbook_stream(bytes: &[u8], limits: &Limits) -> Result<Vec<u8>> {
    use std::io::{Read, Write};
    let bad = |e: std::io::Error| malformed("xls", format!("compound file: {e}"));
    let mut cf = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(bad)?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| cf.is_stream(n))
        .ok_or_else(|| malformed("xls", "no Workbook or Book stream"))?;
    let max = limits.max_stream_bytes;
    if cf.entry(name).map_err(bad)?.len() > max {
        return Err(Error::limit("workbook stream bytes", max));
    }
    let mut data = Vec::new();
    cf.open_stream(name)
        .map_err(bad)?
        .take(max + 1)
        .read_to_end(&mut data)
        .map_err(bad)?;
    sanitize_biff(&mut data, u64::from(limits.max_objects))?;
    let mut out = cfb::CompoundFile::create(Cursor::new(Vec::new())).map_err(bad)?;
    out.create_stream(name)
        .map_err(bad)?
        .write_all(&data)
        .map_err(bad)?;
    out.flush().map_err(bad)?;
    Ok(out.into_inner().into_inner())
}

/// Checks the record structure of a BIFF workbook stream before calamine
/// reads it: every record fits the stream, every sheet offset (BOUNDSHEET)
/// points at a BOF record, each sheet's used range (which calamine
/// allocates whole) spans at most `max_area` cells, and DIMENSIONS records, which calamine only uses
/// to reserve memory for `rows × columns` cells, are blanked out (type 0,
/// which it skips).
fn sanitize_biff(data: &mut [u8], max_area: u64) -> Result<()> {
    let mut starts = HashSet::new();
    let mut sheets = Vec::new();
    let mut pos = 0usize;
    // The used range of the substream being read: calamine allocates it
    // whole (rows × columns cells), so its area is bounded.
    let mut bounds: Option<(u16, u16, u16, u16)> = None;
    let check = |b: Option<(u16, u16, u16, u16)>| -> Result<()> {
        if let Some((r0, r1, c0, c1)) = b {
            let area = (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1);
            if area > max_area {
                return Err(Error::limit("cells in a sheet's used range", max_area));
            }
        }
        Ok(())
    };
    while pos + 4 <= data.len() {
        let typ = u16::from_le_bytes([data[pos], data[pos + 1]]);
        let len = usize::from(u16::from_le_bytes([data[pos + 2], data[pos + 3]]));
        let body = pos + 4;
        if body + len > data.len() {
            break; // calamine reports a cut record itself
        }
        starts.insert(pos);
        match typ {
            0x0085 => {
                if len < 8 {
                    return Err(malformed("xls", "BOUNDSHEET record too short"));
                }
                let off = u32::from_le_bytes([
                    data[body],
                    data[body + 1],
                    data[body + 2],
                    data[body + 3],
                ]);
                sheets.push(off as usize);
            }
            0x0200 => data[pos..pos + 2].copy_from_slice(&[0, 0]),
            0x0809 | 0x000A => {
                check(bounds.take())?;
            }
            // Cell records: row, then column (MULRK: first and last column).
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x00BD if len >= 4 => {
                let at = |i: usize| u16::from_le_bytes([data[body + i], data[body + i + 1]]);
                let (row, c0) = (at(0), at(2));
                let c1 = if typ == 0x00BD && len >= 6 {
                    at(len - 2).max(c0)
                } else {
                    c0
                };
                bounds = Some(match bounds {
                    None => (row, row, c0, c1),
                    Some((r0, r1, a, b)) => (r0.min(row), r1.max(row), a.min(c0), b.max(c1)),
                });
            }
            _ => {}
        }
        pos = body + len;
    }
    check(bounds)?;
    for off in sheets {
        let is_bof = starts.contains(&off) && data.get(off..off + 2) == Some(&[0x09, 0x08][..]);
        if !is_bof {
            return Err(malformed(
                "xls",
                format!("sheet offset {off} is no BOF record"),
            ));
        }
    }
    Ok(())
}

/// True when every string of the workbook is made of characters U+0000 to
/// U+00FF and those bytes read as Shift_JIS Japanese.
fn looks_like_sjis_mojibake(grids: &[Grid]) -> bool {
    let mut bytes = Vec::new();
    for v in grids.iter().flat_map(|g| g.cells.values()) {
        for ch in v.text.chars() {
            let Ok(b) = u8::try_from(u32::from(ch)) else {
                return false;
            };
            bytes.push(b);
        }
        bytes.push(b'\n');
    }
    bytes.iter().any(|&b| b >= 0x80) && crate::detect::guess(&bytes) == encoding_rs::SHIFT_JIS
}

// ------------------------------------------------------------------ values

fn print_ref(v: &DataRef<'_>, code: &str) -> String {
    match v {
        DataRef::Int(i) => format_number(*i as f64, code),
        DataRef::Float(f) => format_number(*f, code),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        DataRef::DateTime(d) => format_date(d, code),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

fn print_data(v: &Data) -> String {
    match v {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => general(*f),
        Data::String(s) => s.clone(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Data::DateTime(d) => format_date(d, ""),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
        Data::Empty => String::new(),
    }
}

/// A number as Excel's General format prints it: integers without a
/// fraction, others with at most ten decimals, trailing zeros dropped.
fn general(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    let s = format!("{v:.10}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A number printed with the first section of an Excel number format:
/// literal text around the digits (`0"件"`, `¥#,##0`), thousands separators,
/// a fixed count of decimals, percent.
pub(crate) fn format_number(v: f64, code: &str) -> String {
    let section = split_section(code);
    if section.is_empty() || section.eq_ignore_ascii_case("general") || section == "@" {
        return general(v);
    }
    let (mut prefix, mut suffix, mut pattern) = (String::new(), String::new(), String::new());
    let mut percent = false;
    let mut chars = section.chars();
    while let Some(c) = chars.next() {
        let lit = |s: &mut String, p: &String, pre: &mut String, t: &str| {
            if p.is_empty() {
                pre.push_str(t)
            } else {
                s.push_str(t)
            }
        };
        match c {
            '"' => {
                let t: String = chars.by_ref().take_while(|&c| c != '"').collect();
                lit(&mut suffix, &pattern, &mut prefix, &t);
            }
            '\\' => {
                if let Some(n) = chars.next() {
                    lit(&mut suffix, &pattern, &mut prefix, &n.to_string());
                }
            }
            '[' => {
                // [Red], [$¥-411]: a currency symbol is printed, the rest not.
                let t: String = chars.by_ref().take_while(|&c| c != ']').collect();
                if let Some(sym) = t.strip_prefix('$') {
                    let sym = sym.split('-').next().unwrap_or("");
                    lit(&mut suffix, &pattern, &mut prefix, sym);
                }
            }
            '_' | '*' => {
                chars.next();
            }
            '0' | '#' | '?' | ',' | '.' => pattern.push(c),
            '%' => {
                percent = true;
                lit(&mut suffix, &pattern, &mut prefix, "%");
            }
            'E' | 'e' => return general(v),
            c => lit(&mut suffix, &pattern, &mut prefix, &c.to_string()),
        }
    }
    if pattern.is_empty() {
        return format!("{prefix}{}{suffix}", general(v));
    }
    let v = if percent { v * 100.0 } else { v };
    let decimals = pattern
        .split_once('.')
        .map(|(_, d)| d.chars().filter(|c| matches!(c, '0' | '#' | '?')).count())
        .unwrap_or(0);
    let int_part = pattern.split('.').next().unwrap_or("");
    let grouping = int_part.trim_end_matches(',').contains(',');
    let mut digits = format!("{:.*}", decimals.min(15), v.abs());
    if pattern
        .split_once('.')
        .is_some_and(|(_, d)| !d.contains('0'))
        && digits.contains('.')
    {
        digits = digits
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string();
    }
    if grouping {
        let (i, f) = digits
            .split_once('.')
            .map_or((digits.as_str(), None), |(i, f)| (i, Some(f)));
        let mut g = String::new();
        for (k, ch) in i.chars().enumerate() {
            if k > 0 && (i.len() - k) % 3 == 0 {
                g.push(',');
            }
            g.push(ch);
        }
        if let Some(f) = f {
            g.push('.');
            g.push_str(f);
        }
        digits = g;
    }
    let sign = if v < 0.0 && digits.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    format!("{sign}{prefix}{digits}{suffix}")
}

fn split_section(code: &str) -> &str {
    // The first of the `;`-separated sections, outside quotes.
    let mut quoted = false;
    for (i, c) in code.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => return &code[..i],
            _ => {}
        }
    }
    code
}

/// A date as its number format prints it: `2023年4月1日`, `R5.4.1`,
/// `令和5年4月1日`, `2023/4/1`, `9:30`.
pub(crate) fn format_date(d: &ExcelDateTime, code: &str) -> String {
    let (y, m, day, h, min, _s, _ms) = d.to_ymd_hms_milli();
    let section = split_section(code).to_ascii_lowercase();
    let (y, m, day) = (i32::from(y), u32::from(m), u32::from(day));
    let has_date = section.contains('y')
        || section.contains('d')
        || section.contains('g')
        || section.contains('e');
    if d.as_f64() < 1.0 && !has_date {
        return format!("{h}:{min:02}");
    }
    if section.contains('g') || (section.contains('e') && !section.contains("yy")) {
        let (era, short, start) = era(y, m, day);
        let ey = y - start + 1;
        if section.contains("ggg") || section.contains('年') {
            let yname = if ey == 1 {
                "元".to_string()
            } else {
                ey.to_string()
            };
            return format!("{era}{yname}年{m}月{day}日");
        }
        return format!("{short}{ey}.{m}.{day}");
    }
    if section.contains('年') {
        if section.contains('d') || section.contains('日') {
            return format!("{y}年{m}月{day}日");
        }
        return format!("{y}年{m}月");
    }
    if !section.contains('d') && section.contains('m') && section.contains('y') {
        return format!("{y}/{m}");
    }
    format!("{y}/{m}/{day}")
}

/// The Japanese era of a date: name, initial and first Gregorian year.
fn era(y: i32, m: u32, d: u32) -> (&'static str, &'static str, i32) {
    let ymd = (y, m, d);
    if ymd >= (2019, 5, 1) {
        ("令和", "R", 2019)
    } else if ymd >= (1989, 1, 8) {
        ("平成", "H", 1989)
    } else if ymd >= (1926, 12, 25) {
        ("昭和", "S", 1926)
    } else {
        ("大正", "T", 1912)
    }
}

// ------------------------------------------------------------------ layout

/// Heading levels from font sizes: the distinct sizes of the workbook's
/// heading candidates, largest first.
struct FontRanks {
    body: f64,
    sizes: Vec<f64>,
}

impl FontRanks {
    fn new(grids: &[Grid]) -> Self {
        let mut counts: HashMap<u64, usize> = HashMap::new();
        for v in grids.iter().flat_map(|g| g.cells.values()) {
            *counts.entry(v.size.unwrap_or(11.0).to_bits()).or_default() += 1;
        }
        let body = counts
            .iter()
            .max_by_key(|&(s, n)| (*n, std::cmp::Reverse(*s)))
            .map(|(s, _)| f64::from_bits(*s))
            .unwrap_or(11.0);
        let mut sizes: Vec<f64> = counts
            .keys()
            .map(|s| f64::from_bits(*s))
            .filter(|&s| s >= body)
            .collect();
        sizes.sort_by(|a, b| b.total_cmp(a));
        FontRanks { body, sizes }
    }

    /// Level of a heading set in `size`.
    fn level(&self, size: Option<f64>) -> u8 {
        let s = size.unwrap_or(self.body);
        let rank = self
            .sizes
            .iter()
            .position(|&x| x <= s)
            .unwrap_or(self.sizes.len());
        (rank as u8 + 1).min(6)
    }

    fn is_heading(&self, v: &Value) -> bool {
        v.bold || v.size.is_some_and(|s| s > self.body)
    }
}

/// Lays one sheet out as blocks (see the module documentation).
fn layout(grid: &Grid, page: u32, styled: bool, fonts: &FontRanks, out: &mut Vec<Block>) {
    if grid.cells.is_empty() {
        return;
    }
    // Merged ranges by their top-left cell; the cells they cover.
    let mut anchors: HashMap<(u32, u32), (u32, u32)> = HashMap::new();
    let mut covered: HashSet<(u32, u32)> = HashSet::new();
    for m in &grid.merges {
        let (r0, c0) = m.start;
        let (r1, c1) = (m.end.0.max(r0), m.end.1.max(c0));
        // A hostile merge over the whole sheet must not make us enumerate it.
        if u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1) > 1 << 16 {
            continue;
        }
        anchors.insert((r0, c0), (r1, c1));
        for r in r0..=r1 {
            for c in c0..=c1 {
                if (r, c) != (r0, c0) {
                    covered.insert((r, c));
                }
            }
        }
    }
    // Rows in use: a value in them, or a vertical merge from one above.
    let mut rows: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for &(r, c) in grid.cells.keys() {
        rows.entry(r).or_default().push(c);
        if let Some(&(r1, _)) = anchors.get(&(r, c)) {
            for rr in r + 1..=r1 {
                rows.entry(rr).or_default();
            }
        }
    }
    // Regions: runs of consecutive used rows.
    let mut regions: Vec<Vec<u32>> = Vec::new();
    for &r in rows.keys() {
        match regions.last_mut() {
            Some(reg) if reg.last().is_some_and(|&l| l + 1 == r) => reg.push(r),
            _ => regions.push(vec![r]),
        }
    }
    let prov = || Provenance::page(page, None);
    let n_regions = regions.len();
    let mut split = Vec::with_capacity(n_regions);
    for reg in &regions {
        // A row with several values, a merge reaching into it or a bordered
        // cell is a table row.
        let multi = |r: &u32| {
            rows[r].len() > 1
                || (rows[r].is_empty())
                || rows[r].iter().any(|&c| {
                    anchors.get(&(*r, c)).is_some_and(|&(r1, _)| r1 > *r)
                        || grid.cells.get(&(*r, c)).is_some_and(|v| v.bordered)
                })
        };
        let first = reg.iter().position(multi);
        let last = reg.iter().rposition(multi);
        split.push(match (first, last) {
            (Some(f), Some(l)) => (&reg[..f], &reg[f..=l], &reg[l + 1..]),
            _ => (&reg[..], &reg[..0], &reg[..0]),
        });
    }
    for (k, &(before, table, after)) in split.iter().enumerate() {
        // Without styles, a lone one-value row just above a table region
        // (an empty row between) is the table's title too.
        let title_of_next = !styled
            && table.is_empty()
            && before.len() == 1
            && after.is_empty()
            && split
                .get(k + 1)
                .is_some_and(|n| n.0.is_empty() && !n.1.is_empty());
        for (i, r) in before.iter().enumerate() {
            let above_table = (i + 1 == before.len() && !table.is_empty()) || title_of_next;
            text_row(grid, *r, &rows[r], styled, fonts, above_table, page, out);
        }
        if !table.is_empty() {
            let t = build_table(grid, table, &anchors, &covered, styled, page);
            out.push(Block {
                kind: BlockKind::Table(t),
                prov: prov(),
            });
        }
        for r in after {
            text_row(grid, *r, &rows[r], styled, fonts, false, page, out);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn text_row(
    grid: &Grid,
    r: u32,
    cols: &[u32],
    styled: bool,
    fonts: &FontRanks,
    above_table: bool,
    page: u32,
    out: &mut Vec<Block>,
) {
    let Some(v) = cols.first().and_then(|&c| grid.cells.get(&(r, c))) else {
        return;
    };
    let text = v.text.trim().to_string();
    let kind = if styled && fonts.is_heading(v) {
        BlockKind::Heading {
            level: fonts.level(v.size),
            text,
        }
    } else if above_table && !text.contains('\n') {
        BlockKind::Heading {
            level: if styled { fonts.level(v.size) } else { 1 },
            text,
        }
    } else {
        BlockKind::Paragraph { text }
    };
    out.push(Block {
        kind,
        prov: Provenance::page(page, None),
    });
}

fn build_table(
    grid: &Grid,
    rows: &[u32],
    anchors: &HashMap<(u32, u32), (u32, u32)>,
    covered: &HashSet<(u32, u32)>,
    styled: bool,
    page: u32,
) -> Table {
    let (r_first, r_last) = (rows[0], *rows.last().unwrap_or(&rows[0]));
    let in_rows = |r: u32| r >= r_first && r <= r_last;
    let mut c_min = u32::MAX;
    let mut c_max = 0;
    for (&(r, c), _) in grid.cells.range((r_first, 0)..=(r_last, u32::MAX)) {
        c_min = c_min.min(c);
        let end = anchors.get(&(r, c)).map_or(c, |&(_, c1)| c1);
        c_max = c_max.max(end);
    }
    if c_min == u32::MAX {
        return Table::default();
    }
    // A sheet 16,384 columns wide is read as its cells, not as every empty column.
    let c_max = c_max.min(c_min + 511);
    let mut table = Table::default();
    for (i, &r) in rows.iter().enumerate() {
        let mut row = Row::default();
        for c in c_min..=c_max {
            if covered.contains(&(r, c)) {
                continue;
            }
            let v = grid.cells.get(&(r, c));
            let (row_span, col_span) = anchors.get(&(r, c)).map_or((1, 1), |&(r1, c1)| {
                let r1 = if in_rows(r1) { r1 } else { r_last };
                (r1 - r + 1, c1.min(c_max) - c + 1)
            });
            let header = if styled {
                v.is_some_and(|v| v.bold)
            } else {
                i == 0
            };
            let blocks = v
                .map(|v| {
                    v.text
                        .split('\n')
                        .enumerate()
                        .map(|(k, l)| (k, l.trim()))
                        .filter(|(_, l)| !l.is_empty())
                        .map(|(k, l)| {
                            let mut prov = Provenance::page(page, None);
                            prov.bold = v
                                .bold_lines
                                .as_ref()
                                .is_some_and(|b| b.get(k) == Some(&true));
                            Block {
                                kind: BlockKind::Paragraph {
                                    text: l.to_string(),
                                },
                                prov,
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            row.cells.push(Cell {
                header,
                col: c - c_min,
                col_span,
                row_span,
                blocks,
                prov: Provenance::page(page, None),
            });
        }
        table.rows.push(row);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rich_strings_give_bold_lines_from_shared_and_inline_strings() {
        let limits = Limits::default();
        let mut out = HashMap::new();
        // Shared strings as Excel writes them: a bold run, then plain lines,
        // and a phonetic guide that is not part of the text.
        let sst = r#"<sst><si><t>plain only</t></si><si><r><rPr><b/><sz val="11"/></rPr><t>■群</t></r><r><t xml:space="preserve">
・一つ目
・二つ目</t></r><rPh sb="0" eb="1"><t>グン</t></rPh></si><si><r><rPr><b val="0"/></rPr><t>not bold</t></r></si></sst>"#;
        scan_rich_strings(sst, &limits, &mut out).unwrap();
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out["■群\n・一つ目\n・二つ目"], vec![true, false, false]);
        // An inline string as openpyxl writes it; a line half bold is not bold.
        let sheet = r#"<worksheet><sheetData><row><c t="inlineStr"><is><r><t>・前</t></r><r><rPr><b val="1"/></rPr><t>太字
【後】</t></r></is></c></row></sheetData></worksheet>"#;
        scan_rich_strings(sheet, &limits, &mut out).unwrap();
        assert_eq!(out["・前太字\n【後】"], vec![false, true]);
    }
}
