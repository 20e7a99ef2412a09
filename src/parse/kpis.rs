//! KPI tables: indicator, region rows, baseline, yearly values, target and
//! progress rates.
//!
//! A KPI table is found by its year header: a row (or a line) of fiscal
//! years, one marked (基準) for the baseline and one (目標) for the target
//! (`H26(基準) H27 H28 H29 H30 R元(目標)`). Below it each indicator (○名称)
//! has one row per region, each followed by a 進捗率 row.
//!
//! Two shapes are read:
//! - a [`Table`] (HTML, or a PDF table the extractor rebuilt): values sit in
//!   the column of their year, so gaps are known;
//! - [`BlockKind::Line`]s (a text or PDF rendering), where a row may be broken
//!   over several lines and empty cells leave no trace: the first value is the
//!   baseline, the last the target, and those between fill the years between
//!   from the left; progress rates fill the years after the baseline.
//!
//! A row without a region takes the region of the first row of an earlier
//! indicator (the 004 sheet prints the area label only once), as the gold does.
//! Notes in parentheses (見直し前38カ所) go to `notes`.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::{BlockKind, Document, KpiRecord, Table, YearPercent, YearValue};
use crate::normalize;
use crate::parse::dates;

/// What a year column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Baseline,
    Value,
    Target,
}

/// A year column of the header: fiscal year, role, and (for tables) the column.
#[derive(Debug, Clone, Copy)]
struct YearCol {
    fy: i32,
    role: Role,
    col: u32,
}

/// One header cell or token: `H26(基準)`, `R元(目標)`, `H27`, `2020年度`.
static YEAR_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<y>(?:令和|平成|R|H)(?:元|[0-9]{1,2})(?:年度|年)?|[0-9]{4}(?:年度|年)?) ?(?:\((?P<role>基準|目標|基準値|目標値|実績)\)|(?P<role2>基準|目標))?$")
        .expect("year header regex")
});

/// Tokens of a KPI line: a note in parentheses, the progress label, a number
/// with its unit, or a word (indicator name, region).
static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<note>\([^()]*\))|(?P<prog>進捗率)|(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?) ?(?P<unit>%|カ所|ヶ所|箇所|か所|件|人|名|回|社|団体|校|施設|事業|市町村|地域|ポイント|円|千円|万円|億円|倍)?|(?P<word>[^\s()0-9]+)")
        .expect("kpi token regex")
});

const BULLETS: &[char] = &['○', '◯', '●', '◆', '◇', '■', '□', '・', '•'];

fn year_header(token: &str) -> Option<(i32, Role)> {
    let token = token.trim();
    // Every cell of every table is asked: most are no year at all, and the
    // longest header ("平成30年度 (基準値)") is under 32 bytes.
    if token.len() > 32
        || !token.starts_with(|c: char| matches!(c, '令' | '平' | 'R' | 'H') || c.is_ascii_digit())
    {
        return None;
    }
    let c = YEAR_HEADER.captures(token)?;
    let y = c.name("y")?.as_str();
    // Years are read by the date reader; a bare 4-digit number gets 年 added.
    let text = if y.bytes().all(|b| b.is_ascii_digit()) {
        format!("{y}年")
    } else {
        y.to_string()
    };
    let p = dates::find_periods(&text);
    let fy = *dates::fiscal_years(&p).first()?;
    let role = match c.name("role").or(c.name("role2")).map(|m| m.as_str()) {
        Some(r) if r.starts_with("基準") => Role::Baseline,
        Some(r) if r.starts_with("目標") => Role::Target,
        _ => Role::Value,
    };
    Some((fy, role))
}

/// Reads a header made of year tokens; at least three years and a baseline
/// or target mark, so that an ordinary list of years is not taken for one.
fn header_from_tokens<'a>(tokens: impl Iterator<Item = (&'a str, u32)>) -> Option<Vec<YearCol>> {
    let mut cols = Vec::new();
    for (t, col) in tokens {
        match year_header(t) {
            Some((fy, role)) => cols.push(YearCol { fy, role, col }),
            None => return None,
        }
    }
    let marked = cols.iter().any(|c| c.role != Role::Value);
    (cols.len() >= 3 && marked).then_some(cols)
}

/// A row being read: values by year-column index.
#[derive(Debug, Default, Clone)]
struct RowAcc {
    name: Option<String>,
    region: Option<String>,
    unit: Option<String>,
    /// (index into the header's columns, value)
    values: Vec<(usize, f64)>,
    /// Values in printed order (line rendering), placed at the end.
    ordered: Vec<f64>,
    progress: Vec<(usize, f64)>,
    ordered_progress: Vec<f64>,
    notes: Vec<String>,
    page: Option<u32>,
}

