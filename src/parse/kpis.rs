//! KPI tables: indicator, region rows, baseline, yearly values, target and
//! progress rates.

use crate::model::{Document, KpiRecord};

/// The KPI rows of a normalized document.
pub fn find_kpis(doc: &Document, source: &str) -> Vec<KpiRecord> {
    let _ = (doc, source);
    Vec::new()
}
