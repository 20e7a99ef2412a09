//! Parsing: a normalized document's blocks → initiatives (with sections,
//! dates, codes, quantities, owners and regions) and KPI rows.

pub mod codes;
pub mod dates;
pub mod features;
pub mod items;
pub mod kpis;
pub mod labeller;
pub mod markers;
pub mod numerals;
pub mod owners;
pub mod quantities;
pub mod table;
pub mod units;

use crate::model::{Document, InitiativeRecord, KpiRecord};

/// What the parser found in one document.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Initiatives in document order.
    pub initiatives: Vec<InitiativeRecord>,
    /// KPI rows.
    pub kpis: Vec<KpiRecord>,
}

/// Parses a document whose texts are normalized ([`crate::normalize::document`]).
/// `source` and `sha256` go into the records.
pub fn parse(doc: &Document, source: &str, sha256: &str) -> Parsed {
    let (items, kpis) = read(doc, source);
    records(items, kpis, source, sha256)
}

/// [`parse`], emptying `doc.blocks` once they are read and before the
/// records are made: an item's text is copied from its title only then, so
/// that the blocks, the title and the text of a one-line page of 100 MB are
/// not all alive at once. The rest of `doc` is left as it is.
pub fn parse_emptying(doc: &mut Document, source: &str, sha256: &str) -> Parsed {
    let (items, kpis) = read(doc, source);
    doc.blocks = Vec::new();
    records(items, kpis, source, sha256)
}

/// The items (their text left empty while it is the title) and KPI rows of
/// a document.
fn read(doc: &Document, source: &str) -> (Vec<items::RawItem>, Vec<KpiRecord>) {
    let items = items::find_items_sharing(&doc.blocks, labeller::current());
    (items, kpis::find_kpis(doc, source))
}

fn records(items: Vec<items::RawItem>, kpis: Vec<KpiRecord>, source: &str, sha256: &str) -> Parsed {
    let prefix = &sha256[..sha256.len().min(12)];
    let initiatives = items
        .into_iter()
        .enumerate()
        .map(|(ordinal, item)| record(item, ordinal, source, prefix))
        .collect();
    Parsed { initiatives, kpis }
}

fn record(item: items::RawItem, ordinal: usize, source: &str, prefix: &str) -> InitiativeRecord {
    // An empty text is the title's (items::find_items_sharing).
    let text: &str = if item.text.is_empty() {
        &item.title
    } else {
        &item.text
    };
    let periods = dates::find_periods(text);
    let fiscal_years = dates::fiscal_years(&periods);
    let mut policy_codes = item.codes;
    for c in codes::codes_in_text(text) {
        if !policy_codes.contains(&c) {
            policy_codes.push(c);
        }
    }
    let quantities = quantities::find_quantities(text);
    let orgs = owners::find_orgs(text);
    let regions = owners::find_regions(text);
    // The copy an item one unit long needs, made last (see parse_emptying).
    let text = if item.text.is_empty() {
        item.title.clone()
    } else {
        item.text
    };
    InitiativeRecord {
        id: format!("{prefix}-{ordinal}"),
        source: source.to_string(),
        ordinal,
        page: item.page,
        bbox: item.bbox.map(|b| {
            let r = |v: f32| (f64::from(v) * 100.0).round() / 100.0;
            [r(b.x0), r(b.y0), r(b.x1), r(b.y1)]
        }),
        section: item.section,
        category: item.category,
        fields: item
            .fields
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect(),
        marker: item.marker,
        quantities,
        orgs,
        regions,
        title: item.title,
        text,
        policy_codes,
        periods,
        fiscal_years,
    }
}
