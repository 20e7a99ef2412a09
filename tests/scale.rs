//! Running past one process: `ingest --shard K/N` (the shards' union is one
//! run's records, byte for byte once sorted) and `torikumi map` (the stream
//! mapper) under an empty environment.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const FILES: [&str; 3] = ["documents.jsonl", "initiatives.jsonl", "kpis.jsonl"];

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_torikumi"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(cmd: &mut Command) -> Output {
    let o = cmd.output().expect("run torikumi");
    assert!(o.status.code().is_some(), "killed by a signal");
    o
}

/// A file's lines, ordered by (source, ordinal), then by their bytes: the
/// order any union of shards can be brought back to.
fn sorted_lines(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines: Vec<(String, u64, String)> = text
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
            (
                v["source"].as_str().unwrap_or_default().to_string(),
                v["ordinal"].as_u64().unwrap_or(0),
                l.to_string(),
            )
        })
        .collect();
    lines.sort();
    lines.into_iter().map(|(_, _, l)| l).collect()
}

/// A directory of every kind of input: corpus documents in nested folders
/// (the same bytes under two names), text, an empty file, binary garbage.
fn mixed_dir(d: &Path) {
    let corpus = root().join("corpus");
    fs::create_dir_all(d.join("pref/a")).unwrap();
    fs::create_dir_all(d.join("town/b/c")).unwrap();
    for (i, name) in [
        "000_a9577f83c0b17823.html",
        "001_0f3b5a0d2379652b.lo.pdf",
        "003_0427b4530d9cecfe.eucjp.html",
        "004_0736b6ba3a49c0cc.txt",
        "002_d177e17a2c8ccc19.chromium.pdf",
    ]
    .iter()
    .enumerate()
    {
        let sub = if i % 2 == 0 { "pref/a" } else { "town/b/c" };
        fs::copy(corpus.join(name), d.join(sub).join(name)).unwrap();
    }
    fs::copy(
        corpus.join("000_a9577f83c0b17823.html"),
        d.join("town/copy.html"),
    )
    .unwrap();
    fs::write(
        d.join("notes.txt"),
        "○研修会を開催します。\n○相談窓口を設置します。\n",
    )
    .unwrap();
    fs::write(d.join("empty.txt"), "").unwrap();
    fs::write(d.join("garbage.bin"), [0u8, 159, 146, 150, 0, 0, 0, 1, 2]).unwrap();
}

