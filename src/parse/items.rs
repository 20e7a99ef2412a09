//! Sections and initiatives from a normalized document's blocks.
//!
//! The blocks become units ([`super::units`]), the units get features
//! ([`super::features`]) and labels from the trained models
//! ([`super::labeller`]), and this module assembles the labels into records:
//! a heading goes into the section path of what follows, nested by its style;
//! an initiative start opens an item that takes the continuation units after
//! it. A table row's item takes its row labels (the innermost as category,
//! outer ones into the section), its other cells as fields and its code
//! cells' codes.

use std::borrow::Cow;

use super::features;
use super::labeller::{Label, Labeller};
use super::table::{LabelTracker, field_value, split_labels};
use super::units::{CellRef, ColRole, Segmented, Unit, UnitKind, one_line};
use crate::model::Block;
use crate::normalize;

/// An initiative as the structure reader finds it, before its fields are read.
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
    /// Box of its units on the page where it starts (PDF): its first unit's,
    /// grown by the continuation units on that page.
    pub bbox: Option<crate::model::BBox>,
}

impl RawItem {
    /// Sets a `text` left empty by [`find_items_sharing`] to the title.
    fn fill_text(&mut self) {
        if self.text.is_empty() {
            self.text = self.title.clone();
        }
    }
}

/// Finds the initiatives of a document whose block texts are normalized,
/// with the labeller in use ([`super::labeller::current`]).
pub fn find_items(blocks: &[Block]) -> Vec<RawItem> {
    find_items_with(blocks, super::labeller::current())
}

/// [`find_items`] with a given labeller.
pub fn find_items_with(blocks: &[Block], labeller: &Labeller) -> Vec<RawItem> {
    let mut items = find_items_sharing(blocks, labeller);
    items.iter_mut().for_each(RawItem::fill_text);
    items
}

/// [`find_items_with`], except that an item whose text is its title (one
/// unit long) has an empty `text`: the caller
/// makes the copy when it needs one, after it has freed the blocks, so that
/// a one-line page of 100 MB is not held three times.
pub(crate) fn find_items_sharing(blocks: &[Block], labeller: &Labeller) -> Vec<RawItem> {
    let seg = labeller.segment(blocks);
    let feats = features::unit_features(&seg);
    let labels = labeller.label_units(feats);
    assemble_sharing(&seg, &labels)
}

/// One heading of the section path.
struct OpenHeading {
    key: String,
    level: Option<u32>,
    /// Levels for nesting: a heading of unknown level sits below the one above it.
    depth: f32,
    text: String,
    /// The table (and cell) it was found in: it heads only what follows there.
    scope: Option<(usize, Option<(usize, usize)>)>,
}

/// Labels → records.
pub fn assemble(seg: &Segmented<'_>, labels: &[Label]) -> Vec<RawItem> {
    let mut items = assemble_sharing(seg, labels);
    items.iter_mut().for_each(RawItem::fill_text);
    items
}

/// [`assemble`], leaving `text` empty while it is the title
/// ([`find_items_sharing`]).
fn assemble_sharing(seg: &Segmented<'_>, labels: &[Label]) -> Vec<RawItem> {
    let body = features::body_size(&seg.units);
    let row_labels = row_labels(seg);
    let mut items: Vec<RawItem> = Vec::new();
    let mut open: Option<RawItem> = None;
    let mut headings: Vec<OpenHeading> = Vec::new();
    let mut scope: Option<(usize, Option<(usize, usize)>)> = None;
    for (u, &label) in seg.units.iter().zip(labels) {
        // Leaving a table or a cell closes the headings found inside it.
        let here = u.cell.map(|c| {
            (
                c.table,
                (u.kind == UnitKind::CellLine).then_some((c.row, c.col)),
            )
        });
        if here != scope {
            headings.retain(|h| match (h.scope, here) {
                (None, _) => true,
                (Some((t, None)), Some((t2, _))) => t == t2,
                (Some(s), Some(h2)) => s == h2,
                (Some(_), None) => false,
            });
            scope = here;
        }
        match label {
            Label::Heading => {
                items.extend(open.take());
                let (key, level) = features::heading_level(u, body);
                push_heading(&mut headings, key, level, u.text.to_string(), here);
            }
            Label::Start => {
                items.extend(open.take());
                let title = u.title().to_string();
                if title.is_empty() {
                    continue;
                }
                let marker = match u.marker() {
                    Some(m) => m.marker.to_string(),
                    None => u.implicit_marker.clone().unwrap_or_default(),
                };
                let mut item = RawItem {
                    page: u.page,
                    section: headings.iter().map(|h| h.text.clone()).collect(),
                    marker,
                    title,
                    bbox: u.extent,
                    ..Default::default()
                };
                if let Some(c) = u.cell {
                    // The column header heads the cell, so it comes before
                    // the headings printed inside the cell.
                    let in_cell = headings
                        .iter()
                        .position(|h| h.scope.is_some_and(|s| s.1.is_some()))
                        .unwrap_or(headings.len());
                    row_context(seg, &row_labels, u, c, in_cell, &mut item);
                }
                open = Some(item);
            }
            Label::Cont => {
                if let Some(item) = &mut open {
                    let shown = match (u.kind, u.marker(), &u.implicit_marker) {
                        (UnitKind::ListItem { .. }, None, Some(m)) => {
                            Cow::Owned(format!("{m}{}", u.text))
                        }
                        _ => Cow::Borrowed(u.text.as_str()),
                    };
                    item.fill_text();
                    normalize::join_logical(&mut item.text, &shown);
                    if let (Some(b), Some(ub)) = (&mut item.bbox, u.extent)
                        && u.page == item.page
                    {
                        b.x0 = b.x0.min(ub.x0);
                        b.y0 = b.y0.min(ub.y0);
                        b.x1 = b.x1.max(ub.x1);
                        b.y1 = b.y1.max(ub.y1);
                    }
                }
            }
            _ => items.extend(open.take()),
        }
    }
    items.extend(open.take());
    items
}

