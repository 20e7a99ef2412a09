//! Per-stage benchmarks on realistic inputs built from the shipped corpus:
//! encoding detection, HTML extraction, normalization, item parsing, JSON
//! writing, and the whole pipeline per format. Throughput is in bytes of the
//! input, so figures read as MB/s.
//!
//! Run: `cargo bench --bench stages` (add `-- --quick` for a fast pass).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use torikumi::{Limits, normalize, parse, pipeline};

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("corpus")
            .join(name),
    )
    .expect("corpus file")
}

/// A long page: the body of a corpus page repeated `n` times.
fn long_html(name: &str, n: usize) -> Vec<u8> {
    let page = String::from_utf8(corpus(name)).expect("UTF-8 page");
    let (head, rest) = page.split_once("<body>").expect("body");
    let (body, tail) = rest.split_once("</body>").expect("end of body");
    let mut out = String::with_capacity(page.len() * n);
    out.push_str(head);
    out.push_str("<body>");
    for _ in 0..n {
        out.push_str(body);
    }
    out.push_str("</body>");
    out.push_str(tail);
    out.into_bytes()
}

fn stages(c: &mut Criterion) {
    let limits = Limits::default();
    let html = long_html("002_d177e17a2c8ccc19.html", 25);
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(std::str::from_utf8(&html).unwrap());
    let sjis = sjis.into_owned();
    let text = corpus("004_0736b6ba3a49c0cc.txt").repeat(40);

    let mut g = c.benchmark_group("detect");
    g.throughput(Throughput::Bytes(sjis.len() as u64));
    g.bench_function("guess_undeclared_shift_jis", |b| {
        b.iter(|| torikumi::detect::guess(black_box(&sjis)))
    });
    g.finish();

    let mut g = c.benchmark_group("extract");
    g.throughput(Throughput::Bytes(html.len() as u64));
    g.bench_function("html_utf8", |b| {
        b.iter(|| torikumi::extract::html::extract(black_box(&html), None, &limits).unwrap())
    });
    g.throughput(Throughput::Bytes(sjis.len() as u64));
    g.bench_function("html_shift_jis_undeclared", |b| {
        b.iter(|| torikumi::extract::html::extract(black_box(&sjis), None, &limits).unwrap())
    });
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("text", |b| {
        b.iter(|| torikumi::extract::text::extract(black_box(&text), None, &limits).unwrap())
    });
    g.finish();

    let raw = torikumi::extract::html::extract(&html, None, &limits).unwrap();
    let mut g = c.benchmark_group("normalize");
    g.throughput(Throughput::Bytes(html.len() as u64));
    g.bench_function("document", |b| {
        b.iter(|| {
            let mut d = raw.clone();
            normalize::document(&mut d);
            d
        })
    });
    let plain = String::from_utf8(text.clone()).unwrap();
    g.throughput(Throughput::Bytes(plain.len() as u64));
    g.bench_function("text", |b| b.iter(|| normalize::text(black_box(&plain))));
    g.finish();

    let mut doc = raw.clone();
    normalize::document(&mut doc);
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(html.len() as u64));
    g.bench_function("initiatives_and_fields", |b| {
        b.iter(|| parse::parse(black_box(&doc), "bench.html", "0123456789abcdef"))
    });
    g.finish();

    // The structure reader alone, step by step: units (with the column
    // model's roles), their features, and the unit model's labels. Their
    // sum against `parse/initiatives_and_fields` is the labeller's share.
    let l = parse::labeller::current();
    let mut g = c.benchmark_group("structure");
    g.throughput(Throughput::Bytes(html.len() as u64));
    g.bench_function("segment", |b| b.iter(|| l.segment(black_box(&doc.blocks))));
    let seg = l.segment(&doc.blocks);
    g.bench_function("features", |b| {
        b.iter(|| parse::features::unit_features(black_box(&seg)))
    });
    let feats = parse::features::unit_features(&seg);
    g.bench_function("label_units", |b| {
        b.iter(|| l.label_units(black_box(feats.clone())))
    });
    g.bench_function("features_clone", |b| b.iter(|| black_box(feats.clone())));
    g.finish();

    let parsed = parse::parse(&doc, "bench.html", "0123456789abcdef");
    let mut json = Vec::new();
    for r in &parsed.initiatives {
        serde_json::to_writer(&mut json, r).unwrap();
        json.push(b'\n');
    }
    let mut g = c.benchmark_group("emit");
    g.throughput(Throughput::Bytes(json.len() as u64));
    g.bench_function("jsonl_initiatives", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(json.len());
            for r in &parsed.initiatives {
                serde_json::to_writer(&mut out, r).unwrap();
                out.push(b'\n');
            }
            out
        })
    });
    g.finish();

    let mut g = c.benchmark_group("pipeline");
    for name in [
        "002_d177e17a2c8ccc19.html",
        "004_0736b6ba3a49c0cc.sjis.html",
        "003_0427b4530d9cecfe.eucjp.html",
        "000_a9577f83c0b17823.txt",
    ] {
        let bytes = corpus(name);
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| pipeline::process_bytes(black_box(&bytes), name, None, &limits))
        });
    }
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
