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
    let prefix = &sha256[..sha256.len().min(12)];
    let initiatives = items::find_items(&doc.blocks)
        .into_iter()
        .enumerate()
        .map(|(ordinal, item)| record(item, ordinal, source, prefix))
        .collect();
    Parsed {
        initiatives,
        kpis: kpis::find_kpis(doc, source),
    }
}

fn record(item: items::RawItem, ordinal: usize, source: &str, prefix: &str) -> InitiativeRecord {
    let periods = dates::find_periods(&item.text);
    let fiscal_years = dates::fiscal_years(&periods);
    let mut policy_codes = item.codes;
    for c in codes::codes_in_text(&item.text) {
        if !policy_codes.contains(&c) {
            policy_codes.push(c);
        }
    }
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
        quantities: quantities::find_quantities(&item.text),
        orgs: owners::find_orgs(&item.text),
        regions: owners::find_regions(&item.text),
        title: item.title,
        text: item.text,
        policy_codes,
        periods,
        fiscal_years,
    }
}
