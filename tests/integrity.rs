//! Output integrity: a run killed with SIGKILL at any moment leaves either
//! the previous complete output or the new complete output, and `--resume`
//! finishes an interrupted run with the same bytes as an uninterrupted one.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

const FILES: [&str; 3] = ["documents.jsonl", "initiatives.jsonl", "kpis.jsonl"];

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_torikumi"))
}

/// A batch of `n` documents made from the shipped corpus (renamed copies).
fn batch(dir: &Path, n: usize) {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut sources: Vec<PathBuf> = fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            !p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("README")
        })
        .collect();
    sources.sort();
    for i in 0..n {
        let src = &sources[i % sources.len()];
        fs::copy(
            src,
            dir.join(format!(
                "{i:04}-{}",
                src.file_name().unwrap().to_string_lossy()
            )),
        )
        .unwrap();
    }
}

fn snapshot(out: &Path) -> Option<Vec<Vec<u8>>> {
    FILES.iter().map(|f| fs::read(out.join(f)).ok()).collect()
}

fn run(input: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    bin()
        .arg("ingest")
        .arg(input)
        .arg("--out")
        .arg(out)
        .args(["--quiet", "--threads", "1"])
        .args(extra)
        .output()
        .unwrap()
}

/// A small deterministic generator, seeded from the clock (printed on failure).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn sigkill_at_random_points_never_leaves_a_mix() {
    let work = tempfile::tempdir().unwrap();
    let small = work.path().join("small");
    let big = work.path().join("big");
    fs::create_dir_all(&small).unwrap();
    fs::create_dir_all(&big).unwrap();
    batch(&small, 5);
    batch(&big, 120);

    // The previous output (a small run) and the new one (the big run).
    let out = work.path().join("out");
    let t0 = Instant::now();
    assert!(run(&big, &out, &[]).status.success());
    let full_time = t0.elapsed();
    let new = snapshot(&out).unwrap();
    fs::remove_dir_all(&out).unwrap();
    assert!(run(&small, &out, &[]).status.success());
    let previous = snapshot(&out).unwrap();
    assert_ne!(previous, new);

    let seed = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = Lcg(seed);
    let window = full_time.as_micros() as u64 + 2_000;
    let (mut saw_previous, mut saw_new) = (0, 0);
    for k in 0..50 {
        let delay = Duration::from_micros(rng.next() % window);
        let mut child = bin()
            .arg("ingest")
            .arg(&big)
            .arg("--out")
            .arg(&out)
            .args(["--quiet", "--threads", "1"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let now = snapshot(&out)
            .unwrap_or_else(|| panic!("kill {k} (seed {seed}, {delay:?}): output files missing"));
        if now == previous {
            saw_previous += 1;
        } else if now == new {
            saw_new += 1;
            // Put the previous output back for the next round.
            fs::remove_dir_all(&out).unwrap();
            assert!(run(&small, &out, &[]).status.success());
        } else {
            panic!("kill {k} (seed {seed}, after {delay:?}) left a mix of two outputs");
        }
    }
    eprintln!(
        "50 kills: {saw_previous} left the previous output, {saw_new} the new one (seed {seed})"
    );
}

#[test]
fn resume_finishes_an_interrupted_run_with_the_same_bytes() {
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("in");
    fs::create_dir_all(&input).unwrap();
    batch(&input, 120);
    let reference = work.path().join("reference");
    assert!(run(&input, &reference, &[]).status.success());

    // Kill a run as soon as its journal holds a finished chunk.
    let out = work.path().join("out");
    let journal = work.path().join(".out.torikumi-staging/journal.jsonl");
    let mut child = bin()
        .arg("ingest")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .args(["--quiet", "--threads", "1"])
        .spawn()
        .unwrap();
    let start = Instant::now();
    while fs::metadata(&journal).map(|m| m.len()).unwrap_or(0) == 0
        && start.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_micros(200));
    }
    let _ = child.kill();
    let status = child.wait().unwrap();
    if status.success() {
        // The run finished before the kill landed: nothing to resume, but the
        // output must still be the reference.
        assert_eq!(snapshot(&out), snapshot(&reference));
        return;
    }
    assert!(
        !out.join("documents.jsonl").exists(),
        "a killed first run published output"
    );

    let o = bin()
        .arg("ingest")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .args(["--threads", "1", "--resume"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("resumed"), "{stderr}");
    assert_eq!(snapshot(&out), snapshot(&reference));
}
