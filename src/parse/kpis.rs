//! KPI tables: indicator, region rows, baseline, yearly values, target and
//! progress rates.
//!
//! Two header shapes are read.
//!
//! **Year headers.** A row (or a line) of fiscal years, one marked (基準) for
//! the baseline and one (目標) for the target (`H26(基準) H27 H28 H29 H30
//! R元(目標)`). Below it each indicator (○名称) has one row per region, each
//! followed by a 進捗率 row. Read
//! - from a [`Table`] (HTML, or a PDF table the extractor rebuilt): values
//!   sit in the column of their year, so gaps are known;
//! - from [`BlockKind::Line`]s (a text or PDF rendering), where a row may be
//!   broken over several lines and empty cells leave no trace: the first
//!   value is the baseline, the last the target, and those between fill the
//!   years between from the left; progress rates fill the years after the
//!   baseline.
//!
//! A row without a region takes the region of the first row of an earlier
//! indicator (the 004 sheet prints the area label only once), as the gold does.
//! Notes in parentheses (見直し前38カ所) go to `notes`.
//!
//! **Role headers.** Header cells made of a role word (現状値, 基準値, 実績値,
//! 目標値, 目標, 基準, 実績, 見込), a year and a unit, in any order, bracketed
//! or not: `重要業績評価指標(KPI) | 現状値(2014年度) | 目標値(2019年度)`,
//! `基準値(H30実績) | 実績値(R1) | ... | 目標値(R5)`, `目標値(人)`; bare years
//! (`R1`) are value columns. A second header row may add what the first
//! leaves out (the years under `現状値`, the roles under a row of years,
//! units), and a spanning `実績値` is split by the years under it. 目標 is the
//! target (the last one, when there are several), 基準 the baseline (with
//! 実績 too), 現状 the baseline unless a 基準 column exists, the rest
//! values. A header needs a target, baseline or current column, another
//! value column and an indicator column left of them, so that a table of
//! statistics by year gives nothing. Each body row is one indicator: its
//! name from the 指標/KPI column (else the first label column), a region only
//! from a region column (地域, 地区 ...), the unit from a 単位 column, else
//! the cell (`120人`), else the header. A dash, an empty cell or a sentence
//! is no value; a value with no year (in neither header nor cell) is left
//! out. A period total (`5年間で6人`, `累計100件`, `R2~R6累計 500人`) is the
//! value of its column, dated by the span's end year when one is printed,
//! and its wording goes to `notes`. In lines, a header line (its years may
//! follow on the next line) is followed by one line per indicator, its
//! values in printed order (a dash holds a place); a PDF rendering that
//! breaks the cells apart is not read.

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
        let b = cols
            .iter()
            .position(|c| c.role == Role::Baseline)
            .unwrap_or(0);
        let t = cols
            .iter()
            .rposition(|c| c.role == Role::Target)
            .unwrap_or(n - 1);
        let slots = printed_order_slots(v.len(), n, b, t);
        self.values
            .extend(slots.into_iter().zip(v).filter_map(|(i, x)| Some((i?, x))));
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

/// The columns of `k` values printed in order under `n` columns, when empty
/// cells left no trace: all in order when there are enough; else the first
/// goes to column `first`, the last to column `last`, and those between fill
/// the other columns from the left (None: no column left for it).
fn printed_order_slots(k: usize, n: usize, first: usize, last: usize) -> Vec<Option<usize>> {
    if k >= n {
        return (0..k).map(|i| (i < n).then_some(i)).collect();
    }
    let middle: Vec<usize> = (0..n).filter(|&i| i != first && i != last).collect();
    (0..k)
        .map(|i| match i {
            0 => Some(first),
            _ if i + 1 == k => Some(last),
            _ => middle.get(i - 1).copied(),
        })
        .collect()
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
    let mut role_lines = RoleLineReader::default();
    for b in &doc.blocks {
        match &b.kind {
            BlockKind::Table(t) => {
                lines.finish(&mut out, source, &mut first_region);
                role_lines.finish();
                let start = out.len();
                if read_table(t, source, b.prov.page, &mut out) {
                    fill_regions(&mut out, &mut first_region, start);
                } else {
                    // Role tables have no region rows to fill.
                    read_role_table(t, source, b.prov.page, &mut out);
                }
            }
            kind => {
                if let Some(text) = kind.text() {
                    for line in text.split('\n') {
                        // A role header ends a year-header table, which would
                        // take its words for regions.
                        if lines.cols.is_some() && role_header_line(line).is_some() {
                            lines.finish(&mut out, source, &mut first_region);
                        }
                        lines.line(line, b.prov.page, &mut out, source, &mut first_region);
                        // One reader at a time: the year-header reader fills
                        // regions over the records after its start.
                        if lines.cols.is_some() {
                            role_lines.finish();
                        } else {
                            role_lines.line(line, b.prov.page, &mut out, source);
                        }
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

/// Reads a table of the year-header shape; false when it has no such header.
fn read_table(t: &Table, source: &str, page: Option<u32>, out: &mut Vec<KpiRecord>) -> bool {
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
    let found = cols.is_some();
    if let (Some(r), Some(c)) = (current, cols.as_ref()) {
        out.extend(r.into_record(c, source));
    }
    found
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

// ------------------------------------------------------------------ role tables

/// A year as a header or a cell prints it. Header cells also take a bare
/// 4-digit year (`現状値(2014)`): beside a role word it can be nothing else.
const YEAR_RE: &str =
    r"(?:令和|平成|R|H)(?:元|[0-9]{1,2})(?:年度|年)?|(?:19|20)[0-9]{2}(?:年度|年)?";
/// A year inside a value cell: an era or 年 is needed, since `2019` there
/// may be the value.
const CELL_YEAR_RE: &str =
    r"(?:令和|平成|R|H)(?:元|[0-9]{1,2})(?:年度|年)?|(?:19|20)[0-9]{2}(?:年度|年)";
/// Units a value or a header may carry, longest first (the regex takes the
/// first alternative that matches).
const UNIT_RE: &str = r"(?:%|ポイント|万人泊|人泊|万人|千人|人|名|件|回|社|団体|校|施設|事業所|事業者|事業|市町村|地域|地区|集落|千円|万円|億円|円|倍|カ所|ヶ所|箇所|か所|世帯|戸|組|ha|台|店舗|店|軒|本|個|品目|棟|時間|日|km|園|機関|企業|t)(?:/(?:年度|年|月|日|人))?";

/// A role word of a header cell.
static ROLE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"現状値|現状|基準値|基準|実績値|実績|目標値|目標|見込値|見込み|見込")
        .expect("role word regex")
});

static HEAD_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(YEAR_RE).expect("header year regex"));

/// A span of years (`R2~R6`): a period total, read as its end year.
static SPAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?P<a>{YEAR_RE}) ?[~\-〜～－] ?(?P<b>{YEAR_RE})")).expect("span regex")
});