impl RowAcc {
    fn is_empty(&self) -> bool {
        self.values.is_empty() && self.ordered.is_empty()
    }

    /// Places values read in order: first = baseline, last = target, the rest
    /// fill the columns between from the left.
    fn place_ordered(&mut self, cols: &[YearCol]) {
        let n = cols.len();
        let v = std::mem::take(&mut self.ordered);
        if n == 0 || v.is_empty() {
            return;
        }
        if v.len() >= n {
            self.values.extend(v.into_iter().take(n).enumerate());
        } else {
            let b = cols
                .iter()
                .position(|c| c.role == Role::Baseline)
                .unwrap_or(0);
            let t = cols
                .iter()
                .rposition(|c| c.role == Role::Target)
                .unwrap_or(n - 1);
            self.values.push((b, v[0]));
            if v.len() >= 2 {
                let middle: Vec<usize> = (0..n).filter(|&i| i != b && i != t).collect();
                for (k, x) in v[1..v.len() - 1].iter().enumerate() {
                    if let Some(&i) = middle.get(k) {
                        self.values.push((i, *x));
                    }
                }
                if let Some(last) = v.last() {
                    self.values.push((t, *last));
                }
            }
        }
        let p = std::mem::take(&mut self.ordered_progress);
        let b = cols
            .iter()
            .position(|c| c.role == Role::Baseline)
            .unwrap_or(0);
        let after: Vec<usize> = (0..n).filter(|&i| i != b).collect();
        for (k, x) in p.into_iter().enumerate() {
            if let Some(&i) = after.get(k) {
                self.progress.push((i, x));
            }
        }
    }

    fn into_record(mut self, cols: &[YearCol], source: &str) -> Option<KpiRecord> {
        self.place_ordered(cols);
        let name = self.name?;
        let mut baseline = None;
        let mut target = None;
        let mut values = Vec::new();
        self.values.sort_by_key(|v| v.0);
        for (i, v) in self.values {
            let c = cols.get(i)?;
            let yv = YearValue {
                fiscal_year: c.fy,
                value: v,
            };
            match c.role {
                Role::Baseline if baseline.is_none() => baseline = Some(yv),
                Role::Target if target.is_none() => target = Some(yv),
                _ => values.push(yv),
            }
        }
        self.progress.sort_by_key(|p| p.0);
        let progress = self
            .progress
            .into_iter()
            .filter_map(|(i, x)| {
                cols.get(i).map(|c| YearPercent {
                    fiscal_year: c.fy,
                    percent: x,
                })
            })
            .collect();
        Some(KpiRecord {
            name,
            region: self.region,
            unit: self.unit,
            baseline,
            values,
            target,
            progress,
            notes: self.notes,
            source: source.to_string(),
            page: self.page,
        })
    }
}

fn strip_bullet(s: &str) -> Option<String> {
    let t = s.trim();
    let rest = t.strip_prefix(BULLETS)?;
    let rest = rest.trim();
    (!rest.is_empty()).then(|| rest.to_string())
}

