//! Era dates, fiscal years and ranges (令和 / 平成 / 昭和, R / H / S, 元年,
//! ranges with ~ 〜 - から…まで) read from normalized text.

use crate::model::Period;

/// Every date or fiscal-year expression in `text`, in order.
pub fn find_periods(text: &str) -> Vec<Period> {
    let _ = text;
    Vec::new()
}

/// Sorted, unique Gregorian fiscal years (April to March) that `periods` touch.
pub fn fiscal_years(periods: &[Period]) -> Vec<i32> {
    let _ = periods;
    Vec::new()
}