/// A year a value cell is dated with: alone in brackets (`120人(H30)`) or
/// leading the cell (`H30:120人`).
static CELL_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\( ?(?P<y>{CELL_YEAR_RE}) ?(?:末|時点|実績)? ?\)|^(?P<y2>{CELL_YEAR_RE}) ?:?"
    ))
    .expect("cell year regex")
});

/// Words that make a value a total over a period (`5年間で6人`, `累計100件`).
static CUMULATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9]+ ?(?:か|カ|ヶ|ケ|箇)?年間(?:で|の|に)?(?:累計|合計)?|累計|合計|通算")
        .expect("cumulative regex")
});

static PAREN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\(([^()]*)\)").expect("paren regex"));

/// The number of a value cell, with its unit.
static CELL_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?P<neg>[▲△])?(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?) ?(?P<unit>{UNIT_RE})?(?:以上|以下|未満|超|程度|増|減)?"
    ))
    .expect("cell number regex")
});

/// A header's unit on its own, once role and year are taken out.
static UNIT_ONLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("^(?:{UNIT_RE})$")).expect("unit regex"));

const DASHES: &[char] = &['-', '―', '－', '—', '‐', '–', '─', 'ー', '−'];

/// What a role word says of its column. 現状 (the value when the plan was
/// made) is the baseline unless the table also has a 基準 column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    Baseline,
    Current,
    Value,
    Target,
}

/// One header cell of the role shape: `現状値(2014年度)`, `目標値(人)`,
/// `R6`, `(2019年度)`; any part may be missing, not all.
#[derive(Debug, Clone, Default, PartialEq)]
struct HeadCell {
    word: Option<Word>,
    fy: Option<i32>,
    unit: Option<String>,
}

/// The fiscal year of a year token the date reader knows.
fn fy_of(y: &str) -> Option<i32> {
    let y = y.trim();
    let text = if y.bytes().all(|b| b.is_ascii_digit()) {
        format!("{y}年")
    } else {
        y.to_string()
    };
    dates::fiscal_years(&dates::find_periods(&text))
        .first()
        .copied()
}

/// Reads a header cell made of a role word, a year and a unit, in any order,
/// bracketed or not; anything else left over (指標, 備考) makes it no header.
fn head_cell(s: &str) -> Option<HeadCell> {
    let s = s.trim();
    if s.is_empty() || s.len() > 96 {
        return None;
    }
    let mut h = HeadCell::default();
    let mut rest = s.to_string();
    if let Some(c) = SPAN.captures(&rest) {
        h.fy = fy_of(&c["b"]);
        let r = c.get(0).map(|m| m.range()).unwrap_or_default();
        rest.replace_range(r, " ");
    } else {
        // One year, or the same year twice (`令和元年度(2019年度)`).
        let mut fys = Vec::new();
        for m in HEAD_YEAR.find_iter(&rest) {
            fys.push(fy_of(m.as_str())?);
        }
        if fys.windows(2).any(|w| w[0] != w[1]) {
            return None;
        }
        h.fy = fys.first().copied();
        rest = HEAD_YEAR.replace_all(&rest, " ").into_owned();
    }
    let words: Vec<&str> = ROLE_WORD.find_iter(&rest).map(|m| m.as_str()).collect();
    let has = |w: &str| words.iter().any(|x| x.starts_with(w));
    h.word = if has("目標") {
        Some(Word::Target)
    } else if has("基準") {
        // 基準 + 実績 (a measured baseline) is still the baseline.
        Some(Word::Baseline)
    } else if has("現状") {
        Some(Word::Current)
    } else if !words.is_empty() {
        Some(Word::Value)
    } else {
        None
    };
    let rest = ROLE_WORD.replace_all(&rest, " ");
    let rest = rest.replace("単位", " ").replace(
        [
            '(', ')', '[', ']', '【', '】', '<', '>', '〔', '〕', ':', '・', ' ',
        ],
        "",
    );
    let rest = [
        "時点",
        "現在",
        "年度末",
        "末",
        "累計",
        "合計",
        "最終",
        "中間",
        "値",
    ]
    .iter()
    .fold(rest, |r, w| r.replace(w, ""));
    if !rest.is_empty() {
        if !UNIT_ONLY.is_match(&rest) {
            return None;
        }
        h.unit = Some(rest);
    }
    (h.word.is_some() || h.fy.is_some() || h.unit.is_some()).then_some(h)
}

