//! Tables with spans expanded, their header rows and row labels.
//!
//! What the structure reader needs to know about a table's geometry: which
//! cell covers each slot, which rows are headers, the lowest header over a
//! column, and the row labels a row inherits from spans above it.

use super::markers;
use super::units::one_line;
use crate::model::{Cell, Table};

/// Outer row labels go to the section path, the innermost one is the category.
pub fn split_labels(labels: &[Option<String>]) -> (Vec<String>, Option<String>) {
    match labels.split_last() {
        Some((last, outer)) => (outer.iter().flatten().cloned().collect(), last.clone()),
        None => (Vec::new(), None),
    }
}

/// Row labels per column, inherited downwards where a span or an absent cell
/// (a text table's empty cell) leaves them out.
#[derive(Debug, Default)]
pub struct LabelTracker {
    current: Vec<Option<String>>,
}

impl LabelTracker {
    /// The labels of row `r` in columns `cols`, outermost first.
    pub fn row(&mut self, grid: &Grid<'_>, r: usize, cols: &[usize]) -> Vec<Option<String>> {
        if self.current.len() < cols.len() {
            self.current.resize(cols.len(), None);
        }
        for (k, &c) in cols.iter().enumerate() {
            match grid.cover(r, c) {
                Some((cell, true)) => {
                    let t = one_line(&cell.text());
                    self.current[k] = if t.is_empty() { None } else { Some(t) };
                    // A new outer label starts a new group: inner labels reset.
                    for inner in self.current.iter_mut().skip(k + 1) {
                        *inner = None;
                    }
                }
                Some((cell, false)) => {
                    let t = one_line(&cell.text());
                    self.current[k] = if t.is_empty() { None } else { Some(t) };
                }
                None => {}
            }
        }
        self.current.clone()
    }
}

/// A table with spans expanded: every (row, column) knows the cell covering it.
pub struct Grid<'a> {
    /// Per row, per column: the covering cell and whether this slot is its origin.
    pub rows: Vec<Vec<Option<(&'a Cell, bool)>>>,
    /// Columns.
    pub ncols: usize,
}

impl<'a> Grid<'a> {
    /// Expands a table's spans.
    pub fn new(table: &'a Table) -> Self {
        let ncols = table.column_count();
        let mut rows: Vec<Vec<Option<(&Cell, bool)>>> = vec![vec![None; ncols]; table.rows.len()];
        for (r, row) in table.rows.iter().enumerate() {
            for cell in &row.cells {
                let c0 = cell.col as usize;
                let c1 = (c0 + cell.col_span.max(1) as usize).min(ncols);
                let r1 = (r + cell.row_span.max(1) as usize).min(rows.len());
                for (rr, grid_row) in rows.iter_mut().enumerate().take(r1).skip(r) {
                    for (cc, slot) in grid_row.iter_mut().enumerate().take(c1).skip(c0) {
                        if slot.is_none() {
                            *slot = Some((cell, rr == r && cc == c0));
                        }
                    }
                }
            }
        }
        Grid { rows, ncols }
    }

    /// The cell covering (r, c), and whether (r, c) is its top-left corner.
    pub fn cover(&self, r: usize, c: usize) -> Option<(&'a Cell, bool)> {
        self.rows
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .flatten()
    }

