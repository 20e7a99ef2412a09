//! Throughput of the date and quantity readers over the whole shipped corpus
//! (`corpus/`: every .txt and .html rendering, normalized line by line first,
//! as the pipeline hands the readers normalized text).
//!
//! ```text
//! cargo bench --bench readers
//! ```

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use torikumi::normalize;
use torikumi::parse::{dates, owners, quantities};

/// Normalized lines of every UTF-8 rendering in corpus/ (the .sjis/.eucjp
/// copies are the same text in other encodings and are skipped).
fn corpus_lines() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    let mut lines = Vec::new();
    for p in paths {
        let name = p.to_string_lossy().to_string();
        if !(name.ends_with(".txt") || name.ends_with(".html"))
            || name.contains(".sjis.")
            || name.contains(".eucjp.")
        {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(&p) {
            lines.extend(text.lines().map(normalize::text).filter(|l| !l.is_empty()));
        }
    }
    lines
}

fn bench(c: &mut Criterion) {
    let lines = corpus_lines();
    let bytes: usize = lines.iter().map(String::len).sum();
    let mut g = c.benchmark_group("readers");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("dates", |b| {
        b.iter(|| {
            let mut n = 0;
            for l in &lines {
                let p = dates::find_periods(black_box(l));
                n += dates::fiscal_years(&p).len() + p.len();
            }
            n
        })
    });
    g.bench_function("quantities", |b| {
        b.iter(|| {
            lines
                .iter()
                .map(|l| quantities::find_quantities(black_box(l)).len())
                .sum::<usize>()
        })
    });
    g.bench_function("dates+quantities+owners", |b| {
        b.iter(|| {
            let mut n = 0;
            for l in &lines {
                let l = black_box(l.as_str());
                n += dates::find_periods(l).len() + quantities::find_quantities(l).len();
                n += owners::find_orgs(l).len() + owners::find_regions(l).len();
            }
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
