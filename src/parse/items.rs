//! Sections and initiatives from a normalized document's blocks.
//!
//! Blocks first become logical lines: HTML paragraphs and list items are
//! logical already; text and PDF lines broken by the layout are joined. A
//! small state machine then walks them: headings (explicit, or printed as
//! numbered titles, ■ lines and 【…】 lines that items follow) make up the
//! section path; a bullet starts an item that takes every following line of a
//! deeper rank (and, for ◆ ○ items, the plain lines after it) until the next
//! item of the same or a higher rank or a heading. Tables are read as item
//! cells (bullets in cells), project rows (one initiative per row), or left
//! to their item's text.

use super::markers::{self, Marker};
use crate::model::{Block, BlockKind, Cell, Table};
use crate::normalize;

/// An initiative as the structure parser finds it, before its fields are read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawItem {
    /// 1-based PDF page where it starts.
    pub page: Option<u32>,
    /// Heading path, outermost first.
    pub section: Vec<String>,
    /// Innermost row label of its table row.
    pub category: Option<String>,
    /// Other cells of its table row, keyed by their lowest header cell.
    pub fields: Vec<(String, String)>,
    /// The bullet as printed.
    pub marker: String,
    /// First logical line without the bullet.
    pub title: String,
    /// The whole item.
    pub text: String,
    /// Codes from a code column of its table row.
    pub codes: Vec<String>,
}

/// One logical line or a table, with the page it starts on.
#[derive(Debug)]
enum Unit<'a> {
    Heading {
        level: u32,
        text: String,
    },
    Text {
        text: String,
        li: Option<LiInfo>,
        page: Option<u32>,
    },
    Table {
        table: &'a Table,
        page: Option<u32>,
    },
}

#[derive(Debug, Clone)]
struct LiInfo {
    depth: u8,
    implicit_marker: Option<String>,
}

/// Heading levels of printed titles sit below HTML's h1–h6.
const LEVEL_BRACKET: u32 = 19;
const LEVEL_SQUARE: u32 = 20;
/// A sheet's title sits below the document's title (h1–h6) and above 第1章.
const LEVEL_SHEET: u32 = 7;

/// The title line of a form or check sheet: short, no sentence, ends with 票
/// (点検票, 調査票), 様式, 調書 or シート.
fn is_sheet_title(text: &str) -> bool {
    text.chars().count() <= 50
        && !text.contains('。')
        && ["票", "様式", "調書", "シート"]
            .iter()
            .any(|e| text.ends_with(e))
}

/// Finds the initiatives of a document whose block texts are normalized.
pub fn find_items(blocks: &[Block]) -> Vec<RawItem> {
    let blocks = without_cover_lines(blocks);
    let units = units(&blocks, false);
    let mut flow = Flow::default();
    flow.run(&units, &[]);
    flow.finish_item();
    flow.items
}

/// A PDF cover page printed only in large type (title, edition, date, issuer)
/// gives its first line as the document's heading; the others are not
/// headings of what follows.
fn without_cover_lines(blocks: &[Block]) -> Vec<Block> {
    let first_page: Vec<usize> = (0..blocks.len())
        .filter(|&i| blocks[i].prov.page == Some(1))
        .collect();
    let cover = first_page.len() >= 2
        && first_page
            .iter()
            .all(|&i| matches!(blocks[i].kind, BlockKind::Heading { .. }))
        && blocks.iter().any(|b| b.prov.page.is_some_and(|p| p > 1));
    blocks
        .iter()
        .enumerate()
        .filter(|(i, _)| !cover || !first_page[1..].contains(i))
        .map(|(_, b)| b.clone())
        .collect()
}

/// Blocks → logical lines, joining text/PDF lines broken by the layout.
/// `in_cell`: the blocks are one table cell's lines, which run on across a
/// page break and may wrap before a 【…】 label.
fn units(blocks: &[Block], in_cell: bool) -> Vec<Unit<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        let b = &blocks[i];
        let page = b.prov.page;
        match &b.kind {
            BlockKind::Heading { level, text } => {
                out.push(Unit::Heading {
                    level: *level as u32,
                    text: one_line(text),
                });
            }
            BlockKind::Paragraph { text } => {
                for l in text.split('\n').map(str::trim).filter(|l| !l.is_empty()) {
                    out.push(Unit::Text {
                        text: l.to_string(),
                        li: None,
                        page,
                    });
                }
            }
            BlockKind::ListItem {
                depth,
                implicit_marker,
                text,
            } => {
                let mut lines = text.split('\n').map(str::trim).filter(|l| !l.is_empty());
                let first = lines.next().unwrap_or("").to_string();
                let li = Some(LiInfo {
                    depth: *depth,
                    implicit_marker: implicit_marker.clone(),
                });
                out.push(Unit::Text {
                    text: first,
                    li,
                    page,
                });
                // Further lines of one <li> (after <br>) belong to it.
                for l in lines {
                    out.push(Unit::Text {
                        text: l.to_string(),
                        li: Some(LiInfo {
                            depth: u8::MAX,
                            implicit_marker: None,
                        }),
                        page,
                    });
                }
            }
            BlockKind::Table(t) => out.push(Unit::Table { table: t, page }),
            BlockKind::Line { .. } => {
                let start = i;
                while i + 1 < blocks.len() && matches!(blocks[i + 1].kind, BlockKind::Line { .. }) {
                    i += 1;
                }
                for (text, page) in join_broken_lines(&blocks[start..=i], in_cell) {
                    out.push(Unit::Text {
                        text,
                        li: None,
                        page,
                    });
                }
            }
        }
        i += 1;
    }
    out
}

fn one_line(s: &str) -> String {
    let mut acc = String::new();
    for l in s.split('\n') {
        normalize::join_broken(&mut acc, l);
    }
    acc
}

