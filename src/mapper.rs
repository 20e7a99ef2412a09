//! The stream mapper behind `torikumi map`: paths or URLs in, one a line;
//! tagged JSON lines out, every record of a document together, in input
//! order, flushed after each document. Made for the engines that pipe
//! records through a program (Spark's `RDD.pipe` or a `mapPartitions` task,
//! Hadoop streaming, GNU parallel, xargs).
//!
//! Each output line is one record of the three files `ingest` writes, with
//! a `kind` member first: `{"kind":"document",...}` (exactly one per
//! document, before its other records), then `{"kind":"initiative",...}` and
//! `{"kind":"kpi",...}`. Less the `kind` member, the lines are byte for byte
//! the lines of `documents.jsonl`, `initiatives.jsonl` and `kpis.jsonl`.
//!
//! A document that cannot be read is a document line with its `error`, as
//! in `ingest`: the batch goes on. The mapper fails (returns an error) only
//! when it cannot read its input or write its output.

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

use crate::emit::Lines;
use crate::limits::Limits;
use crate::pipeline::{DocOutput, Fetch, process_input};
use crate::source::{self, Input};

/// How to run the mapper.
#[derive(Debug, Clone, Default)]
pub struct MapOptions {
    /// Limits per document.
    pub limits: Limits,
    /// Documents read at once (at least 1).
    pub threads: usize,
    /// Relative paths are read from this directory, and keep the path as
    /// written on the input line as their `source`.
    pub base: Option<PathBuf>,
    /// Where a document's lines wait when they outgrow memory (see
    /// [`Lines`]); `None` keeps them in memory.
    pub spill_dir: Option<PathBuf>,
}

/// What a mapper run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MapSummary {
    /// Documents written (failed ones included).
    pub documents: usize,
    /// Documents with an error.
    pub failed: usize,
    /// Initiative lines written.
    pub initiatives: usize,
    /// KPI lines written.
    pub kpis: usize,
}

/// The inputs one line of the mapper's input names: a URL; a file (its
/// `source` is the line as written); or, as for `ingest`, a directory, a
/// glob pattern or an `@manifest`. Blank lines and `#` comments name none.
pub fn line_inputs(line: &str, base: Option<&Path>) -> Vec<Input> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Vec::new();
    }
    if source::is_url(line) {
        return vec![Input::Url(line.to_string())];
    }
    let joined = match base {
        Some(b) if Path::new(line).is_relative() && !line.starts_with('@') => b.join(line),
        _ => PathBuf::from(line),
    };
    if joined.is_file() {
        return vec![Input::File {
            path: joined,
            source: line.to_string(),
        }];
    }
    let mut inputs = source::resolve(&[joined.to_string_lossy().into_owned()]);
    for i in &mut inputs {
        if let Input::Missing { source, .. } = i {
            *source = line.to_string();
        }
    }
    inputs
}

/// One document's tagged lines, ready to be written.
struct Tagged {
    lines: Lines,
    failed: bool,
    initiatives: usize,
    kpis: usize,
}

impl Tagged {
    fn new(out: DocOutput, spill_dir: Option<&Path>) -> io::Result<Tagged> {
        let DocOutput {
            record,
            initiatives,
            kpis,
        } = out;
        let mut lines = Lines::new(spill_dir);
        lines.push_tagged("document", &record)?;
        let (n_init, n_kpi) = (initiatives.len(), kpis.len());
        // Each record is freed once serialized.
        for i in initiatives {
            lines.push_tagged("initiative", &i)?;
        }
        for k in kpis {
            lines.push_tagged("kpi", &k)?;
        }
        Ok(Tagged {
            lines,
            failed: record.error.is_some(),
            initiatives: n_init,
            kpis: n_kpi,
        })
    }
}

