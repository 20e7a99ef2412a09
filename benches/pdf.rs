//! PDF stage benchmarks on large multi-page Japanese PDFs built in the
//! benchmark from the corpus PDFs (`corpus/*.pdf`, or the directory named by
//! `TORIKUMI_BENCH_PDFS`): a real document's pages repeated, sharing their
//! fonts and resources as a long report does.
//!
//! Stages reachable from outside the crate are measured one by one: object
//! loading (lopdf, as the reader opens a file), content-stream tokenizing,
//! font loading and glyph decoding, ToUnicode CMap parsing. Interpretation,
//! layout and table finding are internal to the reader: they are measured
//! together as the whole `extract::pdf::extract` per page count (and their
//! share is the difference from the stages above; see benches/README.md for a
//! profile). Throughput is in pages, so figures read as pages/s.
//!
//! Run: `cargo bench --bench pdf` (add `-- --quick` for a fast pass).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lopdf::{Dictionary, Object, ObjectId};
use torikumi::Limits;
use torikumi::extract::pdf::font::{Font, cmap::CMap};

/// The corpus PDFs, by file name.
fn sources() -> Vec<(String, Vec<u8>)> {
    let dir = std::env::var_os("TORIKUMI_BENCH_PDFS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus"));
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).expect("readable PDF"))
        })
        .collect();
    out.sort();
    out
}

/// A document of `n` pages: the source's pages in turn, each a new page
/// object drawing the same content with the same resources (inherited
/// attributes copied onto it), under one page tree.
fn repeat_pages(src: &[u8], n: usize) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(src).expect("source PDF loads");
    let pages: Vec<ObjectId> = doc.page_iter().collect();
    let root_pages = doc
        .catalog()
        .and_then(|c| c.get(b"Pages"))
        .and_then(Object::as_reference)
        .expect("page tree");
    let mut kids = Vec::with_capacity(n);
    for i in 0..n {
        let pid = pages[i % pages.len()];
        let mut page = doc.get_dictionary(pid).expect("page").clone();
        // Attributes a page inherits from the nodes above it.
        let mut parent = page.get(b"Parent").and_then(Object::as_reference).ok();
        while let Some(p) = parent {
            let node: Dictionary = doc.get_dictionary(p).expect("page node").clone();
            for key in [&b"Resources"[..], b"MediaBox", b"CropBox", b"Rotate"] {
                if !page.has(key)
                    && let Ok(v) = node.get(key)
                {
                    page.set(key.to_vec(), v.clone());
                }
            }
            parent = node.get(b"Parent").and_then(Object::as_reference).ok();
        }
        page.set("Parent", Object::Reference(root_pages));
        kids.push(Object::Reference(doc.add_object(page)));
    }
    let tree = doc
        .get_object_mut(root_pages)
        .and_then(Object::as_dict_mut)
        .expect("page tree node");
    tree.set("Kids", Object::Array(kids));
    tree.set("Count", Object::Integer(n as i64));
    doc.prune_objects();
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("PDF writes");
    out
}

/// The font resources of each page: resource name → font object id.
fn page_fonts(doc: &lopdf::Document) -> Vec<Vec<(Vec<u8>, ObjectId)>> {
    let mut out = Vec::new();
    for pid in doc.page_iter() {
        let mut names = Vec::new();
        if let Ok((own, inherited)) = doc.get_page_resources(pid) {
            let mut dicts: Vec<&Dictionary> = own.into_iter().collect();
            dicts.extend(
                inherited
                    .into_iter()
                    .filter_map(|id| doc.get_dictionary(id).ok()),
            );
            for res in dicts {
                let fd = res.get(b"Font").and_then(|o| match o {
                    Object::Reference(id) => doc.get_dictionary(*id),
                    o => o.as_dict(),
                });
                for (name, f) in fd.into_iter().flat_map(|d| d.iter()) {
                    if let Object::Reference(id) = f {
                        names.push((name.clone(), *id));
                    }
                }
            }
        }
        out.push(names);
    }
    out
}

