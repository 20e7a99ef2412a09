//! Units: the sequence the structure reader labels.
//!
//! A document's blocks become one flat sequence of units in reading order:
//! logical lines (text and PDF lines broken by the layout are joined), list
//! items and their continuation lines, explicit headings, table header rows,
//! table rows (one unit per row and main column) and the logical lines inside
//! a main cell that holds several bulleted items. Each unit keeps its page,
//! box, font size and boldness, and for table units the cell it came from, so
//! that features can describe it and the assembler can rebuild records.
//!
//! Which columns of a table are main columns is decided before the units are
//! made (by the column model, or by the gold when training): the caller passes
//! the roles.

use std::borrow::Cow;

use super::markers;
use super::table::Grid;
use crate::model::{BBox, Block, BlockKind, Table};
use crate::normalize;

/// What kind of unit this is, as the source marks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// A heading the source marks (HTML h1–h6, a large PDF line).
    Heading {
        /// 1 (outermost) to 6.
        level: u8,
    },
    /// A logical line or paragraph line.
    Line,
    /// The first line of a list item the source marks (HTML `<li>`).
    ListItem {
        /// Nesting depth, 0 for a top-level list.
        depth: u8,
    },
    /// A further line of the same list item (after `<br>`).
    ListCont,
    /// A header row of a table.
    HeaderRow,
    /// One main cell of a table's body row (or the whole row, when the table
    /// has no main column).
    Row,
    /// A logical line inside a main cell that holds several items.
    CellLine,
}

impl UnitKind {
    /// A short name, used in feature strings.
    pub fn name(self) -> &'static str {
        match self {
            UnitKind::Heading { .. } => "head",
            UnitKind::Line => "line",
            UnitKind::ListItem { .. } => "li",
            UnitKind::ListCont => "licont",
            UnitKind::HeaderRow => "hrow",
            UnitKind::Row => "row",
            UnitKind::CellLine => "cell",
        }
    }
}

/// Where a table unit sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellRef {
    /// Index into [`Segmented::tables`].
    pub table: usize,
    /// Row in the span-expanded grid.
    pub row: usize,
    /// Column in the grid.
    pub col: usize,
    /// 0 for the first unit of its cell.
    pub line: usize,
}

/// A unit's text. Borrowed from its block when a line of the block is the
/// unit as it is (most units, and the whole of a one-line page of 100 MB,
/// which would otherwise be held twice while it is parsed); owned only when
/// lines are joined or cells put together.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnitText<'a>(Cow<'a, str>);

impl UnitText<'_> {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for UnitText<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for UnitText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'a> From<&'a str> for UnitText<'a> {
    fn from(s: &'a str) -> Self {
        UnitText(Cow::Borrowed(s))
    }
}

impl From<String> for UnitText<'_> {
    fn from(s: String) -> Self {
        UnitText(Cow::Owned(s))
    }
}

impl<'a> From<Cow<'a, str>> for UnitText<'a> {
    fn from(s: Cow<'a, str>) -> Self {
        UnitText(s)
    }
}

/// One unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit<'a> {
    /// What the source marks it as.
    pub kind: UnitKind,
    /// Its text: normalized, on one line.
    pub text: UnitText<'a>,
    /// 1-based PDF page.
    pub page: Option<u32>,
    /// Box on the page (PDF).
    pub bbox: Option<BBox>,
    /// Box of everything the unit holds on its page (the lines a broken
    /// line was joined from): what output and the viewer show. Features
    /// read `bbox`, not this.
    pub extent: Option<BBox>,
    /// Font size in points (PDF).
    pub size: Option<f32>,
    /// Set in bold.
    pub bold: bool,
    /// The marker an HTML list draws when the text prints none.
    pub implicit_marker: Option<String>,
    /// The table cell it came from.
    pub cell: Option<CellRef>,
    /// A line of a cover page printed only in large type (not its first).
    pub cover: bool,
}

impl<'a> Unit<'a> {
    fn new(kind: UnitKind, text: impl Into<UnitText<'a>>, b: &Block) -> Self {
        Unit {
            kind,
            text: text.into(),
            page: b.prov.page,
            bbox: b.prov.bbox,
            extent: b.prov.bbox,
            size: b.prov.size,
            bold: b.prov.bold,
            implicit_marker: None,
            cell: None,
            cover: false,
        }
    }