/// A value cell: its number, unit, the year it is dated with, and notes.
#[derive(Debug, Clone, PartialEq)]
struct CellValue {
    value: f64,
    unit: Option<String>,
    fy: Option<i32>,
    notes: Vec<String>,
    /// Nothing but the value was printed (a line's token must be this).
    clean: bool,
}

/// Reads a value cell: `120人`, `35.5%`, `120人(H30)`, `5年間で6人`,
/// `累計100件`, `R2~R6累計 500人`. A dash or an empty cell is no value. A
/// total over a period keeps its wording as a note; a printed span dates it
/// by its end year.
fn value_cell(s: &str) -> Option<CellValue> {
    let s = s.trim();
    if s.is_empty() || s.chars().all(|c| DASHES.contains(&c) || c == ' ') {
        return None;
    }
    let mut rest = s.to_string();
    let mut fy = None;
    let mut cumulative = false;
    if let Some(c) = SPAN.captures(&rest) {
        fy = fy_of(&c["b"]);
        cumulative = true;
        let r = c.get(0).map(|m| m.range()).unwrap_or_default();
        rest.replace_range(r, " ");
    }
    if CUMULATIVE.is_match(&rest) {
        cumulative = true;
        rest = CUMULATIVE.replace_all(&rest, " ").into_owned();
    }
    if let Some(c) = CELL_YEAR.captures(&rest) {
        if fy.is_none() {
            fy = c.name("y").or(c.name("y2")).and_then(|m| fy_of(m.as_str()));
        }
        let r = c.get(0).map(|m| m.range()).unwrap_or_default();
        rest.replace_range(r, " ");
    }
    let mut notes: Vec<String> = PAREN
        .captures_iter(&rest)
        .map(|c| c[1].trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    let rest = PAREN.replace_all(&rest, " ");
    let c = CELL_NUMBER.captures(&rest)?;
    let mut value = parse_value(&c["num"])?;
    if c.name("neg").is_some() {
        value = -value;
    }
    let unit = c.name("unit").map(|u| u.as_str().to_string());
    let whole = c.get(0).map(|m| m.range()).unwrap_or_default();
    let left = format!("{}{}", &rest[..whole.start], &rest[whole.end..]);
    let clean = left
        .replace(['約', 'で', 'の', ' '], "")
        .replace("までに", "")
        .is_empty();
    if cumulative {
        notes = vec![s.to_string()];
    }
    Some(CellValue {
        value,
        unit,
        fy,
        notes,
        clean,
    })
}

/// A value column of a role header.
#[derive(Debug, Clone, PartialEq)]
struct RoleCol {
    col: u32,
    span: u32,
    word: Word,
    fy: Option<i32>,
    unit: Option<String>,
}

/// Settles 現状 (see [`Word`]) and checks the header is a KPI header: a
/// target, baseline or current column and at least one other value column.
fn settle(mut cols: Vec<RoleCol>) -> Option<Vec<RoleCol>> {
    let marked = cols
        .iter()
        .any(|c| matches!(c.word, Word::Target | Word::Baseline | Word::Current));
    if !marked || cols.len() < 2 {
        return None;
    }
    let has_baseline = cols.iter().any(|c| c.word == Word::Baseline);
    for c in &mut cols {
        if c.word == Word::Current {
            c.word = if has_baseline {
                Word::Value
            } else {
                Word::Baseline
            };
        }
    }
    Some(cols)
}

/// The entries of one indicator row: (role, year, value) in column order.
#[derive(Debug, Default)]
struct RoleRow {
    name: String,
    region: Option<String>,
    unit: Option<String>,
    entries: Vec<(Word, i32, f64)>,
    notes: Vec<String>,
}

impl RoleRow {
    /// Adds a value read under `col`; a value with no year (none in the
    /// header, none in the cell) is dropped, since a record needs one.
    fn add(&mut self, col: &RoleCol, v: CellValue) {
        if self.unit.is_none() {
            self.unit = v.unit.clone().or_else(|| col.unit.clone());
        }
        self.notes.extend(v.notes);
        if let Some(fy) = v.fy.or(col.fy) {
            self.entries.push((col.word, fy, v.value));
        }
    }

    /// The record: the first baseline, the last target (a final target
    /// after an interim one), the rest as values by year.
    fn into_record(self, source: &str, page: Option<u32>) -> Option<KpiRecord> {
        if self.entries.is_empty() || self.name.is_empty() {
            return None;
        }
        let yv = |fy: i32, value: f64| YearValue {
            fiscal_year: fy,
            value,
        };
        let b = self.entries.iter().position(|e| e.0 == Word::Baseline);
        let t = self.entries.iter().rposition(|e| e.0 == Word::Target);
        let mut values: Vec<YearValue> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != b && Some(*i) != t)
            .map(|(_, e)| yv(e.1, e.2))
            .collect();
        values.sort_by_key(|v| v.fiscal_year);
        Some(KpiRecord {
            name: self.name,
            region: self.region,
            unit: self.unit,
            baseline: b.map(|i| yv(self.entries[i].1, self.entries[i].2)),
            values,
            target: t.map(|i| yv(self.entries[i].1, self.entries[i].2)),
            progress: Vec::new(),
            notes: self.notes,
            source: source.to_string(),
            page,
        })
    }
}