fn assert_shards_union_is_one_run(inputs: &[&Path], n: u32) {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    let mut cmd = bin();
    cmd.arg("ingest")
        .args(inputs)
        .arg("--out")
        .arg(&whole)
        .arg("--quiet");
    // Exit 1 on the mixed directory's bad inputs: each still has its line.
    run(&mut cmd);
    let mut union: Vec<Vec<String>> = vec![Vec::new(); FILES.len()];
    let mut docs_per_shard = Vec::new();
    for k in 0..n {
        let out = tmp.path().join(format!("shard-{k}"));
        let mut cmd = bin();
        cmd.arg("ingest")
            .args(inputs)
            .arg("--out")
            .arg(&out)
            .arg("--quiet")
            .arg("--shard")
            .arg(format!("{k}/{n}"));
        let o = run(&mut cmd);
        assert!(
            o.status.code() == Some(0) || o.status.code() == Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        for (f, u) in FILES.iter().zip(&mut union) {
            let text = fs::read_to_string(out.join(f)).unwrap();
            if *f == "documents.jsonl" {
                docs_per_shard.push(text.lines().count());
            }
            u.extend(text.lines().map(String::from));
        }
    }
    assert!(
        docs_per_shard.iter().filter(|&&c| c > 0).count() >= 2,
        "the documents are spread: {docs_per_shard:?}"
    );
    for (f, u) in FILES.iter().zip(union) {
        let expected = sorted_lines(&whole.join(f));
        let path = tmp.path().join(format!("union-{f}"));
        fs::write(&path, u.join("\n") + if u.is_empty() { "" } else { "\n" }).unwrap();
        let got = sorted_lines(&path);
        assert_eq!(got.len(), expected.len(), "{f}: as many lines");
        assert!(got == expected, "{f}: the same lines");
    }
}

#[test]
fn three_shards_are_one_run_of_the_corpus() {
    assert_shards_union_is_one_run(&[&root().join("corpus")], 3);
}

#[test]
fn three_shards_are_one_run_of_a_mixed_directory() {
    let tmp = tempfile::tempdir().unwrap();
    mixed_dir(tmp.path());
    let shipped = root().join("corpus/001_0f3b5a0d2379652b.txt");
    assert_shards_union_is_one_run(&[tmp.path(), &shipped], 3);
}

#[test]
fn shard_from_an_array_job_index() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = root().join("corpus");
    let via_flag = tmp.path().join("flag");
    let via_env = tmp.path().join("env");
    let o = run(bin()
        .args(["ingest", "--quiet", "--shard", "1/3", "--out"])
        .arg(&via_flag)
        .arg(&corpus));
    assert_eq!(o.status.code(), Some(0));
    for (var, count) in [
        ("JOB_COMPLETION_INDEX", None),
        ("AWS_BATCH_JOB_ARRAY_INDEX", Some("3")),
    ] {
        let mut cmd = bin();
        cmd.args(["ingest", "--quiet", "--out"])
            .arg(&via_env)
            .arg(&corpus)
            .env_remove("JOB_COMPLETION_INDEX")
            .env_remove("AWS_BATCH_JOB_ARRAY_INDEX")
            .env(var, "1");
        match count {
            Some(n) => cmd.env("TORIKUMI_SHARDS", n),
            None => cmd.env_remove("TORIKUMI_SHARDS").args(["--shards", "3"]),
        };
        let o = run(&mut cmd);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        for f in FILES {
            assert_eq!(
                fs::read(via_flag.join(f)).unwrap(),
                fs::read(via_env.join(f)).unwrap(),
                "{var}: {f}"
            );
        }
    }
    // Bad shards are usage errors.
    for args in [
        &["--shard", "3/3"][..],
        &["--shard", "x"],
        &["--shards", "3"],
        &["--shard", "0/2", "--shards", "3"],
    ] {
        let o = run(bin()
            .args(["ingest", "--quiet", "--out"])
            .arg(tmp.path().join("bad"))
            .args(args)
            .arg(&corpus)
            .env_remove("JOB_COMPLETION_INDEX")
            .env_remove("AWS_BATCH_JOB_ARRAY_INDEX")
            .env_remove("TORIKUMI_SHARDS"));
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
}

/// Runs `torikumi map` with an empty environment (as Spark's `RDD.pipe`
/// does), `stdin` on its standard input, in `cwd`.
fn map_env_i(args: &[&str], stdin: &str, cwd: &Path) -> Output {
    let mut child = Command::new("/usr/bin/env")
        .arg("-i")
        .arg(env!("CARGO_BIN_EXE_torikumi"))
        .arg("map")
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("env -i torikumi map");
    let mut input = child.stdin.take().unwrap();
    let text = stdin.to_string();
    let feeder = std::thread::spawn(move || input.write_all(text.as_bytes()));
    let o = child.wait_with_output().unwrap();
    feeder.join().unwrap().unwrap();
    o
}

#[test]
fn map_under_an_empty_environment_is_ingest_line_for_line() {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path().join("work");
    fs::create_dir(&cwd).unwrap();
    let corpus = root().join("corpus");
    let mut names: Vec<String> = fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("README"))
        .collect();
    names.sort();
    names.push("no-such-file.pdf".into());
    let stdin = names.join("\n") + "\n";
    let base = corpus.to_string_lossy().into_owned();
    for threads in ["1", "2"] {
        let o = map_env_i(&["--base", &base, "--threads", threads], &stdin, &cwd);
        assert_eq!(
            o.status.code(),
            Some(0),
            "a failed document is no failure of the mapper: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(String::from_utf8_lossy(&o.stderr).contains("no-such-file.pdf"));
        // Nothing written where no flag said (no cache without a URL).
        assert_eq!(fs::read_dir(&cwd).unwrap().count(), 0);
        // Less the tag, the lines are ingest's lines for the same sources.
        let out = String::from_utf8(o.stdout).unwrap();
        let mut by_kind: [Vec<String>; 3] = Default::default();
        let mut documents = Vec::new();
        for line in out.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let kind = v["kind"].as_str().unwrap();
            let prefix = format!("{{\"kind\":\"{kind}\",");
            let plain = format!("{{{}", line.strip_prefix(&prefix).expect("kind first"));
            let i = match kind {
                "document" => {
                    documents.push(v["source"].as_str().unwrap().to_string());
                    0
                }
                "initiative" => 1,
                "kpi" => 2,
                other => panic!("kind {other}"),
            };
            by_kind[i].push(plain);
        }
        assert_eq!(documents, names, "one document line each, in input order");
        let ingest = tmp.path().join("ingest");
        let o = run(bin()
            .args(["ingest", "--quiet", "--out"])
            .arg(&ingest)
            .arg(&corpus));
        assert_eq!(o.status.code(), Some(0));
        for (f, lines) in FILES.iter().zip(&by_kind) {
            let expected: Vec<String> = fs::read_to_string(ingest.join(f))
                .unwrap()
                .lines()
                .map(String::from)
                .collect();
            let got: Vec<&String> = lines
                .iter()
                .filter(|l| !l.contains("\"source\":\"no-such-file.pdf\""))
                .collect();
            assert_eq!(got.len(), expected.len(), "{f}");
            assert!(got.iter().zip(&expected).all(|(a, b)| *a == b), "{f}");
        }
    }
}

#[test]
fn map_fails_only_when_it_cannot_write() {
    let tmp = tempfile::tempdir().unwrap();
    // Standard output closed at once: the mapper cannot work.
    let mut child = bin()
        .args(["map", "--quiet"])
        .current_dir(tmp.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut input = child.stdin.take().unwrap();
    let corpus = root().join("corpus/000_a9577f83c0b17823.html");
    let line = format!("{}\n", corpus.display());
    let _ = input.write_all(line.repeat(50).as_bytes());
    drop(input);
    let status = child.wait().unwrap();
    assert_ne!(status.code(), Some(0));
    // An empty input is a finished batch.
    let o = map_env_i(&[], "", tmp.path());
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
}
