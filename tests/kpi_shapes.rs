//! KPI tables of the role shape (現状値 / 基準値 / 実績値 / 目標値 columns)
//! read through the whole pipeline from the HTML, text and spreadsheet
//! fixtures in `tests/fixtures/kpis/`: the exact records, and none from
//! tables of statistics. (`current_target.xlsx` is a minimal workbook of
//! inline strings and numbers, written with Python's zipfile: the first
//! table of `current_target.html`, one row short, one value a number.)

use std::path::Path;

use torikumi::model::{KpiRecord, YearValue};
use torikumi::pipeline;

fn kpis(name: &str) -> Vec<KpiRecord> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/kpis")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    let out = pipeline::process_bytes(&bytes, name, None, &torikumi::Limits::default());
    assert_eq!(out.record.error, None, "{name}");
    for k in &out.kpis {
        assert_eq!(k.source, name);
        assert!(k.progress.is_empty());
    }
    out.kpis
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

fn shown(name: &str) -> Vec<String> {
    kpis(name).iter().map(show).collect()
}

/// current_target.html and its text rendering: one header row with years,
/// a header over two rows with a unit column, dashes, period totals.
const CURRENT_TARGET: &[&str] = &[
    "移住相談件数|-|件|2014:120||2019:300|",
    "観光入込客数|-|万人|2014:35.5||2019:40|",
    "新規就農者数|-|人|||2019:6|5年間で6人",
    "創業支援件数|-|件|2014:8||2025:100|累計100件",
    "企業誘致数|-|社|2014:1||2025:3|",
];

#[test]
fn current_and_target_columns_in_html() {
    assert_eq!(shown("current_target.html"), CURRENT_TARGET);
}

#[test]
fn current_and_target_columns_in_a_text_rendering() {
    assert_eq!(shown("current_target.txt"), CURRENT_TARGET);
}

#[test]
fn current_and_target_columns_in_a_spreadsheet() {
    assert_eq!(
        shown("current_target.xlsx"),
        [
            "移住相談件数|-|件|2014:120||2019:300|",
            "新規就農者数|-|人|||2019:6|5年間で6人",
            // Numeric cells carry no unit.
            "観光入込客数|-|-|2014:35.5||2019:40|",
        ]
    );
}

#[test]
fn result_columns_regions_and_units_in_html() {
    assert_eq!(
        shown("results.html"),
        [
            // 基準値(H30実績) is the baseline; a dash leaves R2 out.
            "観光入込客数|-|人|2018:1250|2019:1310 2021:1402|2023:1500|",
            // A printed span dates the total by its end year.
            "宿泊者数|-|人|2018:410|2020:380 2021:455|2024:500|R2~R6累計 500人",
            // 実績値 spans H30 R1 R2; the unit comes from 目標値(人); the
            // name cell spans both region rows.
            "新規就農者数|北部地区|人||2018:2 2019:3 2020:1|2024:5|",
            "新規就農者数|南部地区|人||2018:0 2019:1 2020:2|2024:4|",
            // A No. column is no name; 現状値 with no 基準値 is the baseline.
            "合計特殊出生率|-|-|2018:1.35||2025:1.5|",
            "子育て支援センター利用率|-|%|2018:35.5||2025:50|",
        ]
    );
}

#[test]
fn statistics_tables_give_no_kpis() {
    assert!(kpis("statistics.html").is_empty());
}