fn parse_value(s: &str) -> Option<f64> {
    s.replace(',', "")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// Fills in missing regions: the first row of an indicator without a region
/// takes the first region of an earlier indicator.
fn fill_regions(records: &mut [KpiRecord], first_region: &mut Option<String>, start: usize) {
    let mut prev_name: Option<String> = None;
    for r in records.iter_mut().skip(start) {
        let first_of_indicator = prev_name.as_deref() != Some(r.name.as_str());
        if first_of_indicator {
            if r.region.is_none() {
                r.region = first_region.clone();
            } else if first_region.is_none() {
                *first_region = r.region.clone();
            }
        }
        prev_name = Some(r.name.clone());
    }
}

/// The KPI rows of a normalized document ([`crate::normalize::document`]):
/// its texts are not normalized again here.
///
/// ```
/// use torikumi::model::{Block, BlockKind, Document, Format, Provenance};
/// use torikumi::parse::kpis::find_kpis;
/// let mut doc = Document::new(Format::Text);
/// for l in ["H26(基準) H27 H28 R元(目標)", "○設置数 連携地域 10カ所", "11カ所 22カ所 43カ所", "進捗率 25.6% 51.2%"] {
///     doc.blocks.push(Block { kind: BlockKind::Line { text: l.into() }, prov: Provenance::line(1) });
/// }
/// let k = find_kpis(&doc, "x.txt");
/// assert_eq!(k.len(), 1);
/// assert_eq!(k[0].region.as_deref(), Some("連携地域"));
/// assert_eq!(k[0].baseline.as_ref().map(|b| (b.fiscal_year, b.value)), Some((2014, 10.0)));
/// assert_eq!(k[0].target.as_ref().map(|b| (b.fiscal_year, b.value)), Some((2019, 43.0)));
/// assert_eq!(k[0].progress.len(), 2);
/// ```
pub fn find_kpis(doc: &Document, source: &str) -> Vec<KpiRecord> {
    let mut out = Vec::new();
    let mut first_region = None;
    let mut lines = LineReader::default();
    for b in &doc.blocks {
        match &b.kind {
            BlockKind::Table(t) => {
                lines.finish(&mut out, source, &mut first_region);
                let start = out.len();
                read_table(t, source, b.prov.page, &mut out);
                fill_regions(&mut out, &mut first_region, start);
            }
            kind => {
                if let Some(text) = kind.text() {
                    for line in text.split('\n') {
                        lines.line(line, b.prov.page, &mut out, source, &mut first_region);
                    }
                }
            }
        }
    }
    lines.finish(&mut out, source, &mut first_region);
    out
}

// ------------------------------------------------------------------ tables

/// A cell's text on one line (its lines are normalized already).
fn cell_text(c: &crate::model::Cell) -> String {
    normalize::collapse_space(&c.text().replace('\n', " "))
}

fn read_table(t: &Table, source: &str, page: Option<u32>, out: &mut Vec<KpiRecord>) {
    let mut cols: Option<Vec<YearCol>> = None;
    let mut name_col = 0u32;
    let mut region_col: Option<u32> = None;
    let mut current: Option<RowAcc> = None;
    let mut name: Option<String> = None;
    for row in &t.rows {
        let texts: Vec<(u32, String)> = row.cells.iter().map(|c| (c.col, cell_text(c))).collect();
        // A header row: its non-empty cells after the labels are all years.
        let years: Vec<(&str, u32)> = texts
            .iter()
            .filter(|(_, s)| year_header(s).is_some())
            .map(|(c, s)| (s.as_str(), *c))
            .collect();
        if let Some(h) = header_from_tokens(years.iter().copied()) {
            if let (Some(r), Some(c)) = (current.take(), cols.as_ref()) {
                out.extend(r.into_record(c, source));
            }
            let first_year = h.first().map_or(0, |y| y.col);
            name_col = 0;
            region_col = None;
            for (c, s) in &texts {
                if *c >= first_year {
                    continue;
                }
                if s.contains("指標") || s.contains("項目") {
                    name_col = *c;
                } else if s.contains("地域") || s.contains("区分") || s.contains("圏域") {
                    region_col = Some(*c);
                }
            }
            if region_col.is_none() && first_year > 1 {
                region_col = Some(name_col + 1);
            }
            cols = Some(h);
            name = None;
            continue;
        }
        let Some(h) = cols.as_ref() else { continue };
        let is_progress = texts.iter().any(|(_, s)| s.starts_with("進捗率"));
        let col_index = |c: u32| h.iter().position(|y| y.col == c);
        if is_progress {
            if let Some(r) = current.as_mut() {
                for (c, s) in &texts {
                    if let (Some(i), Some(v)) = (col_index(*c), first_number(s)) {
                        r.progress.push((i, v.0));
                    }
                }
            }
            continue;
        }
        let mut row_acc = RowAcc {
            page,
            ..Default::default()
        };
        for (c, s) in &texts {
            if s.is_empty() {
                continue;
            }
            if *c == name_col {
                name = Some(strip_bullet(s).unwrap_or_else(|| s.clone()));
            } else if Some(*c) == region_col {
                row_acc.region = Some(s.clone());
            } else if let Some(i) = col_index(*c) {
                if let Some((v, unit)) = first_number(s) {
                    row_acc.values.push((i, v));
                    if row_acc.unit.is_none() && !unit.is_empty() {
                        row_acc.unit = Some(unit);
                    }
                }
                row_acc.notes.extend(notes_in(s));
            }
        }
        if row_acc.is_empty() {
            continue;
        }
        row_acc.name = name.clone();
        if let Some(r) = current.replace(row_acc) {
            out.extend(r.into_record(h, source));
        }
    }
    if let (Some(r), Some(c)) = (current, cols.as_ref()) {
        out.extend(r.into_record(c, source));
    }
}

/// The first number outside parentheses, with its unit.
fn first_number(s: &str) -> Option<(f64, String)> {
    for c in TOKEN.captures_iter(s) {
        if let Some(n) = c.name("num") {
            let v = parse_value(n.as_str())?;
            let unit = c
                .name("unit")
                .map(|u| u.as_str().to_string())
                .unwrap_or_default();
            return Some((v, unit));
        }
    }
    None
}

fn notes_in(s: &str) -> Vec<String> {
    TOKEN
        .captures_iter(s)
        .filter_map(|c| {
            c.name("note")
                .map(|n| n.as_str().trim_matches(['(', ')']).to_string())
        })
        .filter(|n| !n.is_empty())
        .collect()
}

// ------------------------------------------------------------------ lines

/// Reads KPI rows from lines, one line at a time.
#[derive(Default)]
struct LineReader {
    cols: Option<Vec<YearCol>>,
    current: Option<RowAcc>,
    name: Option<String>,
    in_progress: bool,
    start: usize,
    /// Year tokens of lines holding nothing else, for a header a PDF
    /// rendering breaks over several lines (one cell a line).
    pending: Vec<String>,
}

impl LineReader {
    fn flush(&mut self, out: &mut Vec<KpiRecord>, source: &str) {
        if let (Some(r), Some(c)) = (self.current.take(), self.cols.as_ref())
            && !r.is_empty()
        {
            out.extend(r.into_record(c, source));
        }
        self.in_progress = false;
    }

    fn finish(
        &mut self,
        out: &mut Vec<KpiRecord>,
        source: &str,
        first_region: &mut Option<String>,
    ) {
        self.flush(out, source);
        if self.cols.take().is_some() {
            fill_regions(out, first_region, self.start);
        }
        self.name = None;
    }

    fn line(
        &mut self,
        line: &str,
        page: Option<u32>,
        out: &mut Vec<KpiRecord>,
        source: &str,
        fr: &mut Option<String>,
    ) {
        if line.is_empty() {
            return;
        }
        let tokens: Vec<&str> = line.split(' ').collect();
        if tokens.iter().all(|t| year_header(t).is_some()) {
            self.pending.extend(tokens.iter().map(|t| t.to_string()));
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        if let Some(h) = header_from_tokens(pending.iter().map(|t| (t.as_str(), 0))) {
            self.finish(out, source, fr);
            self.start = out.len();
            self.cols = Some(h);
        }
        if self.cols.is_none() {
            return;
        }
        for c in TOKEN.captures_iter(line) {
            if let Some(w) = c.name("word") {
                let w = w.as_str();
                if let Some(name) = strip_bullet(w) {
                    self.flush(out, source);
                    self.name = Some(name);
                    self.current = Some(RowAcc {
                        name: self.name.clone(),
                        page,
                        ..Default::default()
                    });
                } else if w.contains(['【', '】', '「', '」', '。'])
                    || w.chars().count() > 16
                    || self.name.is_none()
                {
                    // Not a KPI row any more: the table has ended.
                    self.finish(out, source, fr);
                    return;
                } else if self
                    .current
                    .as_ref()
                    .is_some_and(|r| r.region.is_none() && r.is_empty())
                {
                    if let Some(r) = self.current.as_mut() {
                        r.region = Some(w.to_string());
                    }
                } else {
                    self.flush(out, source);
                    self.current = Some(RowAcc {
                        name: self.name.clone(),
                        region: Some(w.to_string()),
                        page,
                        ..Default::default()
                    });
                }
            } else if c.name("prog").is_some() {
                self.in_progress = true;
            } else if let Some(n) = c.name("note") {
                let note = n.as_str().trim_matches(['(', ')']).to_string();
                if let Some(r) = self.current.as_mut().filter(|_| !note.is_empty()) {
                    r.notes.push(note);
                }
            } else if let Some(n) = c.name("num") {
                let Some(v) = parse_value(n.as_str()) else {
                    continue;
                };
                let Some(r) = self.current.as_mut() else {
                    continue;
                };
                if self.in_progress {
                    r.ordered_progress.push(v);
                } else {
                    r.ordered.push(v);
                    if r.unit.is_none() {
                        r.unit = c.name("unit").map(|u| u.as_str().to_string());
                    }
                }
            }
        }
    }
}
