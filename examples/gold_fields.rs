//! Scores the readers (dates, quantities, owners, regions) against gold
//! annotations, field by field, in the scorer's terms (`shared/eval/score.py`):
//! periods F1 over (start, end) pairs, fiscal_years exact-set accuracy,
//! quantities F1 over (value, unit), orgs and regions exact-set accuracy.
//! Each gold initiative's `text` is normalized and read; fields the gold
//! leaves out are not scored. Mismatches are listed.
//!
//! Then, when the directory holds the 004 gold and its text rendering is
//! found, the KPI reader is checked on the text rendering.
//!
//! ```text
//! cargo run --example gold_fields [GOLD_DIR] [--docs DOCS_DIR] [--quiet]
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use torikumi::model::{Block, BlockKind, Document, Format, KpiRecord, Provenance};
use torikumi::normalize;
use torikumi::parse::{dates, kpis, owners, quantities};
use unicode_normalization::UnicodeNormalization;

/// The scorer's string normalization: NFKC, white space removed.
fn norm(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

#[derive(Default)]
struct F1 {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl F1 {
    /// Adds two multisets of keys.
    fn add(&mut self, gold: &[String], pred: &[String]) -> bool {
        let mut g: HashMap<&str, usize> = HashMap::new();
        for k in gold {
            *g.entry(k).or_default() += 1;
        }
        let mut inter = 0;
        for k in pred {
            if let Some(n) = g.get_mut(k.as_str()).filter(|n| **n > 0) {
                *n -= 1;
                inter += 1;
            }
        }
        self.tp += inter;
        self.fp += pred.len() - inter;
        self.fn_ += gold.len() - inter;
        inter == gold.len() && inter == pred.len()
    }

    fn value(&self) -> Option<f64> {
        if self.tp + self.fp + self.fn_ == 0 {
            return None;
        }
        let p = if self.tp + self.fp == 0 {
            0.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        };
        let r = if self.tp + self.fn_ == 0 {
            0.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        };
        Some(if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        })
    }
}

#[derive(Default)]
struct Rate {
    ok: usize,
    n: usize,
}

impl Rate {
    fn add(&mut self, ok: bool) {
        self.n += 1;
        self.ok += usize::from(ok);
    }
    fn value(&self) -> Option<f64> {
        (self.n > 0).then(|| self.ok as f64 / self.n as f64)
    }
}

fn fmt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{v:.4}"))
}

fn str_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(norm)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn set(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

fn period_keys(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|p| {
                    let s = p
                        .get("start")
                        .and_then(Value::as_str)
                        .map(norm)
                        .unwrap_or_default();
                    let e = p
                        .get("end")
                        .and_then(Value::as_str)
                        .map(norm)
                        .unwrap_or_default();
                    format!("{s}|{e}")
                })
                .collect()
        })
        .unwrap_or_default()
}

fn num_key(v: f64) -> String {
    format!("{:.6}", (v * 1e6).round() / 1e6)
}

fn quantity_keys(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|q| {
                    let val = q
                        .get("value")
                        .and_then(Value::as_f64)
                        .map(num_key)
                        .unwrap_or_default();
                    let unit = q
                        .get("unit")
                        .and_then(Value::as_str)
                        .map(norm)
                        .unwrap_or_default();
                    format!("{val}|{unit}")
                })
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Default)]
struct Scores {
    periods: F1,
    fy: Rate,
    qty: F1,
    orgs: Rate,
    regions: Rate,
    items: usize,
}

fn score_file(path: &Path, s: &mut Scores, quiet: bool) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    let gold: Value = serde_json::from_str(&text).ok()?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    for (i, item) in gold
        .get("initiatives")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let raw = item.get("text").and_then(Value::as_str).unwrap_or_default();
        let t = normalize::text(raw);
        s.items += 1;
        let mut miss = Vec::new();
        let periods = dates::find_periods(&t);
        if item.get("periods").is_some() {
            let pred: Vec<String> = periods
                .iter()
                .map(|p| {
                    format!(
                        "{}|{}",
                        norm(&p.start),
                        p.end.as_deref().map(norm).unwrap_or_default()
                    )
                })
                .collect();
            let g = period_keys(item.get("periods"));
            if !s.periods.add(&g, &pred) {
                miss.push(format!("periods gold {g:?} pred {pred:?}"));
            }
        }
        if let Some(fy) = item.get("fiscal_years").and_then(Value::as_array) {
            let mut g: Vec<i64> = fy.iter().filter_map(Value::as_i64).collect();
            g.sort_unstable();
            g.dedup();
            let p: Vec<i64> = dates::fiscal_years(&periods)
                .into_iter()
                .map(i64::from)
                .collect();
            s.fy.add(g == p);
            if g != p {
                miss.push(format!("fiscal_years gold {g:?} pred {p:?}"));
            }
        }
        if item.get("quantities").is_some() {
            let pred: Vec<String> = quantities::find_quantities(&t)
                .iter()
                .map(|q| format!("{}|{}", num_key(q.value), norm(&q.unit)))
                .collect();
            let g = quantity_keys(item.get("quantities"));
            if !s.qty.add(&g, &pred) {
                miss.push(format!("quantities gold {g:?} pred {pred:?}"));
            }
        }
        if item.get("orgs").is_some() {
            let g = set(str_list(item.get("orgs")));
            let p = set(owners::find_orgs(&t).iter().map(|x| norm(x)).collect());
            s.orgs.add(g == p);
            if g != p {
                miss.push(format!("orgs gold {g:?} pred {p:?}"));
            }
        }
        if item.get("regions").is_some() {
            let g = set(str_list(item.get("regions")));
            let p = set(owners::find_regions(&t).iter().map(|x| norm(x)).collect());
            s.regions.add(g == p);
            if g != p {
                miss.push(format!("regions gold {g:?} pred {p:?}"));
            }
        }
        if !miss.is_empty() && !quiet {
            let short: String = t.chars().take(90).collect();
            println!("MISMATCH {name} #{i}: {short}");
            for m in miss {
                println!("    {m}");
            }
        }
    }
    Some(gold)
}