    /// The unit's printed marker, if any.
    pub fn marker(&self) -> Option<markers::Marker<'_>> {
        markers::marker(&self.text)
    }

    /// What an initiative starting here would be titled: the text without
    /// its marker.
    pub fn title(&self) -> &str {
        markers::without_marker(&self.text)
    }
}

/// The role of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColRole {
    /// A column of running text that lists initiatives (事業名, 取組内容,
    /// 工事名 …): its cells become units, and the unit model decides which
    /// start initiatives.
    Main,
    /// A column of text that lists none (a statistics table's labels, a
    /// layout table's prose, 推進者): its cells become units too, so that the
    /// unit model sees them, but the column model's judgement that they hold
    /// no initiative goes with them.
    Text,
    /// Labels rows: categories and groups (分野, 施策).
    Label,
    /// Policy codes.
    Code,
    /// Any other column: a field of the row's initiative.
    Field,
}

impl ColRole {
    /// The label the column model uses.
    pub fn label(self) -> &'static str {
        match self {
            ColRole::Main => "M",
            ColRole::Text => "T",
            ColRole::Label => "L",
            ColRole::Code => "C",
            ColRole::Field => "F",
        }
    }
    /// The role of a column model label.
    pub fn from_label(s: &str) -> ColRole {
        match s {
            "M" => ColRole::Main,
            "T" => ColRole::Text,
            "L" => ColRole::Label,
            "C" => ColRole::Code,
            _ => ColRole::Field,
        }
    }
}

/// A table of the document, spans expanded.
pub struct TableView<'a> {
    /// The table as extracted.
    pub table: &'a Table,
    /// Its grid.
    pub grid: Grid<'a>,
    /// Leading header rows.
    pub header_rows: usize,
    /// Page of the table block.
    pub page: Option<u32>,
    /// Column roles, one per grid column.
    pub roles: Vec<ColRole>,
    /// Whether it looks like a KPI table ([`Grid::is_kpi`]).
    pub kpi: bool,
    /// Each column's features ([`super::features::column_features`]).
    pub column_features: Vec<Vec<String>>,
}

impl<'a> TableView<'a> {
    /// The lowest header cell's text over column `c`.
    pub fn header(&self, c: usize) -> Option<String> {
        self.grid.column_header(self.header_rows, c)
    }
    /// Columns with the given role.
    pub fn columns(&self, role: ColRole) -> Vec<usize> {
        (0..self.roles.len())
            .filter(|&c| self.roles[c] == role)
            .collect()
    }
    /// Columns whose cells become units: [`ColRole::Main`] and
    /// [`ColRole::Text`].
    pub fn unit_columns(&self) -> Vec<usize> {
        (0..self.roles.len())
            .filter(|&c| matches!(self.roles[c], ColRole::Main | ColRole::Text))
            .collect()
    }
}

/// A document as units, with its tables.
pub struct Segmented<'a> {
    /// Units in reading order.
    pub units: Vec<Unit<'a>>,
    /// Tables, in order, referenced by [`CellRef::table`].
    pub tables: Vec<TableView<'a>>,
}

/// The tables of a document's blocks (top-level blocks only), in order,
/// without roles.
pub fn tables(blocks: &[Block]) -> Vec<TableView<'_>> {
    blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::Table(t) => {
                let grid = Grid::new(t);
                let header_rows = grid.header_rows();
                let mut tv = TableView {
                    table: t,
                    roles: vec![ColRole::Field; grid.ncols],
                    kpi: grid.is_kpi(),
                    column_features: Vec::new(),
                    grid,
                    header_rows,
                    page: b.prov.page,
                };
                tv.column_features = super::features::column_features(&tv);
                Some(tv)
            }
            _ => None,
        })
        .collect()
}

/// Makes the units of a document. `tables` are [`tables`] of the same
/// blocks with their roles set.
pub fn segment<'a>(blocks: &'a [Block], tables: Vec<TableView<'a>>) -> Segmented<'a> {
    let cover = cover_blocks(blocks);
    let mut units = Vec::new();
    let mut ti = 0;
    let mut i = 0;
    while i < blocks.len() {
        let b = &blocks[i];
        if let BlockKind::Table(_) = b.kind {
            table_units(&tables[ti], ti, &mut units);
            ti += 1;
            i += 1;
            continue;
        }
        // A run of non-table blocks.
        let start = i;
        while i < blocks.len() && !matches!(blocks[i].kind, BlockKind::Table(_)) {
            i += 1;
        }
        for mut u in logical_lines(&blocks[start..i], false, start, &cover) {
            if u.page.is_none() {
                u.page = b.prov.page;
            }
            units.push(u);
        }
    }
    Segmented { units, tables }
}

