//! Peak resident memory of each stage on one document, for
//! `benches/memory.sh`: `cargo run --release --example mem_stages -- FILE`.
//!
//! Before each stage the kernel's high-water mark is reset
//! (`/proc/self/clear_refs`), so each line is the peak reached inside that
//! stage, with what earlier stages left alive counted in.

use std::time::Instant;

use torikumi::{Limits, detect, extract, normalize, parse, pipeline};

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn status(key: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn report(stage: &str, t: Instant) {
    println!(
        "{stage:<12} peak {:>6} MB  now {:>6} MB  {:>6.2} s",
        status("VmHWM:") / 1024,
        status("VmRSS:") / 1024,
        t.elapsed().as_secs_f64()
    );
    reset_peak();
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: mem_stages FILE");
    let limits = Limits::default();
    reset_peak();
    let t = Instant::now();
    let bytes = std::fs::read(&path).expect("readable file");
    report("read", t);
    let sha = pipeline::sha256_hex(&bytes);
    let t = Instant::now();
    let format = detect::format(&bytes).expect("a known format");
    // As the pipeline does it: the bytes freed inside extraction, the blocks
    // inside parsing.
    let mut doc = extract::extract_owned(format, bytes, None, &limits).expect("extracts");
    report("extract", t);
    let t = Instant::now();
    normalize::document(&mut doc);
    report("normalize", t);
    let t = Instant::now();
    let parsed = parse::parse_emptying(&mut doc, &path, &sha);
    report("parse", t);
    drop(doc);
    let t = Instant::now();
    let n = parsed.initiatives.len();
    let spill = std::env::temp_dir();
    let rendered = torikumi::emit::Rendered::from_records(
        &pipeline_record(&sha),
        parsed.initiatives,
        parsed.kpis,
        Some(&spill),
    )
    .expect("serializes");
    report("serialize", t);
    println!(
        "{n} initiatives, {} bytes of JSON{}",
        rendered.initiatives.len(),
        if rendered.initiatives.spilled() {
            " (in a temporary file)"
        } else {
            ""
        }
    );
}

fn pipeline_record(sha: &str) -> torikumi::model::DocumentRecord {
    torikumi::model::DocumentRecord::new("", sha)
}
