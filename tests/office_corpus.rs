//! The Office renderings of the shipped corpus (DOCX and XLSX of every seed,
//! PPTX of 002) give the initiatives (by title: F1 ≥ 0.97) and the KPI rows
//! of the HTML page they were made from. Read from the committed `output/`,
//! which `tests/corpus.rs` holds equal to a fresh run.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

fn by_source(file: &str) -> BTreeMap<String, Vec<Value>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("output")
        .join(file);
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for line in std::fs::read_to_string(path).unwrap().lines() {
        let mut v: Value = serde_json::from_str(line).unwrap();
        let src = v["source"].as_str().unwrap().to_string();
        let obj = v.as_object_mut().unwrap();
        for k in ["id", "source", "page"] {
            obj.remove(k);
        }
        out.entry(src).or_default().push(v);
    }
    out
}

#[test]
fn office_renderings_equal_the_html_page() {
    let initiatives = by_source("initiatives.jsonl");
    let kpis = by_source("kpis.jsonl");
    let mut checked = 0;
    for src in initiatives.keys() {
        let Some((stem, ext)) = src.rsplit_once('.') else {
            continue;
        };
        if !matches!(ext, "docx" | "xlsx" | "pptx") {
            continue;
        }
        let html = format!("{stem}.html");
        let titles = |s: &str| -> Vec<String> {
            let mut t: Vec<String> = initiatives[s]
                .iter()
                .map(|v| v["title"].as_str().unwrap_or("").to_string())
                .collect();
            t.sort();
            t
        };
        let (a, b) = (titles(src), titles(&html));
        let mut common = 0;
        let mut rest = b.clone();
        for t in &a {
            if let Some(i) = rest.iter().position(|x| x == t) {
                rest.swap_remove(i);
                common += 1;
            }
        }
        let f1 = 2.0 * common as f64 / (a.len() + b.len()).max(1) as f64;
        assert!(f1 >= 0.97, "{src} against {html}: title F1 {f1:.3}");
        assert_eq!(
            kpis.get(src),
            kpis.get(&html),
            "KPIs of {src} against {html}"
        );
        checked += 1;
    }
    assert_eq!(checked, 11, "5 DOCX, 5 XLSX, 1 PPTX");
    assert_eq!(kpis["004_0736b6ba3a49c0cc.xlsx"].len(), 8);
}
