//! Training from gold: a model trained on a small document with its gold
//! labels the document back, and training twice gives the same bytes.

use std::fs;
use torikumi::parse::items::find_items_with;
use torikumi::parse::labeller::Labeller;
use torikumi::train::{TrainOptions, load_gold, train};

const DOC: &str = "1 取組の方向\n◆研修の開催\n職員を対象に年2回実施\n◆相談窓口の設置\n◆情報発信の強化\n2 課題\n人材の不足が続いている。\n※数値は令和4年度\n";

fn setup(dir: &std::path::Path) {
    fs::create_dir_all(dir.join("gold")).unwrap();
    fs::create_dir_all(dir.join("docs")).unwrap();
    fs::write(dir.join("docs/tiny.txt"), DOC).unwrap();
    let item = |t: &str, text: &str| serde_json::json!({"title": t, "text": text, "section": ["1 取組の方向"]});
    let gold = serde_json::json!({
        "document": "tiny",
        "sources": ["tiny.txt"],
        "initiatives": [
            item("研修の開催", "研修の開催 職員を対象に年2回実施"),
            item("相談窓口の設置", "相談窓口の設置"),
            item("情報発信の強化", "情報発信の強化"),
        ],
    });
    fs::write(dir.join("gold/tiny.gold.json"), gold.to_string()).unwrap();
}

#[test]
fn a_model_trained_on_a_document_labels_it_back_deterministically() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let docs = load_gold(&[dir.path().join("gold")], &[]).unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].sources.len(), 1, "the rendering is found by name");
    let opts = TrainOptions {
        c1: 0.0,
        c2: 0.1,
        ..Default::default()
    };
    let report = train(&docs, &[], &dir.path().join("m1"), &opts).unwrap();
    assert_eq!(report.unaligned, 0);
    train(&docs, &[], &dir.path().join("m2"), &opts).unwrap();
    for f in ["units.crf", "columns.crf"] {
        assert_eq!(
            fs::read(dir.path().join("m1").join(f)).unwrap(),
            fs::read(dir.path().join("m2").join(f)).unwrap(),
            "{f} differs between two trainings"
        );
    }
    let l = Labeller::from_dir(&dir.path().join("m1")).unwrap();
    let doc = torikumi::pipeline::read_document(DOC.as_bytes(), None, &torikumi::Limits::default())
        .unwrap();
    let items = find_items_with(&doc.blocks, &l);
    let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles, ["研修の開催", "相談窓口の設置", "情報発信の強化"]);
    assert_eq!(items[0].text, "研修の開催 職員を対象に年2回実施");
    // Excluding the only document leaves nothing to train on: a clear error.
    let err = train(&docs, &["tiny".into()], &dir.path().join("m3"), &opts).unwrap_err();
    assert!(err.to_string().contains("no training data"), "{err}");
}
