//! Prints a document's units as the structure reader labels them: one line
//! per unit with its label, kind and text (and, with `-v`, its features);
//! each table's column roles first.
//!
//! With `--gold DIR`, the units are those training sees (table column roles
//! from the gold), each with its gold label first (`*` where the model
//! disagrees).
//!
//! `cargo run --release --example units -- FILE [--model DIR] [--gold DIR] [-v]`
use torikumi::parse::features;
use torikumi::parse::labeller::{self, Labeller};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let file = args.first().expect("usage: units FILE [--model DIR] [-v]");
    let verbose = args.iter().any(|a| a == "-v");
    let owned;
    let l: &Labeller = match args.iter().position(|a| a == "--model") {
        Some(i) => {
            owned = Labeller::from_dir(std::path::Path::new(&args[i + 1])).expect("model");
            &owned
        }
        None => labeller::current(),
    };
    let bytes = std::fs::read(file).expect("read");
    let doc = torikumi::pipeline::read_document(&bytes, None, &torikumi::Limits::default())
        .expect("document");
    let seg = l.segment(&doc.blocks);
    for (i, t) in seg.tables.iter().enumerate() {
        let cols: Vec<String> = (0..t.roles.len())
            .map(|c| format!("{}:{}", t.roles[c].label(), t.header(c).unwrap_or_default()))
            .collect();
        println!(
            "table {i}: header_rows {} | {}",
            t.header_rows,
            cols.join(" | ")
        );
    }
    // With --gold DIR: the units as training sees them (column roles from
    // the gold), each with the label the aligner derives beside the model's.
    let gold_doc = args.iter().position(|a| a == "--gold").map(|i| {
        let docs = torikumi::train::load_gold(&[args[i + 1].clone().into()], &[]).expect("gold");
        let name = std::path::Path::new(file)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        docs.into_iter()
            .find(|d| d.sources.iter().any(|s| s.ends_with(&name)))
            .expect("a gold document with this rendering")
    });
    let (seg, gold) = match &gold_doc {
        Some(d) => {
            let (gseg, _) = torikumi::train::gold_segment(&doc.blocks, d);
            let (labels, _) = torikumi::train::unit_labels(&gseg, d);
            let labels = labels.iter().map(|l| l.as_str().to_string()).collect();
            (gseg, labels)
        }
        None => (seg, Vec::new()),
    };
    let feats = features::unit_features(&seg);
    let labels = l.label_units(feats.clone());
    for (k, ((u, lab), f)) in seg.units.iter().zip(&labels).zip(&feats).enumerate() {
        if let Some(g) = gold.get(k) {
            print!("{}{} ", g, if g == lab.as_str() { ' ' } else { '*' });
        }
        let cell = u
            .cell
            .map(|c| format!(" t{}r{}c{}", c.table, c.row, c.col))
            .unwrap_or_default();
        let text: String = u.text.chars().take(70).collect();
        println!("{} {:6}{cell} {text}", lab.as_str(), u.kind.name());
        if verbose {
            println!("    {}", f.join(" "));
        }
    }
}