/// A role header found in a table.
#[derive(Debug)]
struct RoleHeader {
    cols: Vec<RoleCol>,
    name_col: u32,
    region_col: Option<u32>,
    unit_col: Option<u32>,
    /// Rows the header takes (1 or 2).
    rows: usize,
}

/// A table row as (column, span, text).
type RowTexts = Vec<(u32, u32, String)>;

fn row_texts(row: &crate::model::Row) -> RowTexts {
    row.cells
        .iter()
        .map(|c| (c.col, c.col_span.max(1), cell_text(c)))
        .collect()
}

/// The header cells of a row, or None when some non-empty cell at or right
/// of `from` is not one.
fn head_cells(texts: &RowTexts, from: u32) -> Option<HeadCells> {
    let mut out = Vec::new();
    for (col, span, s) in texts {
        if s.is_empty() || *col < from {
            continue;
        }
        out.push((*col, *span, head_cell(s)?));
    }
    (!out.is_empty()).then_some(out)
}

/// Header cells as (column, span, cell).
type HeadCells = Vec<(u32, u32, HeadCell)>;

/// The first header row's value columns with the second row's cells under
/// them; None where a cell under a one-column cell repeats a part of it
/// (a year under a dated column, a role under a role).
fn merge_header(top: &HeadCells, sub: &HeadCells) -> Option<HeadCells> {
    let mut merged = Vec::new();
    for (col, span, h) in top {
        let under: Vec<_> = sub
            .iter()
            .filter(|(c, _, _)| *c >= *col && *c < col + span)
            .collect();
        if under.is_empty() {
            merged.push((*col, *span, h.clone()));
        }
        for (c, s, u) in under {
            let clash = (u.fy.is_some() && h.fy.is_some())
                || (u.word.is_some() && h.word.is_some())
                || (u.unit.is_some() && h.unit.is_some());
            if *span == 1 && clash {
                return None;
            }
            merged.push((
                *c,
                *s,
                HeadCell {
                    word: u.word.or(h.word),
                    fy: u.fy.or(h.fy),
                    unit: u.unit.clone().or_else(|| h.unit.clone()),
                },
            ));
        }
    }
    Some(merged)
}

/// Reads a role header at `rows[0]`, over one row or two (`現状値` above
/// `2014年度`, or `実績値` spanning `H30 R1 R2`).
fn role_header(rows: &[RowTexts]) -> Option<RoleHeader> {
    let top = rows.first()?;
    // Every row is asked: most have no role word in it or the next row.
    let has_role = |r: &RowTexts| r.iter().any(|(_, _, s)| ROLE_WORD.is_match(s));
    if !has_role(top) && !rows.get(1).is_some_and(has_role) {
        return None;
    }
    let mut cols = Vec::new();
    let mut labels = Vec::new();
    for (col, span, s) in top {
        if s.is_empty() {
            continue;
        }
        match head_cell(s) {
            Some(h) if h.word.is_some() || h.fy.is_some() => cols.push((*col, *span, h)),
            // Anything else is a label, a unit alone (`地域`, `(人)`) too.
            _ => labels.push((*col, s.as_str())),
        }
    }
    let first = cols.first()?.0;
    let mut used = 1;
    // A second header row under the value columns fills in what the first
    // leaves out (years under 現状値, roles under years, units) or splits a
    // spanning cell (実績値 over H30 R1 R2). It may not contradict the first:
    // a body row of bare numbers (2020) under dated columns is no header.
    if let Some(merged) = rows
        .get(1)
        .and_then(|r| head_cells(r, first))
        .and_then(|sub| merge_header(&cols, &sub))
    {
        cols = merged;
        used = 2;
    }
    let cols = settle(
        cols.into_iter()
            .map(|(col, span, h)| RoleCol {
                col,
                span,
                word: h.word.unwrap_or(Word::Value),
                fy: h.fy,
                unit: h.unit,
            })
            .collect(),
    )?;
    // An indicator column: a column left of the values.
    if first == 0 {
        return None;
    }
    let before: Vec<&(u32, &str)> = labels.iter().filter(|(c, _)| *c < first).collect();
    let is_region = |s: &str| {
        ["地域", "圏域", "地区", "エリア", "市町村"]
            .iter()
            .any(|w| s.contains(w))
    };
    let is_unit = |s: &str| s.contains("単位");
    let is_number =
        |s: &str| ["No", "NO", "番号", "#"].iter().any(|w| s.contains(w)) && s.chars().count() <= 4;
    let name_col = before
        .iter()
        .find(|(_, s)| s.contains("指標") || s.contains("KPI"))
        .or_else(|| {
            before
                .iter()
                .find(|(_, s)| !is_region(s) && !is_unit(s) && !is_number(s))
        })
        .map_or(0, |(c, _)| *c);
    Some(RoleHeader {
        cols,
        name_col,
        region_col: before
            .iter()
            .find(|(c, s)| *c != name_col && is_region(s))
            .map(|(c, _)| *c),
        unit_col: labels
            .iter()
            .find(|(c, s)| *c != name_col && is_unit(s))
            .map(|(c, _)| *c),
        rows: used,
    })
}