/// Blocks of a PDF cover page printed only in large type (title, edition,
/// date, issuer), except its first line, which titles the document.
fn cover_blocks(blocks: &[Block]) -> Vec<usize> {
    let first_page: Vec<usize> = (0..blocks.len())
        .filter(|&i| blocks[i].prov.page == Some(1))
        .collect();
    let cover = first_page.len() >= 2
        && first_page
            .iter()
            .all(|&i| matches!(blocks[i].kind, BlockKind::Heading { .. }))
        && blocks.iter().any(|b| b.prov.page.is_some_and(|p| p > 1));
    if cover {
        first_page[1..].to_vec()
    } else {
        Vec::new()
    }
}

fn table_units<'a>(tv: &TableView<'a>, ti: usize, out: &mut Vec<Unit<'a>>) {
    let grid = &tv.grid;
    let page_of = |cell: &crate::model::Cell| cell.prov.page.or(tv.page);
    for r in 0..grid.rows.len() {
        let origins: Vec<(usize, &crate::model::Cell)> = (0..grid.ncols)
            .filter_map(|c| grid.origin_cell(r, c).map(|cell| (c, cell)))
            .collect();
        let row_text = || {
            origins
                .iter()
                .map(|(_, c)| one_line(&c.text()))
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mains = tv.unit_columns();
        if r < tv.header_rows || mains.is_empty() {
            let text = row_text();
            let Some(&(c, first)) = origins.iter().find(|(_, c)| !c.text().trim().is_empty())
            else {
                continue;
            };
            let kind = if r < tv.header_rows {
                UnitKind::HeaderRow
            } else {
                UnitKind::Row
            };
            out.push(Unit {
                kind,
                text: text.into(),
                page: page_of(first),
                bbox: first.prov.bbox,
                extent: first.prov.bbox,
                size: None,
                bold: false,
                implicit_marker: None,
                cell: Some(CellRef {
                    table: ti,
                    row: r,
                    col: c,
                    line: 0,
                }),
                cover: false,
            });
            continue;
        }
        for &c in &mains {
            let Some(cell) = grid.origin_cell(r, c) else {
                continue;
            };
            let inner = logical_lines(&cell.blocks, true, 0, &[]);
            let items = inner.iter().filter(|u| is_item_line(u)).count();
            let cref = |line| {
                Some(CellRef {
                    table: ti,
                    row: r,
                    col: c,
                    line,
                })
            };
            if inner.len() >= 2 && items >= 1 {
                for (k, mut u) in inner.into_iter().enumerate() {
                    u.kind = UnitKind::CellLine;
                    u.page = u.page.or(page_of(cell));
                    u.cell = cref(k);
                    out.push(u);
                }
            } else {
                let text = one_line(&cell.text());
                if text.is_empty() {
                    continue;
                }
                out.push(Unit {
                    kind: UnitKind::Row,
                    text: text.into(),
                    page: page_of(cell),
                    bbox: cell.prov.bbox,
                    extent: cell.prov.bbox,
                    size: None,
                    bold: false,
                    implicit_marker: inner.first().and_then(|u| u.implicit_marker.clone()),
                    cell: cref(0),
                    cover: false,
                });
            }
        }
    }
}

/// A line inside a cell that starts a bulleted item (not a numbered title).
fn is_item_line(u: &Unit) -> bool {
    matches!(u.kind, UnitKind::ListItem { .. })
        || markers::marker(&u.text).is_some_and(|m| {
            m.rank >= 1 && !m.marker.is_empty() && !m.marker.starts_with('(') && !m.rest.is_empty()
        })
}