/// Joins physical lines into logical lines. A line continues the previous
/// one when nothing separates them (consecutive text lines, or PDF lines of one
/// column a line apart), the previous line runs to the full width of its
/// neighbours and does not end a sentence, and the next line starts no item,
/// heading or bracket.
fn join_broken_lines(lines: &[Block], in_cell: bool) -> Vec<(String, Option<u32>)> {
    let texts: Vec<&str> = lines
        .iter()
        .map(|b| b.kind.text().unwrap_or("").trim())
        .collect();
    let lens: Vec<usize> = texts.iter().map(|t| display_width(t)).collect();
    let mut out: Vec<(String, Option<u32>)> = Vec::new();
    for (i, b) in lines.iter().enumerate() {
        let t = texts[i];
        if t.is_empty() {
            continue;
        }
        let continues = i > 0 && !out.is_empty() && {
            let prev = &lines[i - 1];
            let adjacent = match (prev.prov.line, b.prov.line, prev.prov.bbox, b.prov.bbox) {
                (Some(a), Some(c), _, _) => c == a + 1,
                (_, _, Some(pa), Some(pb)) => {
                    let h = (pa.y1 - pa.y0).max(1.0);
                    (in_cell && prev.prov.page != b.prov.page)
                        || (prev.prov.page == b.prov.page
                            && pa.y0 - pb.y1 < h * 1.2
                            && pb.y1 <= pa.y1
                            && (pb.x0 - pa.x0).abs() < h * 3.0)
                }
                _ => false,
            };
            let prev_full = match (prev.prov.bbox, b.prov.bbox) {
                (Some(pa), Some(_)) => {
                    // Full when it reaches the right edge of the widest nearby line.
                    let right = lines[i.saturating_sub(6)..(i + 6).min(lines.len())]
                        .iter()
                        .filter(|l| l.prov.page == prev.prov.page)
                        .filter_map(|l| l.prov.bbox)
                        .filter(|bb| (bb.x0 - pa.x0).abs() < (pa.y1 - pa.y0).max(1.0) * 4.0)
                        .map(|bb| bb.x1)
                        .fold(f32::MIN, f32::max);
                    // A long 【…】 label or (R5.5~R5.7) moves to the next line whole,
                    // leaving room: in a cell, a line over 60% full still continues.
                    if in_cell && t.starts_with(['【', '(', '「', '『']) {
                        pa.x1 - pa.x0 >= (right - pa.x0) * 0.6
                    } else {
                        pa.x1 >= right - (pa.y1 - pa.y0).max(1.0) * 1.6
                    }
                }
                _ => {
                    let lo = i.saturating_sub(8);
                    let hi = (i + 8).min(lines.len());
                    // The column's width: the widest nearby line not much wider than
                    // this one (a paragraph of another column may sit nearby).
                    let prev = lens[i - 1];
                    let local_max = lens[lo..hi]
                        .iter()
                        .copied()
                        .filter(|&w| w * 4 <= prev * 5)
                        .max()
                        .unwrap_or(prev);
                    prev >= 36 && prev * 100 >= local_max * 80
                }
            };
            let prev_text = texts[i - 1];
            adjacent
                && prev_full
                && !prev_text.ends_with('。')
                && markers::marker(t).is_none()
                && !markers::is_note(t)
                && (!t.starts_with('【') || (in_cell && !markers::is_bracket_line_note(t)))
                && markers::numbered_heading_level(t).is_none()
        };
        if continues {
            if let Some(last) = out.last_mut() {
                normalize::join_broken(&mut last.0, t);
            }
        } else {
            out.push((t.to_string(), b.prov.page));
        }
    }
    out
}

/// Width in half-width cells: a full-width character counts 2.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

#[derive(Debug)]
struct OpenItem {
    item: RawItem,
    rank: u8,
}

#[derive(Debug, Default)]
struct Flow {
    headings: Vec<(u32, String)>,
    items: Vec<RawItem>,
    open: Option<OpenItem>,
    /// Inside a block of KPI lines (a row of fiscal years heads it).
    kpi_block: bool,
}

/// Headings whose lists are problems or effects, not actions.
fn is_problem_heading(h: &str) -> bool {
    let h = h.trim_matches(|c: char| "【】[]()■□○◆ ".contains(c));
    h.ends_with("課題")
        || h.ends_with("課題等")
        || h.contains("現状と課題")
        || h.contains("期待される効果")
}

/// Headings of parts that describe rather than act: purpose, background,
/// plan period, present state, analysis, projections, outlooks, explanations
/// and tables of contents. Their ○ paragraphs are not initiatives.
fn is_non_action_heading(h: &str) -> bool {
    let h: String = h.chars().filter(|c| !c.is_whitespace()).collect();
    if ends_with_approach(&h) {
        return true;
    }
    const WORDS: [&str; 17] = [
        "趣旨",
        "背景",
        "目的",
        "計画期間",
        "対象期間",
        "現状",
        "現況",
        "分析",
        "見通し",
        "推計",
        "シミュレーション",
        "展望",
        "ビジョン",
        "位置づけ",
        "説明",
        "目次",
        "概要",
    ];
    WORDS.iter().any(|w| h.contains(w))
}

/// A heading whose head noun is 考え方 ("…取り組みの考え方") states a way of
/// thinking, even when it names actions; "…の考え方・検討状況" ends elsewhere.
fn ends_with_approach(h: &str) -> bool {
    h.trim_end_matches(|c: char| "】])".contains(c))
        .ends_with("考え方")
}

/// Headings that announce actions; they win over a describing heading around them
/// ("[将来展望を実現するために]" inside "人口の将来展望", "…取組の概要").
fn is_action_heading(h: &str) -> bool {
    [
        "取組",
        "取り組み",
        "施策",
        "対策",
        "実現するために",
        "推進",
        "方針",
    ]
    .iter()
    .any(|w| h.contains(w))
}