/// Lines of a text rendering as a document of normalized `Line` blocks.
fn text_document(text: &str) -> Document {
    let mut doc = Document::new(Format::Text);
    for (i, line) in text.lines().enumerate() {
        let t = normalize::text(line);
        if !t.is_empty() {
            doc.blocks.push(Block {
                kind: BlockKind::Line { text: t },
                prov: Provenance::line(u32::try_from(i + 1).unwrap_or(u32::MAX)),
            });
        }
    }
    doc
}

/// A KPI record as comparable JSON: the gold's keys only.
fn kpi_key(v: &Value) -> String {
    let keys = [
        "name", "region", "unit", "baseline", "values", "target", "progress",
    ];
    let mut m = serde_json::Map::new();
    for k in keys {
        let x = v.get(k).cloned().unwrap_or(Value::Null);
        m.insert(k.to_string(), normalize_numbers(x));
    }
    Value::Object(m).to_string()
}

/// Numbers as f64 so that 10 and 10.0 compare equal.
fn normalize_numbers(v: Value) -> Value {
    match v {
        Value::Number(n) => n.as_f64().map_or(Value::Null, |f| serde_json::json!(f)),
        Value::Array(a) => Value::Array(a.into_iter().map(normalize_numbers).collect()),
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, x)| (k, normalize_numbers(x)))
                .collect(),
        ),
        Value::String(s) => Value::String(norm(&s)),
        x => x,
    }
}

fn check_kpis(gold: &Value, docs: &Path, quiet: bool) {
    let Some(gk) = gold
        .get("kpis")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
    else {
        return;
    };
    let sources: Vec<String> = gold
        .get("sources")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let Some(txt) = sources.iter().find(|s| s.ends_with(".txt")) else {
        return;
    };
    let path = docs.join(txt);
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("KPI: {} not found", path.display());
        return;
    };
    let doc = text_document(&text);
    let pred: Vec<KpiRecord> = kpis::find_kpis(&doc, txt);
    let pred_keys: Vec<String> = pred
        .iter()
        .map(|k| kpi_key(&serde_json::to_value(k).unwrap_or(Value::Null)))
        .collect();
    let mut matched = 0;
    for g in gk {
        let key = kpi_key(g);
        if pred_keys.contains(&key) {
            matched += 1;
        } else if !quiet {
            println!("KPI MISSING {key}");
        }
    }
    println!(
        "KPI {txt}: gold {} predicted {} exactly equal {}",
        gk.len(),
        pred.len(),
        matched
    );
}

fn main() {
    let mut dir = PathBuf::from("/work/shared/corpus-dev/gold");
    let mut docs: Option<PathBuf> = None;
    let mut quiet = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--quiet" => quiet = true,
            "--docs" => docs = args.next().map(PathBuf::from),
            _ => dir = PathBuf::from(a),
        }
    }
    let docs = docs.unwrap_or_else(|| dir.parent().map(|p| p.join("docs")).unwrap_or_default());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.to_string_lossy().ends_with(".gold.json"));
    files.sort();
    if files.is_empty() {
        eprintln!("no *.gold.json in {}", dir.display());
        std::process::exit(2);
    }
    let mut s = Scores::default();
    let mut golds = Vec::new();
    for f in &files {
        if let Some(g) = score_file(f, &mut s, quiet) {
            golds.push(g);
        }
    }
    println!(
        "\n{} gold files, {} initiatives ({})",
        files.len(),
        s.items,
        dir.display()
    );
    println!(
        "periods F1 {} (tp {} fp {} fn {})",
        fmt(s.periods.value()),
        s.periods.tp,
        s.periods.fp,
        s.periods.fn_
    );
    println!(
        "fiscal_years exact {} ({}/{})",
        fmt(s.fy.value()),
        s.fy.ok,
        s.fy.n
    );
    println!(
        "quantities F1 {} (tp {} fp {} fn {})",
        fmt(s.qty.value()),
        s.qty.tp,
        s.qty.fp,
        s.qty.fn_
    );
    println!(
        "orgs exact {} ({}/{})",
        fmt(s.orgs.value()),
        s.orgs.ok,
        s.orgs.n
    );
    println!(
        "regions exact {} ({}/{})",
        fmt(s.regions.value()),
        s.regions.ok,
        s.regions.n
    );
    for g in &golds {
        check_kpis(g, &docs, quiet);
    }
}