/// Blocks → logical lines, joining text/PDF lines broken by the layout.
/// `in_cell`: the blocks are one table cell's lines, which run on across a
/// page break and may wrap before a 【…】 label. `offset` is the index of
/// `blocks[0]` in the document, for `cover`.
fn logical_lines<'a>(
    blocks: &'a [Block],
    in_cell: bool,
    offset: usize,
    cover: &[usize],
) -> Vec<Unit<'a>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        let b = &blocks[i];
        match &b.kind {
            BlockKind::Heading { level, text } => {
                let mut u = Unit::new(UnitKind::Heading { level: *level }, one_line_cow(text), b);
                u.cover = cover.contains(&(offset + i));
                out.push(u);
            }
            BlockKind::Paragraph { text } => {
                for l in text.split('\n').map(str::trim).filter(|l| !l.is_empty()) {
                    out.push(Unit::new(UnitKind::Line, l, b));
                }
            }
            BlockKind::ListItem {
                depth,
                implicit_marker,
                text,
            } => {
                let mut lines = text.split('\n').map(str::trim).filter(|l| !l.is_empty());
                let first = lines.next().unwrap_or("");
                let mut u = Unit::new(UnitKind::ListItem { depth: *depth }, first, b);
                u.implicit_marker = implicit_marker.clone();
                out.push(u);
                for l in lines {
                    out.push(Unit::new(UnitKind::ListCont, l, b));
                }
            }
            BlockKind::Table(t) => {
                // A table nested in a cell: its rows as lines.
                for row in &t.rows {
                    let text: Vec<String> = row
                        .cells
                        .iter()
                        .map(|c| one_line(&c.text()))
                        .filter(|t| !t.is_empty())
                        .collect();
                    if !text.is_empty() {
                        out.push(Unit::new(UnitKind::Line, text.join(" "), b));
                    }
                }
            }
            BlockKind::Line { .. } => {
                let start = i;
                while i + 1 < blocks.len() && matches!(blocks[i + 1].kind, BlockKind::Line { .. }) {
                    i += 1;
                }
                let joined = join_broken_lines(&blocks[start..=i], in_cell);
                for (j, (text, k)) in joined.iter().enumerate() {
                    let first = &blocks[start + k];
                    let mut u = Unit::new(UnitKind::Line, text.clone(), first);
                    u.cover = cover.contains(&(offset + start + k));
                    let end = joined.get(j + 1).map_or(i + 1, |n| start + n.1);
                    u.extent = union_on_page(&blocks[start + k..end], first.prov.page);
                    out.push(u);
                }
            }
        }
        i += 1;
    }
    out
}

/// The union of the blocks' boxes on `page`.
fn union_on_page(blocks: &[Block], page: Option<u32>) -> Option<BBox> {
    let mut acc: Option<BBox> = None;
    for b in blocks.iter().filter(|b| b.prov.page == page) {
        if let Some(x) = b.prov.bbox {
            acc = Some(match acc {
                None => x,
                Some(a) => BBox {
                    x0: a.x0.min(x.x0),
                    y0: a.y0.min(x.y0),
                    x1: a.x1.max(x.x1),
                    y1: a.y1.max(x.y1),
                },
            });
        }
    }
    acc
}

/// A text on one line: broken lines joined as the normalizer joins them.
pub fn one_line(s: &str) -> String {
    let mut acc = String::new();
    for l in s.split('\n') {
        normalize::join_broken(&mut acc, l);
    }
    acc
}

/// [`one_line`], borrowing a text that is on one line already (for which
/// it is the text trimmed).
fn one_line_cow(s: &str) -> Cow<'_, str> {
    if s.contains('\n') {
        Cow::Owned(one_line(s))
    } else {
        Cow::Borrowed(s.trim())
    }
}

/// Joins physical lines into logical lines; returns each with the index of
/// its first physical line. A line continues the previous one when nothing
/// separates them (consecutive text lines, or PDF lines of one column a line
/// apart), the previous line runs to the full width of its neighbours and
/// does not end a sentence, and the next line starts no item, heading or
/// bracket.
fn join_broken_lines(lines: &[Block], in_cell: bool) -> Vec<(Cow<'_, str>, usize)> {
    let texts: Vec<&str> = lines
        .iter()
        .map(|b| b.kind.text().unwrap_or("").trim())
        .collect();
    let lens: Vec<usize> = texts.iter().map(|t| display_width(t)).collect();
    let mut out: Vec<(Cow<'_, str>, usize)> = Vec::new();
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
                normalize::join_broken(last.0.to_mut(), t);
            }
        } else {
            out.push((Cow::Borrowed(t), i));
        }
    }
    out
}

/// Width in half-width cells: a full-width character counts 2.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}