impl Flow {
    /// Whether the innermost heading that says anything about its part says it
    /// describes rather than acts.
    fn in_non_action_section(&self, extra: &[String]) -> bool {
        let path: Vec<&str> = self
            .headings
            .iter()
            .map(|(_, t)| t.as_str())
            .chain(extra.iter().map(String::as_str))
            .collect();
        for h in path.iter().rev() {
            if is_action_heading(h) && !ends_with_approach(h) {
                return false;
            }
            if is_non_action_heading(h) {
                return true;
            }
        }
        false
    }

    fn section(&self, extra: &[String]) -> Vec<String> {
        self.headings
            .iter()
            .map(|(_, t)| t.clone())
            .chain(extra.iter().cloned())
            .collect()
    }

    fn in_problem_section(&self, extra: &[String]) -> bool {
        self.headings
            .iter()
            .map(|(_, t)| t.as_str())
            .chain(extra.iter().map(String::as_str))
            .any(is_problem_heading)
    }

    fn push_heading(&mut self, level: u32, text: String) {
        self.finish_item();
        while self.headings.last().is_some_and(|(l, _)| *l >= level) {
            self.headings.pop();
        }
        self.headings.push((level, text));
        self.kpi_block = false;
    }

    fn finish_item(&mut self) {
        if let Some(open) = self.open.take()
            && !markers::is_form_instruction(&open.item.text)
        {
            self.items.push(open.item);
        }
    }

    fn start_item(
        &mut self,
        m: &Marker<'_>,
        marker: String,
        page: Option<u32>,
        extra: &[String],
        ctx: &CellContext,
    ) {
        self.finish_item();
        if self.in_problem_section(extra) {
            return;
        }
        let title = m.rest.trim().to_string();
        if title.is_empty() {
            return;
        }
        // A web page's • list of sentences under 趣旨 states the activity itself;
        // short • lines there are figure legends.
        let list_sentence = marker == "•" && title.chars().count() >= 20;
        if !list_sentence && self.in_non_action_section(extra) {
            return;
        }
        // A ■ line that is an item (nothing deeper follows it) ranks with ◆ ○:
        // the next ○ is its sibling, not its child.
        let rank = m.rank.max(1);
        self.open = Some(OpenItem {
            item: RawItem {
                page,
                section: self.section(extra),
                category: ctx.category.clone(),
                fields: Vec::new(),
                marker,
                text: title.clone(),
                title,
                codes: ctx.codes.clone(),
            },
            rank,
        });
    }

    fn append(&mut self, text: &str) {
        if let Some(open) = &mut self.open {
            normalize::join_logical(&mut open.item.text, text);
        }
    }