/// Reads input lines from `input` and writes every document's tagged lines
/// to `out`, in input order, flushing after each document. Up to
/// `opts.threads` documents are read at once; the others wait in a small
/// window, so memory stays bounded by the documents in it. `on_done` sees
/// each document as it finishes (for error lines on stderr).
pub fn run<R: BufRead + Send>(
    input: R,
    out: &mut dyn Write,
    opts: &MapOptions,
    fetcher: Option<&dyn Fetch>,
    on_done: &(dyn Fn(&DocOutput) + Sync),
) -> io::Result<MapSummary> {
    let threads = opts.threads.max(1);
    let window = threads * 2;
    // The input and the number of lines handed out so far.
    let reader = Mutex::new((input, 0usize, false));
    let written = (Mutex::new(0usize), Condvar::new());
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, io::Result<Vec<Tagged>>)>();
    let mut summary = MapSummary::default();
    std::thread::scope(|s| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (reader, written, stop) = (&reader, &written, &stop);
            s.spawn(move || {
                loop {
                    let next = {
                        let mut r = reader.lock().unwrap_or_else(|e| e.into_inner());
                        next_line(&mut r)
                    };
                    let (i, line) = match next {
                        Ok(Some(l)) => l,
                        Ok(None) => break,
                        Err((i, e)) => {
                            let _ = tx.send((i, Err(e)));
                            break;
                        }
                    };
                    {
                        let mut w = written.0.lock().unwrap_or_else(|e| e.into_inner());
                        while i >= *w + window && !stop.load(Ordering::Relaxed) {
                            w = written.1.wait(w).unwrap_or_else(|e| e.into_inner());
                        }
                    }
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let docs = line_inputs(&line, opts.base.as_deref())
                        .iter()
                        .map(|input| {
                            let out = process_input(input, &opts.limits, fetcher, None);
                            on_done(&out);
                            Tagged::new(out, opts.spill_dir.as_deref())
                        })
                        .collect::<io::Result<Vec<_>>>();
                    if tx.send((i, docs)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut pending = std::collections::BTreeMap::new();
        let mut want = 0usize;
        let mut write = || -> io::Result<()> {
            for (i, docs) in &rx {
                pending.insert(i, docs);
                while let Some(docs) = pending.remove(&want) {
                    for mut d in docs? {
                        d.lines.copy_to(out)?;
                        out.flush()?;
                        summary.documents += 1;
                        summary.failed += usize::from(d.failed);
                        summary.initiatives += d.initiatives;
                        summary.kpis += d.kpis;
                    }
                    want += 1;
                    *written.0.lock().unwrap_or_else(|e| e.into_inner()) = want;
                    written.1.notify_all();
                }
            }
            Ok(())
        };
        let r = write();
        if r.is_err() {
            stop.store(true, Ordering::Relaxed);
            let _guard = written.0.lock().unwrap_or_else(|e| e.into_inner());
            written.1.notify_all();
        }
        drop(rx);
        r
    })?;
    Ok(summary)
}

/// The next line naming something, with its number among such lines;
/// `None` at the end of the input. A read error is numbered like the line
/// it stands for, so that it is reported in order.
#[allow(clippy::type_complexity)]
fn next_line<R: BufRead>(
    r: &mut (R, usize, bool),
) -> Result<Option<(usize, String)>, (usize, io::Error)> {
    let (input, count, done) = r;
    if *done {
        return Ok(None);
    }
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => {
                *done = true;
                return Ok(None);
            }
            Ok(_) => {
                let line = String::from_utf8_lossy(&buf);
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let i = *count;
                *count += 1;
                return Ok(Some((i, line.to_string())));
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                *done = true;
                let i = *count;
                *count += 1;
                return Err((i, e));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(input: &str, threads: usize, base: Option<&Path>) -> (String, MapSummary) {
        let opts = MapOptions {
            threads,
            base: base.map(Path::to_path_buf),
            ..MapOptions::default()
        };
        let mut out = Vec::new();
        let s = run(input.as_bytes(), &mut out, &opts, None, &|_| {}).unwrap();
        (String::from_utf8(out).unwrap(), s)
    }

    #[test]
    fn tagged_lines_in_input_order_whatever_the_threads() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.txt"), "○研修を開催\n○会議を開催\n").unwrap();
        std::fs::write(d.join("b.txt"), "○相談窓口を設置\n").unwrap();
        std::fs::write(d.join("bin.dat"), [0u8, 1, 2, 0, 0, 0, 0, 0xff]).unwrap();
        let input = "a.txt\n\n# a comment\nmissing.txt\r\nbin.dat\nb.txt\n";
        let (one, s) = map(input, 1, Some(d));
        assert_eq!(
            s,
            MapSummary {
                documents: 4,
                failed: 2,
                initiatives: 3,
                kpis: 0
            }
        );
        let kinds: Vec<(String, String)> = one
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (
                    v["kind"].as_str().unwrap().to_string(),
                    v["source"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let k = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            kinds,
            vec![
                k("document", "a.txt"),
                k("initiative", "a.txt"),
                k("initiative", "a.txt"),
                k("document", "missing.txt"),
                k("document", "bin.dat"),
                k("document", "b.txt"),
                k("initiative", "b.txt"),
            ]
        );
        assert!(one.lines().all(|l| l.starts_with("{\"kind\":\"")));
        for threads in [2, 3] {
            assert_eq!(map(input, threads, Some(d)).0, one, "{threads} threads");
        }
    }

    #[test]
    fn lines_less_their_tag_are_ingest_lines() {
        let out = crate::pipeline::process_bytes(
            "○研修を開催\n".as_bytes(),
            "x.txt",
            None,
            &Limits::default(),
        );
        let plain = crate::emit::Rendered::new(&out.record, &out.initiatives, &out.kpis).unwrap();
        let tagged = Tagged::new(out, None).unwrap();
        let text = String::from_utf8(tagged.lines.as_bytes().unwrap().to_vec()).unwrap();
        let mut lines = text.lines();
        let untag = |l: &str, kind: &str| {
            let prefix = format!("{{\"kind\":\"{kind}\",");
            format!("{{{}\n", l.strip_prefix(&prefix).unwrap())
        };
        assert_eq!(
            untag(lines.next().unwrap(), "document").as_bytes(),
            &plain.document[..]
        );
        assert_eq!(
            untag(lines.next().unwrap(), "initiative").as_bytes(),
            plain.initiatives.as_bytes().unwrap()
        );
        assert!(lines.next().is_none());
    }

    #[test]
    fn large_documents_spill_and_come_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut lines = Lines::new(Some(dir.path()));
        let big = "取".repeat(Lines::SPILL_BYTES / 3 + 10);
        lines.push(&big).unwrap();
        lines.push(&"x").unwrap();
        assert!(lines.spilled());
        let mut back = Vec::new();
        lines.copy_to(&mut back).unwrap();
        assert_eq!(back.len() as u64, lines.len());
        let expected = format!("{}\n\"x\"\n", serde_json::to_string(&big).unwrap());
        assert!(back == expected.as_bytes());
        assert_eq!(lines.count(), 2);
    }
}