/// Reads a table whose header names roles (現状値, 目標値, 実績値 ...): one
/// record per body row.
fn read_role_table(t: &Table, source: &str, page: Option<u32>, out: &mut Vec<KpiRecord>) {
    let rows: Vec<RowTexts> = t.rows.iter().map(row_texts).collect();
    let mut header: Option<RoleHeader> = None;
    let mut name = String::new();
    let mut i = 0;
    while i < rows.len() {
        if let Some(h) = role_header(&rows[i..]) {
            i += h.rows;
            header = Some(h);
            name.clear();
            continue;
        }
        let texts = &rows[i];
        i += 1;
        let Some(h) = header.as_ref() else { continue };
        let mut row = RoleRow::default();
        let mut row_name = None;
        for (col, _, s) in texts {
            if s.is_empty() {
                continue;
            }
            if *col == h.name_col {
                row_name = Some(strip_bullet(s).unwrap_or_else(|| s.clone()));
            } else if Some(*col) == h.region_col {
                row.region = Some(s.clone());
            } else if Some(*col) == h.unit_col {
                row.unit = Some(s.trim_matches(['(', ')']).to_string());
            } else if let Some(rc) = h
                .cols
                .iter()
                .find(|c| *col >= c.col && *col < c.col + c.span)
                // A sentence in a value column (`R5年度までに300件を目指す`) is
                // prose, not a value: only short cells are read loosely.
                && let Some(v) = value_cell(s).filter(|v| v.clean || s.chars().count() <= 20)
            {
                row.add(rc, v);
            }
        }
        if row.entries.is_empty() {
            continue;
        }
        // A name cell spanning rows is given once: later rows keep it.
        if let Some(n) = row_name {
            name = n;
        }
        row.name = name.clone();
        out.extend(row.into_record(source, page));
    }
}

// ------------------------------------------------------------------ role lines

/// Reads the role shape from lines: a header line `指標 現状値(2014年度)
/// 目標値(2019年度)` (years may come on the next line), then one line per
/// indicator, its values in printed order (a dash holds a place).
#[derive(Default)]
struct RoleLineReader {
    cols: Option<Vec<RoleCol>>,
    /// The header's columns still want their years from the next line.
    want_years: bool,
}

/// The header cells of a line: tokens after a label, each a role cell; a
/// year token after a role word without a year is that word's year
/// (`現状値 H30年度`).
fn role_header_line(line: &str) -> Option<Vec<RoleCol>> {
    if !ROLE_WORD.is_match(line) {
        return None;
    }
    let tokens: Vec<&str> = line.split(' ').collect();
    let first = tokens
        .iter()
        .position(|t| head_cell(t).is_some_and(|h| h.word.is_some()))?;
    let label = tokens[..first].join(" ");
    if label.is_empty() || label.contains('。') || label.chars().count() > 40 {
        return None;
    }
    let mut cells: Vec<HeadCell> = Vec::new();
    for t in &tokens[first..] {
        let h = head_cell(t)?;
        let last = cells.last_mut();
        match last {
            Some(last) if h.word.is_none() && h.fy.is_some() && last.fy.is_none() => {
                last.fy = h.fy;
                last.unit = last.unit.take().or(h.unit);
            }
            Some(last) if h.word.is_none() && h.fy.is_none() && last.unit.is_none() => {
                last.unit = h.unit;
            }
            _ if h.word.is_none() && h.fy.is_none() => return None,
            _ => cells.push(h),
        }
    }
    settle(
        cells
            .into_iter()
            .enumerate()
            .map(|(i, h)| RoleCol {
                col: i as u32,
                span: 1,
                word: h.word.unwrap_or(Word::Value),
                fy: h.fy,
                unit: h.unit,
            })
            .collect(),
    )
}

/// A line's values: the name, then (in printed order) each value cell, None
/// for a dash. A total's wording broken in two (`R2~R6累計 500人`) is joined.
fn role_row_line(line: &str) -> Option<(String, Vec<Option<CellValue>>)> {
    let tokens: Vec<&str> = line.split(' ').collect();
    let is_dash = |t: &str| t.chars().all(|c| DASHES.contains(&c));
    let is_prefix = |t: &str| {
        let rest = CUMULATIVE
            .replace_all(&SPAN.replace_all(t, ""), "")
            .into_owned();
        rest != t && rest.replace(['(', ')', ' '], "").is_empty()
    };
    let starts_value = |i: usize| {
        let t = tokens[i];
        is_dash(t)
            || value_cell(t).is_some_and(|v| v.clean)
            || (is_prefix(t) && i + 1 < tokens.len())
    };
    let first = (0..tokens.len()).find(|&i| starts_value(i))?;
    let name = tokens[..first].join(" ");
    if name.is_empty() || name.contains('。') || name.chars().count() > 40 {
        return None;
    }
    let mut values = Vec::new();
    let mut i = first;
    while i < tokens.len() {
        let t = tokens[i];
        if is_dash(t) {
            values.push(None);
            i += 1;
        } else if is_prefix(t) && i + 1 < tokens.len() {
            let joined = format!("{t} {}", tokens[i + 1]);
            let v = value_cell(&joined).filter(|v| v.clean)?;
            values.push(Some(v));
            i += 2;
        } else if t.starts_with('(') && t.ends_with(')') && !values.is_empty() {
            // A note after a value.
            if let Some(Some(v)) = values.last_mut() {
                v.notes.push(t.trim_matches(['(', ')']).to_string());
            }
            i += 1;
        } else {
            values.push(Some(value_cell(t).filter(|v| v.clean)?));
            i += 1;
        }
    }
    Some((strip_bullet(&name).unwrap_or(name), values))
}