    /// The cell whose top-left corner is at (r, c).
    pub fn origin_cell(&self, r: usize, c: usize) -> Option<&'a Cell> {
        match self.cover(r, c) {
            Some((cell, true)) => Some(cell),
            Some((cell, false))
                if cell.col as usize == c
                    && self.cover(r.wrapping_sub(1), c).map(|x| x.0 as *const Cell)
                        != Some(cell as *const Cell) =>
            {
                Some(cell)
            }
            _ => None,
        }
    }

    /// Leading rows made only of header cells. When the extractor marked no
    /// header at all, a first row of short cells is taken as one.
    pub fn header_rows(&self) -> usize {
        let any_header = self.rows.iter().flatten().flatten().any(|(c, _)| c.header);
        if any_header {
            return self
                .rows
                .iter()
                .take_while(|row| {
                    let cells: Vec<_> = row.iter().flatten().collect();
                    !cells.is_empty() && cells.iter().all(|(c, _)| c.header)
                })
                .count();
        }
        let short_row = |row: &Vec<Option<(&Cell, bool)>>| {
            let texts: Vec<String> = row
                .iter()
                .flatten()
                .filter(|(_, o)| *o)
                .map(|(c, _)| one_line(&c.text()))
                .collect();
            let nonempty = texts.iter().filter(|t| !t.is_empty()).count();
            nonempty >= 2
                && texts
                    .iter()
                    .all(|t| t.chars().count() <= 12 && markers::marker(t).is_none())
        };
        if self.rows.len() < 2 || !short_row(&self.rows[0]) {
            return 0;
        }
        // A second header row: symbols only (①②…) with the first cell empty.
        let mut n = 1;
        while n < self.rows.len() {
            let row = &self.rows[n];
            let texts: Vec<String> = row
                .iter()
                .map(|s| {
                    s.filter(|(_, o)| *o)
                        .map(|(c, _)| one_line(&c.text()))
                        .unwrap_or_default()
                })
                .collect();
            let first_empty = texts.first().is_none_or(|t| t.is_empty());
            let short = texts.iter().all(|t| t.chars().count() <= 3);
            if first_empty && short && texts.iter().any(|t| !t.is_empty()) {
                n += 1;
            } else {
                break;
            }
        }
        n
    }

    /// The lowest header cell's text over column `c`.
    pub fn column_header(&self, header_rows: usize, c: usize) -> Option<String> {
        (0..header_rows).rev().find_map(|r| {
            self.cover(r, c)
                .map(|(cell, _)| one_line(&cell.text()))
                .filter(|t| !t.is_empty())
        })
    }

    /// A column of row labels: its body cells are header cells (`<th scope=row>`).
    pub fn is_row_label_col(&self, header_rows: usize, c: usize) -> bool {
        let cells: Vec<&Cell> = (header_rows..self.rows.len())
            .filter_map(|r| self.origin_cell(r, c))
            .collect();
        !cells.is_empty() && cells.iter().all(|cell| cell.header)
    }

    /// Whether the table looks like a KPI table (years across, 基準/目標, 進捗率):
    /// a feature of its rows.
    pub fn is_kpi(&self) -> bool {
        let mut years = 0;
        for (cell, origin) in self.rows.iter().flatten().flatten() {
            if !origin {
                continue;
            }
            let t = one_line(&cell.text());
            if t == "進捗率" || t.contains("(基準)") || t.contains("(目標)") {
                return true;
            }
            if is_year_label(&t) {
                years += 1;
            }
        }
        years >= 4
    }
}

/// A field cell's text: short lines are a list of names ("総務課長" over
/// "所属長") and keep a space between them; longer lines are one wrapped text.
pub fn field_value(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() > 1 && lines.iter().all(|l| l.chars().count() <= 10) {
        lines.join(" ")
    } else {
        one_line(text)
    }
}

/// A cell or item that says there is nothing: なし, 該当なし, or sentences that
/// only say no measure exists or is planned ("…予定はありません。").
pub fn says_nothing(t: &str) -> bool {
    let t = t.trim();
    if matches!(
        t,
        "なし" | "該当なし" | "特になし" | "無し" | "-" | "―" | "ー" | "—"
    ) {
        return true;
    }
    let sentences: Vec<&str> = t
        .split('。')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    !sentences.is_empty()
        && sentences.iter().all(|s| {
            s.ends_with("ありません") || s.ends_with("予定はない") || s.ends_with("ない予定")
        })
}

/// "H26", "R元", "2019", "H27(基準)": a fiscal-year column label.
pub fn is_year_label(t: &str) -> bool {
    let t = t.split('(').next().unwrap_or("").trim();
    let rest = t.strip_prefix(['H', 'R', 'S']).unwrap_or(t);
    let rest = rest.strip_suffix("年度").unwrap_or(rest);
    !rest.is_empty()
        && (rest == "元" || (rest.chars().all(|c| c.is_ascii_digit()) && rest.len() <= 4))
        && t != rest
        || (t.len() == 4 && t.chars().all(|c| c.is_ascii_digit()) && t.starts_with('2'))
}

/// A line of fiscal years heading a KPI block: "H26(基準) H27 H28 H29 H30 R元(目標)".
pub fn is_kpi_year_row(line: &str) -> bool {
    let tokens: Vec<&str> = line.split_whitespace().collect();
    // Plain Gregorian years ("2015 2016 2017") head timelines, not KPIs.
    tokens.len() >= 4
        && tokens.iter().all(|t| is_year_label(t))
        && tokens
            .iter()
            .any(|t| t.starts_with(['H', 'R', 'S']) || t.contains("基準") || t.contains("目標"))
}