fn pdf(c: &mut Criterion) {
    let limits = Limits::default();
    let srcs = sources();
    if srcs.is_empty() {
        eprintln!("pdf bench: no PDFs in corpus/ (set TORIKUMI_BENCH_PDFS=DIR); skipped");
        return;
    }
    // One LibreOffice and one Chromium rendering where the corpus has both.
    let mut picked: Vec<&(String, Vec<u8>)> = Vec::new();
    for tag in [".lo.pdf", ".chromium.pdf"] {
        if let Some(s) = srcs.iter().rev().find(|(n, _)| n.ends_with(tag)) {
            picked.push(s);
        }
    }
    if picked.is_empty() {
        picked.push(&srcs[0]);
    }

    let mut g = c.benchmark_group("pdf_extract");
    g.sample_size(10);
    for (name, bytes) in &picked {
        for n in [1usize, 10, 100] {
            let big = repeat_pages(bytes, n);
            g.throughput(Throughput::Elements(n as u64));
            g.bench_function(format!("{name}/{n}p"), |b| {
                b.iter(|| torikumi::extract::pdf::extract(black_box(&big), &limits).unwrap())
            });
        }
    }
    g.finish();

    let mut g = c.benchmark_group("pdf_stages");
    g.sample_size(10);
    for (name, bytes) in &picked {
        let big = repeat_pages(bytes, 100);
        g.throughput(Throughput::Elements(100));
        g.bench_function(format!("object_loading/{name}/100p"), |b| {
            b.iter(|| lopdf::Document::load_mem(black_box(&big)).unwrap())
        });
        let doc = lopdf::Document::load_mem(&big).unwrap();
        let contents: Vec<Vec<u8>> = doc.page_iter().map(|p| doc.get_page_content(p)).collect();
        g.bench_function(format!("content_stream_decompress/{name}/100p"), |b| {
            b.iter(|| {
                doc.page_iter()
                    .map(|p| doc.get_page_content(p).len())
                    .sum::<usize>()
            })
        });
        g.bench_function(format!("content_stream_tokenize/{name}/100p"), |b| {
            b.iter(|| {
                contents
                    .iter()
                    .map(|c| lopdf::content::Content::decode_iter(black_box(c)).count())
                    .sum::<usize>()
            })
        });
        // Interpretation (content streams run into glyphs and rules, fonts
        // loaded on the way) and layout (lines, tables, reading order).
        g.bench_function(format!("interpret/{name}/100p"), |b| {
            b.iter(|| {
                torikumi::extract::pdf::stages::interpret(black_box(&doc), &limits)
                    .unwrap()
                    .glyphs()
            })
        });
        let interpreted = torikumi::extract::pdf::stages::interpret(&doc, &limits).unwrap();
        g.bench_function(format!("layout/{name}/100p"), |b| {
            b.iter(|| torikumi::extract::pdf::stages::layout(black_box(&interpreted)))
        });
        // Fonts: loading every font of the source once, as one document does.
        let src_doc = lopdf::Document::load_mem(bytes).unwrap();
        let per_page = page_fonts(&src_doc);
        let mut ids: Vec<ObjectId> = per_page.iter().flatten().map(|(_, id)| *id).collect();
        ids.sort();
        ids.dedup();
        let font_dicts: Vec<&Dictionary> = ids
            .iter()
            .filter_map(|id| src_doc.get_dictionary(*id).ok())
            .collect();
        g.throughput(Throughput::Elements(font_dicts.len() as u64));
        g.bench_function(format!("font_load/{name}/{}fonts", font_dicts.len()), |b| {
            b.iter(|| {
                let mut w = Vec::new();
                font_dicts
                    .iter()
                    .map(|f| Font::load(&src_doc, f, &limits, &mut w))
                    .collect::<Vec<_>>()
            })
        });
        // Decoding: every string shown on the source's pages, through the
        // font selected (Tf) when it is shown.
        let loaded: std::collections::HashMap<ObjectId, Font> = ids
            .iter()
            .filter_map(|id| {
                let d = src_doc.get_dictionary(*id).ok()?;
                Some((*id, Font::load(&src_doc, d, &limits, &mut Vec::new())))
            })
            .collect();
        let mut shown: Vec<(ObjectId, Vec<u8>)> = Vec::new();
        for (pid, names) in src_doc.page_iter().zip(&per_page) {
            let content = src_doc.get_page_content(pid);
            let mut cur: Option<ObjectId> = None;
            for op in lopdf::content::Content::decode_iter(&content).flatten() {
                if op.operator == "Tf" {
                    let n = op.operands.first().and_then(|o| o.as_name().ok());
                    cur = n.and_then(|n| names.iter().find(|(k, _)| k == n).map(|(_, id)| *id));
                    continue;
                }
                let Some(font) = cur else { continue };
                for o in op.operands {
                    match o {
                        Object::String(s, _) => shown.push((font, s)),
                        Object::Array(a) => shown.extend(
                            a.into_iter()
                                .filter_map(|x| x.as_str().ok().map(|s| (font, s.to_vec()))),
                        ),
                        _ => {}
                    }
                }
            }
        }
        let nbytes: usize = shown.iter().map(|(_, s)| s.len()).sum();
        g.throughput(Throughput::Bytes(nbytes as u64));
        g.bench_function(format!("font_decode/{name}"), |b| {
            let mut out = Vec::new();
            b.iter(|| {
                let mut n = 0;
                for (id, s) in &shown {
                    out.clear();
                    loaded[id].decode(black_box(s), &mut out);
                    n += out.len();
                }
                n
            })
        });
        // ToUnicode CMaps of the document's fonts.
        let cmaps: Vec<Vec<u8>> = font_dicts
            .iter()
            .copied()
            .filter_map(|f| match f.get(b"ToUnicode").ok()? {
                Object::Reference(id) => src_doc
                    .get_object(*id)
                    .ok()?
                    .as_stream()
                    .ok()?
                    .decompressed_content()
                    .ok(),
                _ => None,
            })
            .collect();
        g.throughput(Throughput::Bytes(
            cmaps.iter().map(Vec::len).sum::<usize>() as u64
        ));
        g.bench_function(
            format!("tounicode_parse/{name}/{}cmaps", cmaps.len()),
            |b| {
                b.iter(|| {
                    cmaps
                        .iter()
                        .map(|d| CMap::parse(black_box(d)))
                        .collect::<Vec<_>>()
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, pdf);
criterion_main!(benches);