impl RoleLineReader {
    fn finish(&mut self) {
        self.cols = None;
        self.want_years = false;
    }

    /// Reads one line; records go to `out` as soon as their line is read.
    fn line(&mut self, line: &str, page: Option<u32>, out: &mut Vec<KpiRecord>, source: &str) {
        if line.is_empty() {
            return;
        }
        let tokens: Vec<&str> = line.split(' ').collect();
        // The old shape's year headers are not this reader's.
        if tokens.iter().all(|t| year_header(t).is_some()) && !self.want_years {
            self.finish();
            return;
        }
        if let Some(cols) = role_header_line(line) {
            self.want_years = cols.iter().any(|c| c.fy.is_none());
            self.cols = Some(cols);
            return;
        }
        let Some(cols) = self.cols.as_mut() else {
            return;
        };
        if std::mem::take(&mut self.want_years) {
            let years: Option<Vec<i32>> = tokens
                .iter()
                .map(|t| head_cell(t).filter(|h| h.word.is_none()).and_then(|h| h.fy))
                .collect();
            let missing = cols.iter().filter(|c| c.fy.is_none()).count();
            if let Some(years) = years.filter(|y| y.len() == missing) {
                for (c, y) in cols.iter_mut().filter(|c| c.fy.is_none()).zip(years) {
                    c.fy = Some(y);
                }
                return;
            }
        }
        let Some((name, values)) = role_row_line(line) else {
            self.finish();
            return;
        };
        // Fewer values than columns: the first is the first column's, the
        // last the last's, those between fill from the left.
        let slots = printed_order_slots(values.len(), cols.len(), 0, cols.len().saturating_sub(1));
        let mut row = RoleRow {
            name,
            ..Default::default()
        };
        for (i, v) in slots.into_iter().zip(values) {
            if let (Some(i), Some(v)) = (i, v) {
                row.add(&cols[i], v);
            }
        }
        out.extend(row.into_record(source, page));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, Cell, Format, Provenance, Row};

    fn cell(col: u32, span: u32, text: &str) -> Cell {
        Cell {
            header: false,
            col,
            col_span: span,
            row_span: 1,
            blocks: vec![Block {
                kind: BlockKind::Paragraph {
                    text: normalize::text(text),
                },
                prov: Provenance::line(1),
            }],
            prov: Provenance::line(1),
        }
    }

    /// A table from rows of (column, span, text).
    fn table(rows: &[&[(u32, u32, &str)]]) -> Document {
        let mut t = Table::default();
        for r in rows {
            t.rows.push(Row {
                cells: r.iter().map(|(c, s, x)| cell(*c, *s, x)).collect(),
            });
        }
        let mut doc = Document::new(Format::Html);
        doc.blocks.push(Block {
            kind: BlockKind::Table(t),
            prov: Provenance::line(1),
        });
        doc
    }

