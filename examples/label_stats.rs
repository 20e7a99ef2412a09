//! Counts, per gold document, the labels the aligner gives units by their
//! marker class: how consistently the gold treats each kind of line.
//!
//! `cargo run --release --example label_stats`
use std::collections::BTreeMap;

fn main() {
    let dirs = vec![
        "../shared/corpus-dev/gold".into(),
        "../shared/corpus-real/gold".into(),
    ];
    let docs = torikumi::train::load_gold(&dirs, &[]).expect("gold");
    for d in &docs {
        let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
        // The first HTML rendering when there is one: it keeps the tables.
        let Some(src) = d
            .sources
            .iter()
            .find(|s| s.extension().is_some_and(|e| e == "html"))
            .or(d.sources.first())
        else {
            continue;
        };
        let bytes = std::fs::read(src).expect("read");
        let doc = torikumi::pipeline::read_document(&bytes, None, &torikumi::Limits::default())
            .expect("doc");
        let a = torikumi::train::align(&doc.blocks, d);
        for (f, l) in a.unit_features.iter().zip(&a.unit_labels) {
            let k = f
                .iter()
                .find(|x| x.starts_with("k="))
                .cloned()
                .unwrap_or_default();
            let m = f
                .iter()
                .find(|x| x.starts_with("m=") || x.starts_with("im="))
                .cloned()
                .unwrap_or_else(|| "plain".into());
            *counts
                .entry((format!("{k} {m}"), l.as_str().into()))
                .or_default() += 1;
        }
        println!("== {} ({})", d.stem, src.display());
        let mut line = String::new();
        let mut last = String::new();
        for ((km, l), n) in counts {
            if km != last {
                if !line.is_empty() {
                    println!("{line}");
                }
                line = format!("  {km:20}");
                last = km;
            }
            line.push_str(&format!(" {l}:{n}"));
        }
        println!("{line}");
    }
}