fn push_heading(
    headings: &mut Vec<OpenHeading>,
    key: String,
    level: Option<u32>,
    text: String,
    scope: Option<(usize, Option<(usize, usize)>)>,
) {
    // A heading of a style already open closes it and what it holds.
    if let Some(pos) = headings.iter().rposition(|h| h.key == key) {
        headings.truncate(pos);
    } else if let Some(l) = level {
        while headings
            .last()
            .is_some_and(|h| h.level.is_some_and(|hl| hl >= l) || h.depth >= l as f32)
        {
            headings.pop();
        }
    }
    let above = headings.last().map_or(0.0, |h| h.depth);
    let depth = match level {
        Some(l) => (l as f32).max(above + 0.01),
        None => above + 0.5,
    };
    headings.push(OpenHeading {
        key,
        level,
        depth,
        text,
        scope,
    });
}

/// Row labels of every body row of every table, inherited down spans.
fn row_labels(seg: &Segmented<'_>) -> Vec<Vec<Vec<Option<String>>>> {
    seg.tables
        .iter()
        .map(|tv| {
            let cols = tv.columns(ColRole::Label);
            let mut tracker = LabelTracker::default();
            (0..tv.grid.rows.len())
                .map(|r| {
                    if r < tv.header_rows {
                        Vec::new()
                    } else {
                        tracker.row(&tv.grid, r, &cols)
                    }
                })
                .collect()
        })
        .collect()
}

/// What a table unit's item takes from its row: labels, fields, codes.
/// `in_cell` is where, in `item.section`, the headings printed inside the
/// unit's cell begin: its column header goes there.
fn row_context(
    seg: &Segmented<'_>,
    row_labels: &[Vec<Vec<Option<String>>>],
    u: &Unit<'_>,
    c: CellRef,
    in_cell: usize,
    item: &mut RawItem,
) {
    let tv = &seg.tables[c.table];
    let labels = row_labels[c.table].get(c.row).cloned().unwrap_or_default();
    let (outer, category) = split_labels(&labels);
    let label_cols = tv.columns(ColRole::Label);
    if u.kind == UnitKind::CellLine && label_cols.is_empty() {
        // A cell of items under a column header: the header heads them.
        if let Some(h) = tv.header(c.col) {
            item.section.insert(in_cell.min(item.section.len()), h);
        }
    } else {
        item.section.extend(outer);
    }
    item.category = category;
    for k in 0..tv.grid.ncols {
        if k == c.col || matches!(tv.roles[k], ColRole::Label | ColRole::Main | ColRole::Text) {
            continue;
        }
        let Some(cell) = tv.grid.origin_cell(c.row, k) else {
            continue;
        };
        let text = cell.text();
        if tv.roles[k] == ColRole::Code {
            item.codes
                .extend(super::codes::codes_in_cell(&one_line(&text)));
        }
        if u.kind == UnitKind::CellLine {
            continue;
        }
        let value = field_value(&text);
        if value.is_empty() {
            continue;
        }
        let key = tv
            .header(k)
            .map(|h| h.chars().filter(|c| !c.is_whitespace()).collect())
            .unwrap_or_else(|| format!("{}", k + 1));
        if !item.fields.iter().any(|(have, _)| *have == key) {
            item.fields.push((key, value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cells_column_header_comes_before_the_headings_inside_the_cell() {
        let html = "<html><body><h1>計画</h1><table border=1>\
            <tr><th>これまでの取組</th><th>今後の取組</th></tr>\
            <tr><td><p>■地域医療の充実</p><p>・医療人材の確保</p><p>・救急医療の推進</p></td>\
            <td><p>■防災体制の強化</p><p>・防災訓練の実施</p><p>・避難所の整備</p></td></tr>\
            </table></body></html>";
        let doc = crate::pipeline::read_document(html.as_bytes(), None, &crate::Limits::default())
            .expect("html");
        let seg = super::super::labeller::current().segment(&doc.blocks);
        // The labels given, not the model's: this is about assembling them.
        let labels: Vec<Label> = seg
            .units
            .iter()
            .map(|u| match u.text.chars().next() {
                _ if &*u.text == "計画" => Label::Heading,
                Some('■') => Label::Heading,
                Some('・') => Label::Start,
                _ => Label::Other,
            })
            .collect();
        let items = assemble(&seg, &labels);
        let find = |t: &str| items.iter().find(|i| i.title == t).expect(t);
        assert_eq!(
            find("医療人材の確保").section,
            ["計画", "これまでの取組", "■地域医療の充実"]
        );
        assert_eq!(
            find("避難所の整備").section,
            ["計画", "今後の取組", "■防災体制の強化"]
        );
    }
}