    /// Walks units. `extra` is appended to the section path (a table's column
    /// header or outer row labels).
    fn run(&mut self, units: &[Unit<'_>], extra: &[String]) {
        self.run_in(units, extra, &CellContext::default());
    }

    fn run_in(&mut self, units: &[Unit<'_>], extra: &[String], ctx: &CellContext) {
        for (i, unit) in units.iter().enumerate() {
            match unit {
                Unit::Heading { level, text, .. } => self.push_heading(*level, text.clone()),
                Unit::Table { table, page } => self.table(table, *page, extra),
                Unit::Text { text, li, page } => {
                    self.text(text, li.as_ref(), *page, &units[i + 1..], extra, ctx)
                }
            }
        }
    }

    fn text(
        &mut self,
        text: &str,
        li: Option<&LiInfo>,
        page: Option<u32>,
        next: &[Unit<'_>],
        extra: &[String],
        ctx: &CellContext,
    ) {
        if is_kpi_year_row(text) {
            self.finish_item();
            self.kpi_block = true;
            return;
        }
        if self.kpi_block {
            return;
        }
        if li.is_none() && markers::is_toc_line(text) {
            self.finish_item();
            return;
        }
        // Continuation lines of one <li>.
        if let Some(LiInfo { depth: u8::MAX, .. }) = li {
            self.append(text);
            return;
        }
        let printed = markers::marker(text);
        if let Some(li) = li {
            let (marker, rank, m) = match &printed {
                Some(m) => (m.marker.to_string(), m.rank, m.clone()),
                None => {
                    let marker = li.implicit_marker.clone().unwrap_or_default();
                    (
                        marker,
                        3,
                        Marker {
                            marker: "",
                            rank: 3,
                            rest: text,
                        },
                    )
                }
            };
            let child = li.depth > 0 || self.open.as_ref().is_some_and(|o| o.rank < rank);
            if child && self.open.is_some() {
                let shown = if printed.is_some() {
                    text.to_string()
                } else {
                    format!("{marker}{text}")
                };
                self.append(&shown);
            } else {
                self.start_item(&m, marker, page, extra, ctx);
            }
            return;
        }
        if let Some(m) = printed {
            // "(1)参集範囲" over a paragraph is a numbered title, not an item.
            if m.marker.starts_with('(') && is_title_over_text(text, next) {
                self.push_heading(13, text.to_string());
                return;
            }
            // "○他会計繰入金" over "(単位:千円)" and a table: the table's caption.
            if m.rank == 1 && is_caption_over_unit_table(text, next) {
                self.finish_item();
                return;
            }
            // "(1)…" or "①…" over a table (notes between) titles the table.
            if m.rank == 2 && is_title_over_table(text, next) {
                let level = if m.marker.starts_with('(') { 13 } else { 14 };
                self.push_heading(level, text.to_string());
                return;
            }
            // "○ラウンドテーブルミーティング" over a paragraph and numbered titles heads them.
            if matches!(m.marker, "○" | "●") && is_bullet_title(text, next) {
                self.push_heading(11, text.to_string());
                return;
            }
            if m.rank == 0 {
                // ■ heads the lines after it when ◆ or ・ items follow it; a ■ among
                // parallel ■ items (a diagram's boxes) is an item itself.
                let after_square_item = self.open.as_ref().is_some_and(|o| o.item.marker == "■");
                if !after_square_item && next_is_sub_item(next) {
                    self.push_heading(LEVEL_SQUARE, text.to_string());
                } else {
                    self.start_item(&m, m.marker.to_string(), page, extra, ctx);
                }
                return;
            }
            match &self.open {
                Some(open) if open.rank < m.rank => self.append(text),
                _ => self.start_item(&m, m.marker.to_string(), page, extra, ctx),
            }
            return;
        }
        if let Some(level) = markers::phrase_heading_level(text) {
            self.push_heading(level, text.to_string());
            return;
        }
        // "…進捗状況等点検票" over a table: a sheet of its own, right below the
        // document's title.
        if is_sheet_title(text) && matches!(next.first(), Some(Unit::Table { .. })) {
            self.push_heading(LEVEL_SHEET, text.to_string());
            return;
        }
        if let Some(level) = markers::numbered_heading_level(text) {
            self.push_heading(level, text.to_string());
            return;
        }
        if markers::is_bracket_line(text)
            && !markers::is_bracket_line_note(text)
            && next_starts_deeper_item(next, 0)
            && !looks_like_result_label(text)
        {
            self.push_heading(LEVEL_BRACKET, text.to_string());
            return;
        }
        // How to fill in a form: neither an item nor part of one.
        if markers::is_form_instruction(text) {
            self.finish_item();
            return;
        }
        // A plain line: part of an open ◆/○ item, else a paragraph.
        let absorb = self.open.as_ref().is_some_and(|o| o.rank <= 2);
        if absorb && !markers::is_bracket_line_note(text) {
            self.append(text);
        } else {
            self.finish_item();
        }
    }

    fn table(&mut self, table: &Table, page: Option<u32>, extra: &[String]) {
        let grid = Grid::new(table);
        if grid.is_kpi() {
            self.finish_item();
            return;
        }
        let header_rows = grid.header_rows();
        let has_items = grid.item_columns(header_rows);
        if !has_items.is_empty() {
            self.finish_item();
            match grid.list_column(header_rows, &has_items) {
                Some(col) => self.list_rows(&grid, header_rows, col, page, extra),
                None => self.item_cells(&grid, header_rows, &has_items, page, extra),
            }
            return;
        }
        if header_rows > 0
            && grid.rows.len() > header_rows
            && let Some(main) = grid.main_column(header_rows)
        {
            self.finish_item();
            self.project_rows(&grid, header_rows, main, page, extra);
            return;
        }
        if let Some(col) = grid.list_column(header_rows, &[]) {
            self.finish_item();
            self.list_rows(&grid, header_rows, col, page, extra);
            return;
        }
        // A table inside an item (a small list of figures): part of its text.
        if self.open.as_ref().is_some_and(|o| o.rank <= 2) {
            for row in &table.rows {
                let cells: Vec<String> = row
                    .cells
                    .iter()
                    .map(|c| one_line(&c.text()))
                    .filter(|t| !t.is_empty())
                    .collect();
                if !cells.is_empty() {
                    self.append(&cells.join(" "));
                }
            }
        } else {
            self.finish_item();
            if grid.is_form() {
                self.form_rows(&grid, page, extra);
            }
        }
    }

    /// A list laid out as a table (目標 | 推進者): one initiative per row, the
    /// item column's cell as its text, the other cells as fields. Rows holding
    /// only a numbered title ("1、…", "(1)…") group the rows below them.
    fn list_rows(
        &mut self,
        grid: &Grid<'_>,
        header_rows: usize,
        col: usize,
        page: Option<u32>,
        extra: &[String],
    ) {
        let saved = self.headings.clone();
        let base = self.headings.len();
        for r in header_rows..grid.rows.len() {
            let Some(cell) = grid.origin_cell(r, col) else {
                continue;
            };
            let text = one_line(&cell.text());
            if text.is_empty() || says_nothing(&text) {
                continue;
            }
            let mut fields = Vec::new();
            for c in (0..grid.ncols).filter(|&c| c != col) {
                let Some(other) = grid.origin_cell(r, c) else {
                    continue;
                };
                let value = field_value(&other.text());
                if value.is_empty() {
                    continue;
                }
                let key = grid
                    .column_header(header_rows, c)
                    .map(|h| h.chars().filter(|c| !c.is_whitespace()).collect())
                    .unwrap_or_default();
                fields.push((key, value));
            }
            if fields.is_empty()
                && !text.contains('。')
                && let Some(level) = markers::numbered_heading_level(&text)
            {
                // Group rows stay inside the table: levels sit below the headings
                // around it.
                while self.headings.len() > base
                    && self.headings.last().is_some_and(|(l, _)| *l >= level)
                {
                    self.headings.pop();
                }
                self.headings.push((level, text));
                continue;
            }
            if self.in_problem_section(extra) || self.in_non_action_section(extra) {
                continue;
            }
            let m = markers::marker(&text);
            // A "(2)…" goal row ends the "(1)…" group row before it.
            if m.as_ref().is_some_and(|m| m.marker.starts_with('(')) {
                while self.headings.len() > base
                    && self.headings.last().is_some_and(|(l, _)| *l >= 13)
                {
                    self.headings.pop();
                }
            }
            let (marker, body) = match &m {
                Some(m) => (m.marker.to_string(), m.rest.trim().to_string()),
                None => (String::new(), text.clone()),
            };
            // "(1)女性採用比率の向上" over its goal in one cell: the first line titles it.
            let first_line = cell.text().lines().next().unwrap_or("").trim().to_string();
            let title = match &m {
                Some(m)
                    if m.marker.starts_with('(')
                        && first_line.len() < text.len()
                        && !first_line.contains('。') =>
                {
                    markers::marker(&first_line)
                        .map(|f| f.rest.trim().to_string())
                        .unwrap_or_else(|| body.clone())
                }
                _ => body.clone(),
            };
            self.items.push(RawItem {
                page: cell.prov.page.or(page),
                section: self.section(extra),
                category: None,
                fields,
                marker,
                title,
                text: body,
                codes: Vec::new(),
            });
        }
        self.headings = saved;
    }

    /// A form of label | content rows: one initiative per row whose content
    /// states something, the label as its category.
    fn form_rows(&mut self, grid: &Grid<'_>, page: Option<u32>, extra: &[String]) {
        if self.in_problem_section(extra) || self.in_non_action_section(extra) {
            return;
        }
        for r in 0..grid.rows.len() {
            let (Some(label), Some(content)) = (grid.origin_cell(r, 0), grid.origin_cell(r, 1))
            else {
                continue;
            };
            let text = one_line(&content.text());
            if text.is_empty() || says_nothing(&text) || markers::is_form_instruction(&text) {
                continue;
            }
            let category = one_line(&label.text());
            self.items.push(RawItem {
                page: content.prov.page.or(page),
                section: self.section(extra),
                category: (!category.is_empty()).then_some(category),
                fields: Vec::new(),
                marker: String::new(),
                title: text.clone(),
                text,
                codes: Vec::new(),
            });
        }
    }

    /// Tables whose cells hold bulleted items (000, 004).
    fn item_cells(
        &mut self,
        grid: &Grid<'_>,
        header_rows: usize,
        item_cols: &[usize],
        page: Option<u32>,
        extra: &[String],
    ) {
        let first_item_col = item_cols.iter().copied().min().unwrap_or(0);
        let label_cols: Vec<usize> = (0..first_item_col)
            .filter(|c| !grid.is_code_col(header_rows, *c))
            .collect();
        let code_cols = grid.code_columns(header_rows);
        let mut labels = LabelTracker::default();
        for r in header_rows..grid.rows.len() {
            let row_labels = labels.row(grid, r, &label_cols);
            let codes: Vec<String> = code_cols
                .iter()
                .filter_map(|&c| grid.origin_cell(r, c))
                .flat_map(|cell| super::codes::codes_in_cell(&one_line(&cell.text())))
                .collect();
            for &c in item_cols {
                let Some(cell) = grid.origin_cell(r, c) else {
                    continue;
                };
                let header = grid.column_header(header_rows, c);
                let mut sec: Vec<String> = extra.to_vec();
                let (outer, category) = split_labels(&row_labels);
                if label_cols.is_empty() {
                    if let Some(h) = &header {
                        sec.push(h.clone());
                    }
                } else {
                    sec.extend(outer);
                }
                if header.as_deref().is_some_and(is_problem_heading) {
                    continue;
                }
                let ctx = CellContext {
                    category,
                    codes: codes.clone(),
                };
                let cell_units = units(&cell.blocks, true);
                let cell_page = cell.prov.page.or(page);
                let cell_units: Vec<Unit<'_>> = cell_units
                    .into_iter()
                    .map(|u| match u {
                        Unit::Text { text, li, page } => Unit::Text {
                            text,
                            li,
                            page: page.or(cell_page),
                        },
                        other => other,
                    })
                    .collect();
                // The column header and outer labels head the cell's items; headings
                // inside a cell (■ groups) live only within the cell. Level 0 keeps
                // them below any heading pushed inside the cell.
                let saved = self.headings.clone();
                self.headings.extend(sec.into_iter().map(|t| (0, t)));
                self.run_in(&cell_units, &[], &ctx);
                self.finish_item();
                self.headings = saved;
            }
        }
    }

    /// Tables of projects (003): one initiative per row with a main cell.
    fn project_rows(
        &mut self,
        grid: &Grid<'_>,
        header_rows: usize,
        main: usize,
        page: Option<u32>,
        extra: &[String],
    ) {
        let label_cols: Vec<usize> = (0..grid.ncols)
            .filter(|&c| c < main || grid.is_row_label_col(header_rows, c))
            .filter(|&c| c != main)
            .collect();
        let code_cols = grid.code_columns(header_rows);
        let mut labels = LabelTracker::default();
        for r in header_rows..grid.rows.len() {
            let row_labels = labels.row(grid, r, &label_cols);
            let Some(cell) = grid.origin_cell(r, main) else {
                continue;
            };
            let title = one_line(&cell.text());
            if title.is_empty() || says_nothing(&title) {
                continue;
            }
            if self.in_problem_section(extra) || self.in_non_action_section(extra) {
                continue;
            }
            let (outer, category) = split_labels(&row_labels);
            let mut fields = Vec::new();
            let mut codes = Vec::new();
            for c in 0..grid.ncols {
                if c == main || label_cols.contains(&c) {
                    continue;
                }
                let Some(other) = grid.origin_cell(r, c) else {
                    continue;
                };
                let value = one_line(&other.text());
                if value.is_empty() {
                    continue;
                }
                if code_cols.contains(&c) {
                    codes.extend(super::codes::codes_in_cell(&value));
                }
                let key = grid
                    .column_header(header_rows, c)
                    .unwrap_or_else(|| format!("{}", c + 1));
                if !fields.iter().any(|(k, _): &(String, String)| *k == key) {
                    fields.push((key, value));
                }
            }
            let mut section = self.section(extra);
            section.extend(outer);
            self.items.push(RawItem {
                page: cell.prov.page.or(page),
                section,
                category,
                fields,
                marker: String::new(),
                text: title.clone(),
                title,
                codes,
            });
        }
    }
}

/// What a table cell's items inherit from their row.
#[derive(Debug, Default, Clone)]
struct CellContext {
    category: Option<String>,
    codes: Vec<String>,
}

/// Outer row labels go to the section path, the innermost one is the category.
fn split_labels(labels: &[Option<String>]) -> (Vec<String>, Option<String>) {
    match labels.split_last() {
        Some((last, outer)) => (outer.iter().flatten().cloned().collect(), last.clone()),
        None => (Vec::new(), None),
    }
}

/// Row labels per column, inherited downwards where a span or an absent cell
/// (a text table's empty cell) leaves them out.
#[derive(Debug, Default)]
struct LabelTracker {
    current: Vec<Option<String>>,
}

impl LabelTracker {
    fn row(&mut self, grid: &Grid<'_>, r: usize, cols: &[usize]) -> Vec<Option<String>> {
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
struct Grid<'a> {
    rows: Vec<Vec<Option<(&'a Cell, bool)>>>,
    ncols: usize,
}

impl<'a> Grid<'a> {
    fn new(table: &'a Table) -> Self {
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

    fn cover(&self, r: usize, c: usize) -> Option<(&'a Cell, bool)> {
        self.rows
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .flatten()
    }

    /// The cell whose top-left corner is at (r, c).
    fn origin_cell(&self, r: usize, c: usize) -> Option<&'a Cell> {
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
    fn header_rows(&self) -> usize {
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
    fn column_header(&self, header_rows: usize, c: usize) -> Option<String> {
        (0..header_rows).rev().find_map(|r| {
            self.cover(r, c)
                .map(|(cell, _)| one_line(&cell.text()))
                .filter(|t| !t.is_empty())
        })
    }

    /// Columns whose header names policy codes (施策Code, 事業番号, ...).
    fn code_columns(&self, header_rows: usize) -> Vec<usize> {
        (0..self.ncols)
            .filter(|&c| self.is_code_col(header_rows, c))
            .collect()
    }

    fn is_code_col(&self, header_rows: usize, c: usize) -> bool {
        self.column_header(header_rows, c)
            .is_some_and(|h| super::codes::is_code_header(&h))
    }

    /// A column of row labels: its body cells are header cells (`<th scope=row>`).
    fn is_row_label_col(&self, header_rows: usize, c: usize) -> bool {
        let cells: Vec<&Cell> = (header_rows..self.rows.len())
            .filter_map(|r| self.origin_cell(r, c))
            .collect();
        !cells.is_empty() && cells.iter().all(|cell| cell.header)
    }

    /// Columns where some body cell holds bulleted items.
    fn item_columns(&self, header_rows: usize) -> Vec<usize> {
        (0..self.ncols)
            .filter(|&c| !self.is_row_label_col(header_rows, c))
            .filter(|&c| {
                (header_rows..self.rows.len())
                    .filter_map(|r| self.origin_cell(r, c))
                    .any(|cell| {
                        cell.blocks.iter().any(|b| match &b.kind {
                            BlockKind::ListItem { .. } => true,
                            other => other.text().is_some_and(|t| {
                                t.lines().any(|l| {
                                    markers::marker(l.trim()).is_some_and(|m| {
                                        m.rank >= 1
                                            && !m.marker.is_empty()
                                            && !m.marker.starts_with('(')
                                            && !m.rest.is_empty()
                                    })
                                })
                            }),
                        })
                    })
            })
            .collect()
    }

    /// The column that names each row's project: by its header, else the
    /// column with the longest texts.
    fn main_column(&self, header_rows: usize) -> Option<usize> {
        let names = [
            "事業名",
            "取組名",
            "項目名",
            "名称",
            "取組",
            "事業",
            "内容",
            "項目",
        ];
        for name in names {
            for c in 0..self.ncols {
                if self
                    .column_header(header_rows, c)
                    .is_some_and(|h| h.contains(name))
                    && !self.is_row_label_col(header_rows, c)
                {
                    return Some(c);
                }
            }
        }
        None
    }

    /// The item column of a list laid out as a table: the only item column, the
    /// first one, under a header, beside other columns, and no cell holds
    /// more than one item.
    fn list_column(&self, header_rows: usize, item_cols: &[usize]) -> Option<usize> {
        if header_rows == 0 || self.ncols < 2 {
            return None;
        }
        let body = || (header_rows..self.rows.len()).filter_map(|r| self.origin_cell(r, 0));
        // Without bullets, every cell of the first column must be a sentence.
        let sentences = item_cols.is_empty()
            && body().any(|c| !c.text().trim().is_empty())
            && body().all(|c| {
                let t = one_line(&c.text());
                t.is_empty() || t.ends_with('。')
            });
        if item_cols != [0] && !sentences {
            return None;
        }
        let one_item_per_cell = (header_rows..self.rows.len())
            .filter_map(|r| self.origin_cell(r, 0))
            .all(|cell| {
                let text = cell.text();
                let lines: Vec<&str> = text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect();
                lines.iter().skip(1).all(|l| markers::marker(l).is_none())
                    && cell
                        .blocks
                        .iter()
                        .all(|b| !matches!(b.kind, BlockKind::ListItem { .. }))
            });
        one_item_per_cell.then_some(0)
    }

    /// A form of two columns, labels on the left and content on the right, with
    /// at least one content cell that is a sentence.
    fn is_form(&self) -> bool {
        if self.ncols != 2 || self.rows.is_empty() {
            return false;
        }
        let mut sentences = 0;
        for r in 0..self.rows.len() {
            if let Some(label) = self.origin_cell(r, 0) {
                let l = one_line(&label.text());
                if l.contains('。') || l.chars().count() > 60 {
                    return false;
                }
            }
            if let Some(content) = self.origin_cell(r, 1) {
                let t = one_line(&content.text());
                if t.ends_with('。') || t.ends_with("ます") {
                    sentences += 1;
                }
            }
        }
        sentences > 0
    }

    /// KPI tables are read by the KPI reader, not as initiatives.
    fn is_kpi(&self) -> bool {
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
fn field_value(text: &str) -> String {
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
fn says_nothing(t: &str) -> bool {
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
fn is_year_label(t: &str) -> bool {
    let t = t.split('(').next().unwrap_or("").trim();
    let rest = t.strip_prefix(['H', 'R', 'S']).unwrap_or(t);
    let rest = rest.strip_suffix("年度").unwrap_or(rest);
    !rest.is_empty()
        && (rest == "元" || (rest.chars().all(|c| c.is_ascii_digit()) && rest.len() <= 4))
        && t != rest
        || (t.len() == 4 && t.chars().all(|c| c.is_ascii_digit()) && t.starts_with('2'))
}

/// A line of fiscal years heading a KPI block: "H26(基準) H27 H28 H29 H30 R元(目標)".
fn is_kpi_year_row(line: &str) -> bool {
    let tokens: Vec<&str> = line.split_whitespace().collect();
    // Plain Gregorian years ("2015 2016 2017") head timelines, not KPIs.
    tokens.len() >= 4
        && tokens.iter().all(|t| is_year_label(t))
        && tokens
            .iter()
            .any(|t| t.starts_with(['H', 'R', 'S']) || t.contains("基準") || t.contains("目標"))
}

/// 【…実績…】-style labels belong to the item before them.
fn looks_like_result_label(t: &str) -> bool {
    t.contains("実績") || t.contains("状況") || t.contains("取組<") || t.contains("年度】")
}

/// Whether the next text unit starts an item of a rank deeper than `rank`
/// (a ■ or 【】 line followed by its items).
fn next_starts_deeper_item(next: &[Unit<'_>], rank: u8) -> bool {
    match next.first() {
        Some(Unit::Text { li: Some(_), .. }) => true,
        Some(Unit::Text { text, .. }) => markers::marker(text).is_some_and(|m| m.rank > rank),
        _ => false,
    }
}

/// A short "(N)…" line followed by a plain line (not the next "(N+1)" item).
fn is_title_over_text(text: &str, next: &[Unit<'_>]) -> bool {
    if markers::numbered_heading_level(text).is_none() {
        return false;
    }
    match next.first() {
        Some(Unit::Text {
            text: n, li: None, ..
        }) => markers::marker(n).is_none_or(|m| !m.marker.starts_with('(')),
        Some(Unit::Heading { .. }) => true,
        _ => false,
    }
}

/// A short numbered line without a sentence end, followed by a table (notes
/// and "*" remarks may sit between): the table's title.
fn is_title_over_table(text: &str, next: &[Unit<'_>]) -> bool {
    if text.chars().count() > 40 || text.contains('。') {
        return false;
    }
    for u in next.iter().take(4) {
        match u {
            Unit::Table { .. } => return true,
            Unit::Text { text: n, .. } if markers::is_note(n) || n.starts_with('*') => {}
            _ => return false,
        }
    }
    false
}

/// A short line followed by a unit note ("(単位:千円)") and a table: the
/// caption of a statistics table.
fn is_caption_over_unit_table(text: &str, next: &[Unit<'_>]) -> bool {
    if text.chars().count() > 30 || text.contains('。') {
        return false;
    }
    matches!(
        next,
        [Unit::Text { text: unit, .. }, Unit::Table { .. }, ..]
            if unit.starts_with("(単位") || unit.starts_with("単位:")
    )
}

/// A short ○/◆ line followed by a plain paragraph and, before any other such
/// item, by numbered titles: it heads a part of the document.
fn is_bullet_title(text: &str, next: &[Unit<'_>]) -> bool {
    if text.chars().count() > 30 || text.contains('。') {
        return false;
    }
    match next.first() {
        Some(Unit::Text {
            text: n, li: None, ..
        }) if markers::marker(n).is_none() && n.chars().count() > 30 => {}
        _ => return false,
    }
    for u in next.iter().take(16) {
        match u {
            Unit::Text {
                text: n, li: None, ..
            } => {
                if markers::marker(n).is_some_and(|m| m.rank <= 1) {
                    return false;
                }
                if markers::numbered_heading_level(n) == Some(12) {
                    return true;
                }
            }
            Unit::Heading { .. } => return false,
            _ => {}
        }
    }
    false
}

/// Whether the next text unit is a ◆/◇ item or a small-bullet item.
fn next_is_sub_item(next: &[Unit<'_>]) -> bool {
    match next.first() {
        Some(Unit::Text { li: Some(_), .. }) => true,
        Some(Unit::Text { text, .. }) => {
            markers::marker(text).is_some_and(|m| m.rank == 3 || matches!(m.marker, "◆" | "◇"))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Provenance, Row};

    fn line(t: &str) -> Block {
        Block {
            kind: BlockKind::Line { text: t.into() },
            prov: Provenance::default(),
        }
    }

    fn cell(col: u32, header: bool, t: &str) -> Cell {
        Cell {
            header,
            col,
            col_span: 1,
            row_span: 1,
            blocks: t.split('\n').map(line).collect(),
            prov: Provenance::default(),
        }
    }

    fn table(rows: &[(&[&str], bool)]) -> Block {
        let rows = rows
            .iter()
            .map(|(cells, header)| Row {
                cells: cells
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| !t.is_empty())
                    .map(|(c, t)| cell(c as u32, *header, t))
                    .collect(),
            })
            .collect();
        Block {
            kind: BlockKind::Table(Table { rows }),
            prov: Provenance::default(),
        }
    }

    fn titles(items: &[RawItem]) -> Vec<&str> {
        items.iter().map(|i| i.title.as_str()).collect()
    }

    #[test]
    fn describing_sections_hold_no_initiatives() {
        let blocks = [
            line("1 計画策定の趣旨"),
            line("○国では人口減少が続いています。"),
            line("2 人口の将来展望"),
            line("○2060年には500人程度になると見込まれます。"),
            line("[将来展望を実現するために]"),
            line("○移住・定住の促進に取り組みます。"),
            line("3 取り組みの考え方"),
            line("○趨勢人口は減少すると見込まれます。"),
        ];
        let items = find_items(&blocks);
        assert_eq!(titles(&items), ["移住・定住の促進に取り組みます。"]);
        assert_eq!(
            items[0].section,
            ["2 人口の将来展望", "[将来展望を実現するために]"]
        );
    }

    #[test]
    fn a_web_list_of_sentences_under_its_purpose_stays() {
        let blocks = [
            Block {
                kind: BlockKind::Heading {
                    level: 2,
                    text: "1 趣旨".into(),
                },
                prov: Provenance::default(),
            },
            line("• 地域の方々と語り合い、地域の資源や人材をきめ細かに把握します"),
            line("• 凡例 A B"),
        ];
        let items = find_items(&blocks);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].marker, "•");
    }

    #[test]
    fn a_bullet_over_a_unit_note_and_a_table_is_a_caption() {
        let blocks = [
            line("2.経営の基本方針"),
            line("○他会計繰入金"),
            line("(単位:千円)"),
            table(&[(&["区分", "29年度"], true), (&["繰入金", "8,240"], false)]),
            line("○安定した経営を図ります。"),
        ];
        assert_eq!(titles(&find_items(&blocks)), ["安定した経営を図ります。"]);
    }

    #[test]
    fn cover_lines_and_sheet_titles() {
        let h = |t: &str, level: u8, page: u32| Block {
            kind: BlockKind::Heading {
                level,
                text: t.into(),
            },
            prov: Provenance {
                page: Some(page),
                ..Provenance::default()
            },
        };
        let on = |t: &str, page: u32| Block {
            prov: Provenance {
                page: Some(page),
                ..Provenance::default()
            },
            ..line(t)
        };
        let blocks = [
            h("村特定事業主行動計画", 1, 1),
            h("第2次", 2, 1),
            h("音威子府村教育委員会", 3, 1),
            on("第2章 具体的な内容", 2),
            on("○研修を行います。", 2),
            on("行動計画 進捗状況等点検票", 3),
            table(&[
                (&["目 標", "進捗状況等"], true),
                (&["①研修を行います。", ""], false),
            ]),
        ];
        let items = find_items(&blocks);
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0].section,
            ["村特定事業主行動計画", "第2章 具体的な内容"]
        );
        assert_eq!(
            items[1].section,
            ["村特定事業主行動計画", "行動計画 進捗状況等点検票"]
        );
    }

    #[test]
    fn toc_lines_are_skipped() {
        let blocks = [
            line("1 具体的な取組"),
            line("(1)人口動向 ・・・・・・・・ 5"),
            line("○研修会を開催します。"),
        ];
        assert_eq!(titles(&find_items(&blocks)), ["研修会を開催します。"]);
    }

    #[test]
    fn a_goal_table_gives_one_initiative_per_row() {
        let blocks = [
            line("1 職員の勤務環境の整備"),
            line("(1)時間外勤務の縮減"),
            table(&[
                (&["目 標", "推進者"], true),
                (&["①啓発を積極的に行います。", "総務課長\n所属長"], false),
                (&["②事前命令を徹底します。", "所属長"], false),
            ]),
            line("(2)受動喫煙の防止"),
            table(&[
                (&["目 標", "推進者"], true),
                (&["公共施設の完全分煙を目指します。", "総務課長"], false),
            ]),
        ];
        let items = find_items(&blocks);
        assert_eq!(
            titles(&items),
            [
                "啓発を積極的に行います。",
                "事前命令を徹底します。",
                "公共施設の完全分煙を目指します。"
            ]
        );
        assert_eq!(items[0].marker, "①");
        assert_eq!(items[2].marker, "");
        assert_eq!(
            items[0].fields,
            [("推進者".to_string(), "総務課長 所属長".to_string())]
        );
        assert_eq!(items[0].category, None);
        assert_eq!(
            items[2].section,
            ["1 職員の勤務環境の整備", "(2)受動喫煙の防止"]
        );
    }

    #[test]
    fn group_rows_of_a_check_sheet_are_headings() {
        let blocks = [table(&[
            (&["目 標", "進捗状況等"], true),
            (&["1、勤務環境の整備", ""], false),
            (&["(1)休暇の取得の推進", ""], false),
            (&["①連続休暇の取得を促進します。", ""], false),
            (
                &["(2)女性管理職の登用推進\n3名程度の登用をめざします。", ""],
                false,
            ),
        ])];
        let items = find_items(&blocks);
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0].section,
            ["1、勤務環境の整備", "(1)休暇の取得の推進"]
        );
        assert_eq!(items[1].marker, "(2)");
        assert_eq!(items[1].title, "女性管理職の登用推進");
        assert_eq!(items[1].section, ["1、勤務環境の整備"]);
    }

    #[test]
    fn form_rows_give_initiatives_except_empty_and_nothing_rows() {
        let blocks = [
            line("(3)今後検討予定の取組の概要"),
            line("①今後の投資についての考え方・検討状況"),
            line("* 処理区ごとに記載すること"),
            table(&[
                (
                    &["広域化に関する事項", "広域化を行う予定はありません。"],
                    false,
                ),
                (&["投資の平準化に関する事項", ""], false),
                (
                    &["動力費に関する事項", "電気料の節減に努めています。"],
                    false,
                ),
                (
                    &[
                        "資産活用の取組",
                        "活用できる資産がないため取り組みはありません。",
                    ],
                    false,
                ),
            ]),
        ];
        let items = find_items(&blocks);
        assert_eq!(titles(&items), ["電気料の節減に努めています。"]);
        assert_eq!(items[0].category.as_deref(), Some("動力費に関する事項"));
        assert_eq!(
            items[0].section,
            [
                "(3)今後検討予定の取組の概要",
                "①今後の投資についての考え方・検討状況"
            ]
        );
    }

    #[test]
    fn status_forms_and_form_instructions_are_not_initiatives() {
        let blocks = [
            line("1.事業概要"),
            table(&[(
                &["事業運営組織", "上下水道係で事業運営を行っています。"],
                false,
            )]),
            line("2.経営の基本方針"),
            line("●施設の維持管理"),
            line("(1)において黒字の場合も、検討中の取組を記載すること。"),
        ];
        assert_eq!(titles(&find_items(&blocks)), ["施設の維持管理"]);
        assert!(says_nothing("該当なし"));
        assert!(says_nothing(
            "近隣との距離があり、共同化を行う予定はありません。"
        ));
        assert!(!says_nothing("委託を継続します。"));
        assert_eq!(field_value("総務課長\n所属長"), "総務課長 所属長");
    }
}