    /// A table whose cells each take one column, in order.
    fn grid(rows: &[&[&str]]) -> Document {
        let rows: Vec<Vec<(u32, u32, &str)>> = rows
            .iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(i, x)| (i as u32, 1, *x))
                    .collect()
            })
            .collect();
        let refs: Vec<&[(u32, u32, &str)]> = rows.iter().map(|r| r.as_slice()).collect();
        table(&refs)
    }

    fn lines(ls: &[&str]) -> Document {
        let mut doc = Document::new(Format::Text);
        for l in ls {
            doc.blocks.push(Block {
                kind: BlockKind::Line {
                    text: normalize::text(l),
                },
                prov: Provenance::line(1),
            });
        }
        doc
    }

    /// name|region|unit|baseline|values|target|notes
    fn show(k: &KpiRecord) -> String {
        let yv = |v: &YearValue| format!("{}:{}", v.fiscal_year, v.value);
        format!(
            "{}|{}|{}|{}|{}|{}|{}",
            k.name,
            k.region.as_deref().unwrap_or("-"),
            k.unit.as_deref().unwrap_or("-"),
            k.baseline.as_ref().map(yv).unwrap_or_default(),
            k.values.iter().map(yv).collect::<Vec<_>>().join(" "),
            k.target.as_ref().map(yv).unwrap_or_default(),
            k.notes.join(";"),
        )
    }

    fn read(doc: &Document) -> Vec<String> {
        find_kpis(doc, "x").iter().map(show).collect()
    }

    fn h(word: Option<Word>, fy: Option<i32>, unit: Option<&str>) -> Option<HeadCell> {
        Some(HeadCell {
            word,
            fy,
            unit: unit.map(str::to_string),
        })
    }

    #[test]
    fn header_cells_are_role_year_and_unit_in_any_order() {
        let n = |s: &str| head_cell(&normalize::text(s));
        assert_eq!(
            n("現状値（2014年度）"),
            h(Some(Word::Current), Some(2014), None)
        );
        assert_eq!(n("基準値(H26)"), h(Some(Word::Baseline), Some(2014), None));
        assert_eq!(
            n("現状値 H30年度"),
            h(Some(Word::Current), Some(2018), None)
        );
        assert_eq!(n("目標値(R6)"), h(Some(Word::Target), Some(2024), None));
        assert_eq!(
            n("目標 (令和7年度)"),
            h(Some(Word::Target), Some(2025), None)
        );
        assert_eq!(n("2019年度目標"), h(Some(Word::Target), Some(2019), None));
        assert_eq!(n("実績値(R1)"), h(Some(Word::Value), Some(2019), None));
        assert_eq!(
            n("基準値(H30実績)"),
            h(Some(Word::Baseline), Some(2018), None)
        );
        assert_eq!(n("目標値（人）"), h(Some(Word::Target), None, Some("人")));
        assert_eq!(
            n("目標値(R6) (件)"),
            h(Some(Word::Target), Some(2024), Some("件"))
        );
        assert_eq!(n("R2～R6累計目標"), h(Some(Word::Target), Some(2024), None));
        assert_eq!(n("見込値(R2)"), h(Some(Word::Value), Some(2020), None));
        assert_eq!(
            n("現状値 令和元年度(2019年度)"),
            h(Some(Word::Current), Some(2019), None)
        );
        assert_eq!(n("2014年度"), h(None, Some(2014), None));
        assert_eq!(n("(件)"), h(None, None, Some("件")));
        // Labels and other words are no header cells.
        for s in [
            "重要業績評価指標(KPI)",
            "基本目標",
            "目標達成に向けた取組",
            "備考",
            "単位",
            "120人",
            "H26 R1",
            "",
        ] {
            assert_eq!(n(s), None, "{s}");
        }
    }

    #[test]
    fn value_cells_read_number_unit_year_and_totals() {
        let v = |s: &str| value_cell(&normalize::text(s)).map(|v| (v.value, v.unit, v.fy, v.notes));
        let u = |s: &str| Some(s.to_string());
        assert_eq!(v("120人"), Some((120.0, u("人"), None, vec![])));
        assert_eq!(v("35.5%"), Some((35.5, u("%"), None, vec![])));
        assert_eq!(v("1,250"), Some((1250.0, None, None, vec![])));
        assert_eq!(v("120人(H30)"), Some((120.0, u("人"), Some(2018), vec![])));
        assert_eq!(v("▲5%"), Some((-5.0, u("%"), None, vec![])));
        assert_eq!(
            v("5年間で6人"),
            Some((6.0, u("人"), None, vec!["5年間で6人".into()]))
        );
        assert_eq!(
            v("累計100件"),
            Some((100.0, u("件"), None, vec!["累計100件".into()]))
        );
        assert_eq!(
            v("R2～R6累計 500人"),
            Some((500.0, u("人"), Some(2024), vec!["R2~R6累計 500人".into()]))
        );
        assert_eq!(
            v("R2〜R6 累計500人"),
            Some((500.0, u("人"), Some(2024), vec!["R2〜R6 累計500人".into()]))
        );
        assert_eq!(
            v("40(全国平均45)"),
            Some((40.0, None, None, vec!["全国平均45".into()]))
        );
        for s in ["-", "―", "－", "—", "‐", "", "増加", "2019年度"] {
            assert_eq!(v(s), None, "{s}");
        }
    }

    #[test]
    fn current_and_target_columns_with_years_in_the_header() {
        let doc = grid(&[
            &[
                "重要業績評価指標 (KPI)",
                "現状値（2014年度）",
                "目標値（2019年度）",
            ],
            &["移住相談件数", "120件", "300件"],
            &["観光入込客数", "35.5%", "―"],
            &["新規就農者数", "－", "5年間で6人"],
            &["空き家活用件数", "-", ""],
            // Prose in the value columns is no value.
            &[
                "相談体制",
                "相談は年に数回程度",
                "R5年度までに300件を目指して体制を強化する",
            ],
        ]);
        assert_eq!(
            read(&doc),
            [
                "移住相談件数|-|件|2014:120||2019:300|",
                "観光入込客数|-|%|2014:35.5|||",
                "新規就農者数|-|人|||2019:6|5年間で6人",
            ]
        );
    }

    #[test]
    fn a_header_over_two_rows_and_a_unit_column() {
        // 現状値 / 目標値 above their years; the label cells span both rows.
        let doc = table(&[
            &[
                (0, 1, "指標"),
                (1, 1, "単位"),
                (2, 1, "基準値"),
                (3, 1, "現状値"),
                (4, 1, "目標値"),
            ],
            &[(2, 1, "H26"), (3, 1, "H30"), (4, 1, "R6")],
            &[
                (0, 1, "○創業支援件数"),
                (1, 1, "件"),
                (2, 1, "8"),
                (3, 1, "20"),
                (4, 1, "累計100件"),
            ],
            &[
                (0, 1, "○企業誘致数"),
                (1, 1, "社"),
                (2, 1, "-"),
                (3, 1, "2"),
                (4, 1, "5"),
            ],
        ]);
        // A 基準 column makes 現状 a value, even where 基準 is blank.
        assert_eq!(
            read(&doc),
            [
                "創業支援件数|-|件|2014:8|2018:20|2024:100|累計100件",
                "企業誘致数|-|社||2018:2|2024:5|",
            ]
        );
    }

    #[test]
    fn years_above_roles_and_a_row_of_units() {
        let doc = table(&[
            &[(0, 1, "指標"), (1, 1, "2018年度"), (2, 1, "2024年度")],
            &[(1, 1, "(現状)"), (2, 1, "(目標)")],
            &[(0, 1, "移住相談件数"), (1, 1, "120"), (2, 1, "300")],
        ]);
        assert_eq!(read(&doc), ["移住相談件数|-|-|2018:120||2024:300|"]);
        let doc = table(&[
            &[(0, 1, "指標"), (1, 1, "現状値(H30)"), (2, 1, "目標値(R6)")],
            &[(1, 1, "(人)"), (2, 1, "(人)")],
            &[(0, 1, "新規就農者数"), (1, 1, "2"), (2, 1, "5")],
        ]);
        assert_eq!(read(&doc), ["新規就農者数|-|人|2018:2||2024:5|"]);
    }

    #[test]
    fn a_body_row_of_bare_numbers_is_no_second_header() {
        let doc = grid(&[
            &["指標", "現状値(H30)", "目標値(R6)"],
            &["", "2010", "2020"],
            &["観光入込客数", "1980", "2100"],
        ]);
        // The nameless row is read (it has no name) as nothing; the years stay.
        assert_eq!(read(&doc), ["観光入込客数|-|-|2018:1980||2024:2100|"]);
    }

    #[test]
    fn result_columns_spanning_their_years_and_a_region_column() {
        let doc = table(&[
            &[
                (0, 1, "地域"),
                (1, 1, "指標"),
                (2, 3, "実績値"),
                (5, 1, "目標値(人)(R6)"),
            ],
            &[(2, 1, "H30"), (3, 1, "R1"), (4, 1, "R2")],
            &[
                (0, 1, "北部"),
                (1, 1, "新規就農者数"),
                (2, 1, "2"),
                (3, 1, "-"),
                (4, 1, "1"),
                (5, 1, "5"),
            ],
            // The name cell spans the next row: it is left out there.
            &[
                (0, 1, "南部"),
                (2, 1, "0"),
                (3, 1, "1"),
                (4, 1, "2"),
                (5, 1, "4"),
            ],
        ]);
        assert_eq!(
            read(&doc),
            [
                "新規就農者数|北部|人||2018:2 2020:1|2024:5|",
                "新規就農者数|南部|人||2018:0 2019:1 2020:2|2024:4|",
            ]
        );
    }

    #[test]
    fn a_measured_baseline_and_yearly_results() {
        let doc = grid(&[
            &[
                "指標名",
                "基準値(H30実績)",
                "実績値(R1)",
                "実績値(R2)",
                "目標値(R5)",
                "備考",
            ],
            &[
                "観光入込客数",
                "1,250人",
                "1,310人",
                "1,402人",
                "R2～R6累計 500人",
                "見直し",
            ],
        ]);
        assert_eq!(
            read(&doc),
            ["観光入込客数|-|人|2018:1250|2019:1310 2020:1402|2024:500|R2~R6累計 500人"]
        );
    }

    #[test]
    fn tables_without_a_role_header_give_nothing() {
        // Years as columns, no role word: statistics.
        let stats = grid(&[
            &["区分", "H28", "H29", "H30", "R元"],
            &["人口", "3,120人", "3,080人", "3,010人", "2,950人"],
        ]);
        assert!(read(&stats).is_empty());
        // Role words but no years anywhere: no dated value.
        let undated = grid(&[
            &["項目", "目標", "実績"],
            &["説明会の開催", "年2回", "年3回"],
        ]);
        assert!(read(&undated).is_empty());
        // No indicator column.
        let nameless = grid(&[&["目標値(R6)", "実績値(R1)"], &["300件", "120件"]]);
        assert!(read(&nameless).is_empty());
        // Only one value column.
        let single = grid(&[&["指標", "目標値(R6)"], &["移住相談件数", "300件"]]);
        assert!(read(&single).is_empty());
    }

    #[test]
    fn role_lines_in_printed_order() {
        let doc = lines(&[
            "移住と定住を進める。",
            "重要業績評価指標（KPI） 現状値（2014年度） 目標値（2019年度）",
            "移住相談件数 120件 300件",
            "新規就農者数 ― 5年間で6人",
            "空き家活用件数 － －",
            "65歳以上の就業率 35.5% 40%",
            "基本目標2 しごとをつくる",
            "成果指標 基準値 現状値 目標値",
            "H26 H30 R6",
            "○観光入込客数 1,250人 1,310人 R2～R6累計 500人",
            "○宿泊者数 410人 455人",
            "以上のとおり進める。",
            "観光客数 100人 200人",
        ]);
        assert_eq!(
            read(&doc),
            [
                "移住相談件数|-|件|2014:120||2019:300|",
                "新規就農者数|-|人|||2019:6|5年間で6人",
                "65歳以上の就業率|-|%|2014:35.5||2019:40|",
                "観光入込客数|-|人|2014:1250|2018:1310|2024:500|R2~R6累計 500人",
                // Two values for three columns: the first and the last.
                "宿泊者数|-|人|2014:410||2024:455|",
            ]
        );
    }

    #[test]
    fn lines_of_years_without_roles_give_nothing() {
        let doc = lines(&[
            "区分 H28 H29 H30 R元",
            "人口 3,120人 3,080人 3,010人 2,950人",
            "年度 2016年度 2017年度",
            "移住相談件数 80件 95件",
        ]);
        assert!(read(&doc).is_empty());
    }

    #[test]
    fn a_role_header_ends_a_year_header_table_in_lines() {
        let doc = lines(&[
            "H26(基準) H27 H28 R元(目標)",
            "○設置数 連携地域 10カ所",
            "11カ所 22カ所 43カ所",
            "指標 現状値(H30) 目標値(R6)",
            "移住相談件数 120件 300件",
        ]);
        assert_eq!(
            read(&doc),
            [
                "設置数|連携地域|カ所|2014:10|2015:11 2016:22|2019:43|",
                "移住相談件数|-|件|2018:120||2024:300|",
            ]
        );
    }
}
