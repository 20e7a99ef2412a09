//! End-to-end tests of the `torikumi` binary over the shipped corpus/.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_torikumi"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ingest(args: &[&str], out: &Path) -> Output {
    let o = bin()
        .arg("ingest")
        .args(args)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .current_dir(root())
        .output()
        .expect("run torikumi");
    assert!(o.status.code().is_some(), "killed by a signal");
    o
}

fn jsonl(path: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}

#[test]
fn shipped_output_is_what_a_fresh_run_produces() {
    let out = tempfile::tempdir().unwrap();
    let o = ingest(&[], out.path());
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    for name in ["documents.jsonl", "initiatives.jsonl", "kpis.jsonl"] {
        let fresh = fs::read(out.path().join(name)).unwrap();
        let shipped = fs::read(root().join("output").join(name)).unwrap();
        assert!(
            fresh == shipped,
            "output/{name} differs from a fresh run on corpus/; regenerate it with `cargo run --release -- ingest` and review the diff"
        );
    }
}

#[test]
fn output_does_not_depend_on_thread_count() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    ingest(&["corpus", "--threads", "1"], a.path());
    ingest(&["corpus", "--threads", "8"], b.path());
    for name in ["documents.jsonl", "initiatives.jsonl", "kpis.jsonl"] {
        assert_eq!(
            fs::read(a.path().join(name)).unwrap(),
            fs::read(b.path().join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn every_corpus_document_is_read_with_initiatives() {
    let out = tempfile::tempdir().unwrap();
    ingest(&["corpus"], out.path());
    let docs = jsonl(&out.path().join("documents.jsonl"));
    assert_eq!(
        docs.len(),
        fs::read_dir(root().join("corpus"))
            .unwrap()
            .filter(|e| {
                let n = e
                    .as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .into_owned();
                !n.starts_with('.') && !n.to_ascii_uppercase().starts_with("README")
            })
            .count()
    );
    for d in &docs {
        assert!(d["error"].is_null(), "{d}");
        assert!(d["initiatives"].as_u64().unwrap() >= 1, "{d}");
        assert_eq!(d["sha256"].as_str().unwrap().len(), 64);
    }
    // ids are stable: sha256 prefix and ordinal.
    let items = jsonl(&out.path().join("initiatives.jsonl"));
    for it in &items {
        let sha = docs.iter().find(|d| d["source"] == it["source"]).unwrap()["sha256"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(
            it["id"].as_str().unwrap(),
            format!("{}-{}", &sha[..12], it["ordinal"])
        );
    }
}

/// Titles and texts per source, for comparing renderings of one report.
fn items_by_source(out: &Path) -> BTreeMap<String, Vec<(String, String, Vec<String>)>> {
    let mut m: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for it in jsonl(&out.join("initiatives.jsonl")) {
        let section = it["section"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        m.entry(it["source"].as_str().unwrap().to_string())
            .or_default()
            .push((
                it["title"].as_str().unwrap().to_string(),
                it["text"].as_str().unwrap().to_string(),
                section,
            ));
    }
    m
}

#[test]
fn shift_jis_and_euc_jp_pages_give_the_same_initiatives_as_utf8() {
    let out = tempfile::tempdir().unwrap();
    ingest(&["corpus"], out.path());
    let m = items_by_source(out.path());
    let pairs = [
        (
            "000_a9577f83c0b17823.sjis.html",
            "000_a9577f83c0b17823.html",
        ),
        (
            "001_0f3b5a0d2379652b.sjis.html",
            "001_0f3b5a0d2379652b.html",
        ),
        (
            "003_0427b4530d9cecfe.eucjp.html",
            "003_0427b4530d9cecfe.html",
        ),
        (
            "004_0736b6ba3a49c0cc.sjis.html",
            "004_0736b6ba3a49c0cc.html",
        ),
    ];
    for (legacy, utf8) in pairs {
        let a = &m[legacy];
        let b = &m[utf8];
        assert!(!a.is_empty());
        // 000's footnote has ～ (FULLWIDTH TILDE via cp932) where the UTF-8 page has ～ too: equal.
        assert_eq!(a, b, "{legacy} vs {utf8}");
    }
}

#[test]
fn bad_documents_get_an_error_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("empty.txt"), b"").unwrap();
    fs::write(
        d.join("garbage.bin"),
        (0..4096u32)
            .map(|i| (i * 7919 % 251) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let mut bad_utf8 = b"<html><head><meta charset=\"utf-8\"></head><body><p>".to_vec();
    bad_utf8.extend((0..300).map(|i| if i % 2 == 0 { 0xFFu8 } else { 0x80 }));
    bad_utf8.extend_from_slice(b"</p></body></html>");
    fs::write(d.join("bad.html"), bad_utf8).unwrap();
    fs::copy(
        root().join("corpus/001_0f3b5a0d2379652b.html"),
        d.join("good.html"),
    )
    .unwrap();
    fs::create_dir(d.join("a-directory.pdf")).unwrap();
    let manifest = d.join("list.txt");
    fs::write(
        &manifest,
        format!(
            "{}\n{}\n{}\n{}\n{}\n{}\n",
            d.join("empty.txt").display(),
            d.join("garbage.bin").display(),
            d.join("bad.html").display(),
            d.join("missing.pdf").display(),
            d.join("good.html").display(),
            d.join("a-directory.pdf").display()
        ),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = bin()
        .args(["ingest", &format!("@{}", manifest.display()), "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    let docs = jsonl(&out.path().join("documents.jsonl"));
    assert_eq!(docs.len(), 5, "{docs:?}"); // the directory is walked (empty), not a document
    let err = |name: &str| {
        docs.iter()
            .find(|x| x["source"].as_str().unwrap().ends_with(name))
            .unwrap()["error"]
            .as_str()
            .map(str::to_string)
    };
    assert!(err("empty.txt").unwrap().contains("empty"));
    assert!(err("garbage.bin").unwrap().contains("binary"));
    assert!(err("bad.html").unwrap().contains("UTF-8"));
    assert!(err("missing.pdf").unwrap().contains("no such file"));
    assert_eq!(err("good.html"), None);
    for name in ["empty.txt", "garbage.bin", "bad.html", "missing.pdf"] {
        assert!(stderr.contains(name), "stderr names {name}: {stderr}");
    }
    assert!(stderr.contains("5 documents (4 failed)"), "{stderr}");
    // Nothing half-written is left behind.
    let names: Vec<String> = fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

#[test]
fn usage_errors_exit_2_and_help_explains() {
    let o = bin().args(["ingest", "--no-such-flag"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = bin().args(["ingest", "--help"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(help.contains("--threads") && help.contains("--out") && help.contains("manifest"));
}

#[test]
fn schema_describes_every_output_file() {
    let o = bin().arg("schema").output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let props = &v["initiatives.jsonl"]["properties"];
    for key in [
        "id",
        "source",
        "ordinal",
        "page",
        "section",
        "category",
        "fields",
        "marker",
        "title",
        "text",
        "policy_codes",
        "periods",
        "fiscal_years",
        "quantities",
        "orgs",
        "regions",
    ] {
        assert!(props[key].is_object(), "missing {key}");
    }
}

#[test]
fn text_command_shows_table_rows_with_tabs() {
    let o = bin()
        .args(["text", "corpus/003_0427b4530d9cecfe.eucjp.html"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let t = String::from_utf8(o.stdout).unwrap();
    assert!(t.contains("連携事業の企画、立案、効果検証\t●"), "{t}");
}
