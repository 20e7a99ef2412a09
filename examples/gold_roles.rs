//! Prints the column roles the aligner derives from the gold for each table
//! of each gold document's first rendering: what the column model learns from.
//!
//! `cargo run --release --example gold_roles -- [GOLD_DIR]...`
use std::path::PathBuf;

fn main() {
    let mut dirs: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if dirs.is_empty() {
        dirs = vec![
            "../shared/corpus-dev/gold".into(),
            "../shared/corpus-real/gold".into(),
        ];
    }
    let docs = torikumi::train::load_gold(&dirs, &[]).expect("gold");
    for d in &docs {
        for src in &d.sources {
            let bytes = std::fs::read(src).expect("read");
            let Ok(doc) =
                torikumi::pipeline::read_document(&bytes, None, &torikumi::Limits::default())
            else {
                continue;
            };
            let a = torikumi::train::align(&doc.blocks, d);
            println!("== {} ({} unaligned)", src.display(), a.unaligned);
            for (i, (feats, roles)) in a.columns.iter().enumerate() {
                let r: Vec<&str> = roles.iter().map(|r| r.label()).collect();
                let h: Vec<String> = feats
                    .iter()
                    .map(|f| {
                        f.iter()
                            .filter(|x| x.starts_with("h2=") || x.starts_with("avg="))
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(",")
                    })
                    .collect();
                println!("  table {i}: {} | {}", r.join(""), h.join(" | "));
                if std::env::var_os("VERBOSE").is_some() {
                    for (c, f) in feats.iter().enumerate() {
                        println!("    col {c} {}: {}", roles[c].label(), f.join(" "));
                    }
                }
            }
        }
    }
}
